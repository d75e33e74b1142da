"""Every start-up trick that leans on another library's internals or on the garbage collector.

Each trick has a plain path that uses only public APIs. `IDRILL_NO_SPEEDUPS=1` turns every trick
off (the CLI tests run once that way in CI), and a trick whose library changed underneath it falls
back to the plain path by itself, with a one-time note (shown on stderr when `IDRILL_DEBUG` is set,
always kept in `NOTES`), never a crash. The tricks:

- the cyclic GC is paused while start-up builds objects that live until the process ends, which
  are then frozen out of its reach (`startup_paused`, `long_lived`, `paused`);
- Typer's string annotations are resolved once, in place (`resolve_annotations`);
- plain option values are coerced without Typer's per-option pydantic adapters (`light_coercion`);
- the code `dataclasses` generates is compiled once and kept in the cache folder
  (`compiled_dataclasses`);
- a read-only command's bank and figures are never freed, and the process ends without Python's
  teardown once its output is flushed and its exit handlers ran (`keep_to_the_end`, `finish`);
- while a big bank is parsed and validated, glibc's malloc keeps the memory it frees for the next
  file instead of handing it back to the system at once (`keep_freed_memory`);
- SHA-256 from CPython's own module, without `hashlib` loading OpenSSL (`sha256`).
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

SWITCH = "IDRILL_NO_SPEEDUPS"
NOTES: list[str] = []


def enabled() -> bool:
    """Whether the tricks may run (read at each call, so tests can flip the switch)."""
    return os.environ.get(SWITCH, "").strip().lower() in ("", "0", "false", "no")


def note(trick: str, exc: BaseException) -> None:
    """Record, once per trick, that it fell back to the plain path."""
    text = f"speedup `{trick}` is off: {type(exc).__name__}: {exc}"
    if any(n.startswith(f"speedup `{trick}`") for n in NOTES):
        return
    NOTES.append(text)
    if os.environ.get("IDRILL_DEBUG"):
        sys.stderr.write(f"debug: {text}\n")


# ---------------------------------------------------------------- the garbage collector

# Set by the console-script entry point only: tests that invoke commands in-process keep their GC.
REAL_RUN = False


def pause_for_startup() -> bool:
    """Pause the cyclic GC while modules and commands are built; returns whether it was on."""
    was = gc.isenabled()
    if enabled():
        gc.disable()
    return was


def end_startup(was_enabled: bool) -> None:
    """Freeze what start-up built (it lives to the end) and turn the GC back on."""
    if was_enabled and not gc.isenabled():
        gc.freeze()  # also resets the allocation count, which would otherwise start a full scan
        gc.enable()


def command_starts() -> None:
    """Called as a command starts: in a real run, what start-up made is frozen and the GC resumes."""
    if REAL_RUN and not gc.isenabled():
        gc.freeze()
        gc.enable()


@contextmanager
def long_lived() -> Iterator[None]:
    """Build objects that live until the command ends (the bank) unscanned, then freeze them.

    10,000 cards are ~150,000 GC-tracked objects: without this every later collection (queue,
    stats over the history) would scan them all again. It nests: the drill builds its whole session
    (the modules it imports, the bank, the queue) in one, and the GC is back on for the session.
    """
    if not (REAL_RUN and enabled()):
        yield
        return
    was = gc.isenabled()  # False inside another long_lived(): the outer one turns it back on
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was:
            gc.enable()


@contextmanager
def paused() -> Iterator[None]:
    """The GC off while many small objects are made that all survive (a bank being built)."""
    if not enabled():
        yield
        return
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


# ---------------------------------------------------------------- the end of the process

_KEPT: list[Any] = []


def keep_to_the_end(*objects: Any) -> None:
    """Let what a read-only command built (the bank, its figures) live until the process ends.

    Freeing 10,000 cards and their figures when the command returns, then Python's teardown of every
    module, costs ~20 ms of a ~250 ms report for nothing: the process is about to end. With objects
    kept, `finish` ends it without either (in a real run, with the tricks on).
    """
    if REAL_RUN and enabled():
        _KEPT.append(objects)


def finish(code: int) -> None:
    """End a real run whose command kept its objects (`keep_to_the_end`): output flushed, exit
    handlers run (e.g. the dataclass code being saved), then `os._exit(code)`. Returns (the ordinary
    exit follows) when nothing was kept, under a profiler or tracer (cProfile, coverage), or when the
    output cannot be flushed, so an error there (a closed pipe) is reported as it always is."""
    if not _KEPT or sys.gettrace() is not None or sys.getprofile() is not None:
        return  # a profiler or a coverage tracer writes its data at the ordinary exit
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        return
    try:
        import atexit

        atexit._run_exitfuncs()  # each handler's error is printed, as at an ordinary exit
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception as exc:
        note("finish", exc)
        return
    os._exit(code)


# ---------------------------------------------------------------- freed memory

# glibc's mallopt parameters (malloc.h) and what we set them to
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
MMAP_THRESHOLD = 4 * 1024 * 1024  # bigger blocks are rare: mapped (and given back) as by default
TRIM_THRESHOLD = 256 * 1024 * 1024
_kept_freed: list[bool] = []  # once per process


def keep_freed_memory() -> bool:
    """Ask glibc's malloc to keep the memory it frees, for reuse, instead of giving it back at once.

    Parsing and validating a bank file makes and frees tens of MB: its bytes, its YAML events, its
    validated cards, its cache entry. By default glibc returns big blocks (an mmap each) and the top
    of its heap to the system as soon as they are freed, so the next file touches fresh pages again,
    and a fresh page costs the kernel ~1-4 µs (zeroing it; more under a hypervisor). A cold
    validation of 10,000 cards touched ~44,000 pages for a peak of ~24,000. With blocks up to 4 MB
    taken from the heap and up to 256 MB of free heap kept, freed memory is reused instead (~26,500
    pages; blocks up to 32 MB: ~24,500, but a peak 9 MB higher). Returns
    whether the settings took (not glibc, the switch off, or no `mallopt`: nothing changes).
    """
    if _kept_freed:
        return _kept_freed[0]
    took = False
    if enabled() and sys.platform.startswith("linux"):
        try:
            import ctypes

            mallopt = ctypes.CDLL(None).mallopt
            took = bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
                mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
            )
        except (OSError, AttributeError, ImportError) as exc:
            note("keep_freed_memory", exc)
    _kept_freed.append(took)
    return took


# ---------------------------------------------------------------- dataclasses

DATACLASS_CODE_LIMIT = 8 * 1024 * 1024  # the file holds a few hundred small code objects (~0.5 MB)
# source text → its compiled code, once installed: the code's marshal bytes until a class needs it
_dataclass_code: dict[str, Any] | None = None


def compiled_dataclasses(folder: Callable[[], Any]) -> None:
    """Reuse, from a file in the folder `folder()` names, the compiled code of the methods `dataclasses`
    generates and of the `__new__` of named tuples.

    `dataclasses` writes the source of each class's `__init__`, `__repr__`, `__eq__`... and compiles
    it at every start: the ~90 dataclasses a drill defines (ours, pydantic's, Rich's) spent about half
    of their ~40 ms compiling. `collections.namedtuple` (and `typing.NamedTuple`) compiles a one-line
    `__new__` for each class (~40 µs; `stats` makes ~35 of them, most of them Rich's). The code
    compiled from a text is always the same, so the file maps each text to its code (marshal; one
    file per interpreter and optimisation level) and is rewritten, at exit, only when a text was new.
    It works by giving the `dataclasses` module its own `exec` and `collections` its own `eval` (the
    names their generated source is run with), which run the cached code in place of compiling the
    text: the same as `exec(text, ...)` / `eval(text, ...)` from those modules (no `__future__` flags
    there), nothing else.

    The file holds the code of every command's classes (~450), and a command makes ~50 of them: each
    code is kept as its marshal bytes and decoded when its text comes, so a start decodes ~50 code
    objects instead of ~450 (~2 ms and ~400 fresh pages less).
    """
    global _dataclass_code
    if not enabled() or _dataclass_code is not None:
        return
    try:
        import builtins
        import collections
        import dataclasses
        import marshal

        if "exec" in vars(dataclasses):
            raise RuntimeError("dataclasses already has its own exec")
        if "eval" in vars(collections):
            raise RuntimeError("collections already has its own eval")
        path = _dataclass_code_path(folder())
        codes: dict[str, Any] = _read_dataclass_code(path)
        real_exec, real_eval = builtins.exec, builtins.eval
        code_type = type(compiled_dataclasses.__code__)
        new: list[str] = []

        def compiled(source: str, mode: str) -> Any:
            key = source if mode == "exec" else EVAL_KEY + source  # the two modes' texts apart
            code = codes.get(key)
            if type(code) is bytes:
                try:
                    code = marshal.loads(code)
                except (ValueError, EOFError, TypeError):
                    code = None
                if type(code) is not code_type:  # damaged: compiled again, and kept right
                    code = None
            if code is None:
                code = compile(source, "<string>", mode, dont_inherit=True)
                if not new:
                    import atexit

                    atexit.register(_write_dataclass_code, path, codes)
                new.append(key)
            codes[key] = code
            return code

        def cached_exec(source: Any, globals: Any = None, locals: Any = None, /) -> None:
            if globals is None:  # exec's own default: its caller's namespaces (dataclasses passes both)
                caller = sys._getframe(1)
                globals, locals = caller.f_globals, caller.f_locals if locals is None else locals
            real_exec(compiled(source, "exec") if type(source) is str else source, globals, locals)

        def cached_eval(source: Any, globals: Any = None, locals: Any = None, /) -> Any:
            if globals is None:  # eval's own default: its caller's namespaces (namedtuple passes one)
                caller = sys._getframe(1)
                globals, locals = caller.f_globals, caller.f_locals if locals is None else locals
            return real_eval(compiled(source, "eval") if type(source) is str else source, globals, locals)

        dataclasses.exec = cached_exec  # type: ignore[attr-defined]
        collections.eval = cached_eval  # type: ignore[attr-defined]
        _dataclass_code = codes
    except Exception as exc:  # a changed module: it compiles its text, as without us
        note("compiled_dataclasses", exc)


EVAL_KEY = "#eval\n"  # before an `eval` text in the file's map (no exec text starts so: a comment line)


def _dataclass_code_path(folder: Any) -> Any:
    from pathlib import Path

    tag = f"{sys.implementation.cache_tag}-O{sys.flags.optimize}"
    return Path(folder) / f"dataclass-code-2.{tag}.marshal"  # 2: each code as its marshal bytes


def _read_dataclass_code(path: Any) -> dict[str, Any]:
    """The file's map (text → code's marshal bytes), or an empty one (missing, not a regular file,
    too big, damaged, or not such a map)."""
    import marshal
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return {}
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > DATACLASS_CODE_LIMIT:
            return {}
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = marshal.loads(f.read())
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    finally:
        os.close(fd)
    if not isinstance(data, dict) or not all(type(k) is str and type(v) is bytes for k, v in data.items()):
        return {}
    return data


def _write_dataclass_code(path: Any, codes: dict[str, Any]) -> None:
    """Replace the file atomically; a cache that cannot be written is simply not kept."""
    import marshal

    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        kept = {k: v if type(v) is bytes else marshal.dumps(v) for k, v in codes.items()}
        tmp.write_bytes(marshal.dumps(kept))
        os.replace(tmp, path)
        path.with_name(path.name.replace("dataclass-code-2.", "dataclass-code.")).unlink(missing_ok=True)
    except (OSError, ValueError):
        with suppress(OSError):
            tmp.unlink()


# ---------------------------------------------------------------- Typer


def resolve_annotations(typer_app: Any) -> None:
    """Evaluate the commands' string annotations once, in place.

    With `from __future__ import annotations` every annotation is a string, and Typer evaluates each
    one several times while it builds the commands: a quarter of `idrill --help`. Reads Typer's
    `registered_commands` / `registered_callback` / `registered_groups`, which are not public API.
    """
    if not enabled():
        return
    try:
        _resolve(typer_app)
    except Exception as exc:  # Typer changed: it evaluates the annotations itself, as without us
        note("resolve_annotations", exc)


def _resolve(typer_app: Any) -> None:
    import typing

    callbacks = [info.callback for info in typer_app.registered_commands]
    if typer_app.registered_callback is not None:
        callbacks.append(typer_app.registered_callback.callback)
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            _resolve(group.typer_instance)
    seen: set[int] = set()
    while callbacks:
        fn = callbacks.pop()
        annotations = getattr(fn, "__annotations__", None)
        if id(fn) in seen or not annotations or not any(isinstance(a, str) for a in annotations.values()):
            continue
        seen.add(id(fn))
        try:
            resolved = typing.get_type_hints(fn, include_extras=True)
        except Exception:  # leave it to Typer, which reports it as it always did
            continue
        annotations.update(resolved)  # shared with any wrapper made by functools.wraps
        for hint in resolved.values():  # shell-completion functions are inspected the same way
            if typing.get_origin(hint) is typing.Annotated:
                callbacks += [
                    c for m in typing.get_args(hint)[1:] if (c := getattr(m, "autocompletion", None))
                ]


_MISS = object()  # a light coercer's "not mine": Typer's own adapter decides


def light_coercion(typer_package: Any) -> None:
    """Coerce plain option values of the `typer` package given without building its pydantic adapters.

    Typer 0.29 coerces every option value through a pydantic `TypeAdapter`, built per option at each
    run, even for an option left out (None): a drill with no options built 13 and imported
    `typer._adapters` (pydantic.types, annotated_types, ...). This replaces `typer.core`'s
    `build_runtime_param` (not public API) by one whose coercion handles None exactly as Typer's does
    (its own `RuntimeParam.coerce`), and str, int, float, bool and `Path` values, and lists of them,
    as Typer's adapters do; any other value, and any value these reject (an error message), goes to
    Typer's own coercion, built then, so every error keeps Typer's wording. Installed once; each
    coercion re-reads the switch, so tests can compare both paths in one process.
    """
    if not enabled():
        return
    try:
        _install_light_coercion(typer_package)
    except Exception as exc:  # Typer changed: it builds its adapters, as without us
        note("light_coercion", exc)


def _install_light_coercion(typer_package: Any) -> None:
    from pathlib import Path

    core, coercion, param_types = typer_package.core, typer_package._coercion, typer_package._param_types
    original = core.build_runtime_param
    if getattr(original, "_idrill_light", False):
        return
    if original is not coercion.build_runtime_param or not hasattr(core._TyperParameter, "get_runtime_param"):
        raise RuntimeError("typer.core no longer builds its runtime params through build_runtime_param")
    base = coercion.RuntimeParam
    coerce_path = param_types.coerce_cli_path

    class LightParam(base):  # type: ignore[misc,valid-type]  # a frozen dataclass of Typer's
        """Typer's None handling (`RuntimeParam.coerce`), then a light coercer or Typer's own."""

        def __init__(self, descriptor: Any, light: Callable[..., Any] | None) -> None:
            super().__init__(parameter_info=descriptor.parameter_info, annotation=descriptor.annotation)
            object.__setattr__(self, "_descriptor", descriptor)
            object.__setattr__(self, "_light", light)
            object.__setattr__(self, "_real", None)

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            if self._light is not None and enabled():
                got = self._light(value, param, ctx)
                if got is not _MISS:
                    return got
            if self._real is None:
                object.__setattr__(self, "_real", original(self._descriptor))
            return self._real._coerce_value(value, param=param, ctx=ctx)

    def build(descriptor: Any) -> Any:
        if not enabled() or descriptor.file_annotation is not None:
            return original(descriptor)
        return LightParam(
            descriptor, _light_coercer(descriptor.annotation, descriptor.parameter_info, coerce_path, Path)
        )

    build._idrill_light = True  # type: ignore[attr-defined]
    core.build_runtime_param = build


def _light_coercer(
    annotation: Any, info: Any, coerce_path: Callable[..., Any], path_class: type
) -> Callable[[Any, Any, Any], Any] | None:
    """(value, param, ctx) -> what Typer's adapter for `annotation` returns, or _MISS; None if no such."""
    import re
    import typing

    if info.parser is not None:
        return None
    if typing.get_origin(annotation) is list:
        (item,) = typing.get_args(annotation)
        leaf = _light_coercer(item, info, coerce_path, path_class)
        if leaf is None:
            return None

        def many(value: Any, param: Any, ctx: Any) -> Any:
            out = []
            for one in value if isinstance(value, (list, tuple)) else [value]:
                got = leaf(one, param, ctx)
                if got is _MISS:
                    return _MISS
                out.append(got)
            return out

        return many
    if annotation is str:
        return lambda value, param, ctx: value if type(value) is str else _MISS
    if annotation is bool:
        return lambda value, param, ctx: value if type(value) is bool else _MISS
    if annotation is int or annotation is float:
        if info.clamp:
            return None
        low, high = info.min, info.max
        # Digits only (pydantic also takes "1_000", " 7 ", "2e3"...: those go to Typer's adapter).
        pattern = re.compile(r"-?[0-9]{1,18}" if annotation is int else r"-?[0-9]{1,15}(\.[0-9]{1,15})?")

        def number(value: Any, param: Any, ctx: Any) -> Any:
            if type(value) is annotation:
                got = value
            elif type(value) is str and pattern.fullmatch(value):
                got = annotation(value)
            else:
                return _MISS
            if got != got or (low is not None and got < low) or (high is not None and got > high):
                return _MISS  # NaN, or out of range: Typer's message
            return got

        return number
    if annotation is path_class and info.path_type is None:

        def path(value: Any, param: Any, ctx: Any) -> Any:
            if type(value) is str:
                value = path_class(value)  # what pydantic makes of any str for a Path
            elif not isinstance(value, path_class):
                return _MISS
            try:
                return coerce_path(value, info, path_type=path_class, param=param, ctx=ctx)
            except Exception:
                return _MISS  # Typer's adapter runs the same checks again and raises its own error

        return path
    return None


# ---------------------------------------------------------------- hashing


def sha256(data: bytes = b"") -> Any:
    """`hashlib.sha256(data)`, from CPython's own implementation where it can be had directly.

    `import hashlib` loads OpenSSL's libcrypto (~3 ms and ~220 page faults of a start) though a warm
    start hashes a few hundred KB (the bank cache's file names and code fingerprint). CPython's
    built-in module (`_sha2` since 3.12, `_sha256` before) gives the same digests.
    """
    if enabled():
        import importlib

        for name in ("_sha2", "_sha256"):
            try:
                return importlib.import_module(name).sha256(data)
            except (ImportError, AttributeError):
                continue
    import hashlib

    return hashlib.sha256(data)
