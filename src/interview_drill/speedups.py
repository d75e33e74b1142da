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
- cached cards are rebuilt through pydantic's private slots instead of `model_construct`
  (`model_builder`).
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel

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


# ---------------------------------------------------------------- dataclasses

DATACLASS_CODE_LIMIT = 8 * 1024 * 1024  # the file holds a few hundred small code objects (~0.3 MB)
_dataclass_code: dict[str, Any] | None = None  # source text → its compiled code, once installed


def compiled_dataclasses(folder: Callable[[], Any]) -> None:
    """Reuse, from a file in the folder `folder()` names, the compiled code of the methods `dataclasses` generates.

    `dataclasses` writes the source of each class's `__init__`, `__repr__`, `__eq__`... and compiles
    it at every start: the ~90 dataclasses a drill defines (ours, pydantic's, Rich's) spent about half
    of their ~40 ms compiling. The code compiled from a text is always the same, so the file maps each
    text to its code (marshal; one file per interpreter and optimisation level) and is rewritten, at
    exit, only when a text was new. It works by giving the `dataclasses` module its own `exec` (the
    name its generated source is run with), which runs the cached code in place of compiling the text:
    the same as `exec(text, ...)` from `dataclasses` (no `__future__` flags there), nothing else.
    """
    global _dataclass_code
    if not enabled() or _dataclass_code is not None:
        return
    try:
        import builtins
        import dataclasses

        if "exec" in vars(dataclasses):
            raise RuntimeError("dataclasses already has its own exec")
        path = _dataclass_code_path(folder())
        codes = _read_dataclass_code(path)
        real_exec = builtins.exec
        new: list[str] = []

        def cached_exec(source: Any, globals: Any = None, locals: Any = None, /) -> None:
            if globals is None:  # exec's own default: its caller's namespaces (dataclasses passes both)
                caller = sys._getframe(1)
                globals, locals = caller.f_globals, caller.f_locals if locals is None else locals
            if type(source) is str:
                code = codes.get(source)
                if code is None:
                    code = codes[source] = compile(source, "<string>", "exec", dont_inherit=True)
                    if not new:
                        import atexit

                        atexit.register(_write_dataclass_code, path, codes)
                    new.append(source)
                source = code
            real_exec(source, globals, locals)

        dataclasses.exec = cached_exec  # type: ignore[attr-defined]
        _dataclass_code = codes
    except Exception as exc:  # a changed dataclasses module: it compiles its text, as without us
        note("compiled_dataclasses", exc)


def _dataclass_code_path(folder: Any) -> Any:
    from pathlib import Path

    tag = f"{sys.implementation.cache_tag}-O{sys.flags.optimize}"
    return Path(folder) / f"dataclass-code.{tag}.marshal"


def _read_dataclass_code(path: Any) -> dict[str, Any]:
    """The file's map, or an empty one (missing, not a regular file, too big, damaged, or not a map)."""
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
    code_type = type(_read_dataclass_code.__code__)
    if not isinstance(data, dict) or not all(
        type(k) is str and type(v) is code_type for k, v in data.items()
    ):
        return {}
    return data


def _write_dataclass_code(path: Any, codes: dict[str, Any]) -> None:
    """Replace the file atomically; a cache that cannot be written is simply not kept."""
    import marshal

    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(marshal.dumps(codes))
        os.replace(tmp, path)
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


# ---------------------------------------------------------------- pydantic


def model_builder(cls: type[BaseModel]) -> Callable[[dict[str, Any], set[str]], Any]:
    """A function (values, fields_set) -> instance of the pydantic model `cls`, without validation.

    The fast path sets pydantic's private slots directly: `model_construct` does the same plus
    per-field bookkeeping that costs more than the rest of a warm start of 10,000 cards. The result is
    checked against `model_construct` once; any difference or error falls back to it for good.
    """
    plain = _plain_builder(cls)
    if not enabled():
        return plain
    try:
        fast = _fast_builder(cls)
        probe = {name: None for name in cls.model_fields}
        a, b = fast(dict(probe), set(probe)), plain(dict(probe), set(probe))
        if a.__dict__ != b.__dict__ or a.model_fields_set != b.model_fields_set:
            raise RuntimeError("a rebuilt model differs from model_construct's")
        if getattr(a, "__pydantic_extra__", None) != getattr(b, "__pydantic_extra__", None):
            raise RuntimeError("extra fields differ from model_construct's")
        return fast
    except Exception as exc:
        note("model_builder", exc)
        return plain


def _plain_builder(cls: Any) -> Callable[[dict[str, Any], set[str]], Any]:
    def build(values: dict[str, Any], fields_set: set[str]) -> Any:
        return cls.model_construct(_fields_set=fields_set, **values)

    return build


def _fast_builder(cls: Any) -> Callable[..., Any]:  # (values, fields_set, private=None)
    from pydantic import BaseModel

    slots = BaseModel.__dict__
    set_fields_set = slots["__pydantic_fields_set__"].__set__
    set_extra = slots["__pydantic_extra__"].__set__
    set_private = slots["__pydantic_private__"].__set__
    set_attribute = object.__setattr__
    new = cls.__new__

    def build(values: dict[str, Any], fields_set: set[str], private: Any = None) -> Any:
        obj = new(cls)
        set_attribute(obj, "__dict__", values)
        set_fields_set(obj, fields_set)
        set_extra(obj, None)
        set_private(obj, private)
        return obj

    return build


# A lazy model's methods that read every field at once: each first fills the model in (the methods
# of pydantic's BaseModel that read `__dict__` directly, the dunders that copy, compare, show or
# pickle it, and assignment, which must not be overwritten by a later fill).
_WAKING = (
    "__copy__", "__deepcopy__", "__delattr__", "__eq__", "__getstate__", "__iter__", "__reduce__",
    "__reduce_ex__", "__repr__", "__repr_args__", "__rich_repr__", "__setattr__", "__str__",
    "model_copy", "model_dump", "model_dump_json",
)  # fmt: skip


def lazy_model_builder(
    cls: type[BaseModel], fill: Callable[[dict[str, Any], Any], dict[str, Any]]
) -> Callable[[dict[str, Any], set[str], Any], Any] | None:
    """A function (values, fields_set, blob) -> an instance of `cls` holding only some of its fields.

    The other fields are filled in on first use by `fill(values, blob)`, which returns the whole
    field dict (every field; `values` is the instance's `__dict__` so far): reading one of them, or any method that reads the
    whole model (`model_dump`, `==`, `repr`, copy, pickle, assignment), fills it in first, and from
    then on the instance is an ordinary `cls` (its class is switched back). Until then it is an
    instance of a subclass of `cls` made here, so `isinstance` holds. The blob waits in pydantic's
    private-attributes slot, which `cls` must not use.

    Returns None when the trick is off or does not work with this pydantic (checked once against a
    probe): the caller then fills every instance at once.
    """
    if not enabled():
        return None
    try:
        if cls.__private_attributes__:
            raise TypeError(f"{cls.__name__} has private attributes")
        probe = {name: None for name in cls.model_fields}
        first = next(iter(probe))
        sentinel = object()

        def fill_or_probe(values: dict[str, Any], blob: Any) -> dict[str, Any]:
            return {**probe, **values} if blob is sentinel else fill(values, blob)

        build = _lazy_builder(cls, fill_or_probe)
        names = set(probe)
        lazy = build({k: v for k, v in probe.items() if k != first}, set(names), sentinel)
        if type(lazy) is cls or not isinstance(lazy, cls):
            raise RuntimeError("a lazy model is not told apart from a filled one")
        eager = _plain_builder(cls)(dict(probe), set(names))
        if lazy != eager or type(lazy) is not cls or lazy.__dict__ != eager.__dict__:
            raise RuntimeError("a filled-in model differs from model_construct's")
        return build
    except Exception as exc:
        note("lazy_model_builder", exc)
        return None


def _lazy_builder(
    cls: type[BaseModel], fill: Callable[[dict[str, Any], Any], dict[str, Any]]
) -> Callable[[dict[str, Any], set[str], Any], Any]:
    from pydantic import BaseModel

    slots = BaseModel.__dict__
    get_private = slots["__pydantic_private__"].__get__
    set_private = slots["__pydantic_private__"].__set__
    set_attribute = object.__setattr__
    fields = frozenset(cls.model_fields)
    lazy: type[BaseModel]

    def wake(obj: Any) -> None:
        if type(obj) is lazy:
            set_attribute(obj, "__dict__", fill(obj.__dict__, get_private(obj)))
            set_private(obj, None)
            set_attribute(obj, "__class__", cls)

    def waking(name: str) -> Callable[..., Any]:
        def method(self: Any, *args: Any, **kwargs: Any) -> Any:
            wake(self)
            return getattr(cls, name)(self, *args, **kwargs)

        method.__name__ = name
        return method

    def __getattr__(self: Any, item: str) -> Any:  # noqa: N807 (only reached for a missing attribute)
        if item in fields and type(self) is lazy:
            wake(self)
            return getattr(self, item)
        return cls.__getattr__(self, item)  # type: ignore[attr-defined]

    namespace: dict[str, Any] = {name: waking(name) for name in _WAKING}
    namespace.update(
        __getattr__=__getattr__,
        __module__=cls.__module__,
        __qualname__=cls.__qualname__,
        __doc__=cls.__doc__,
        model_config={**cls.model_config, "defer_build": True},  # never validates: no schema to build
    )
    metaclass: Any = type(cls)  # pydantic's, which makes a model class (no schema: defer_build)
    lazy = metaclass(cls.__name__, (cls,), namespace)
    return _fast_builder(lazy)  # (values, fields_set, blob): the blob waits in the private slot
