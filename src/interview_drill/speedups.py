"""Every start-up trick that leans on another library's internals or on the garbage collector.

Each trick has a plain path that uses only public APIs. `IDRILL_NO_SPEEDUPS=1` turns every trick
off (the CLI tests run once that way in CI), and a trick whose library changed underneath it falls
back to the plain path by itself, with a one-time note (shown on stderr when `IDRILL_DEBUG` is set,
always kept in `NOTES`), never a crash. The tricks:

- the cyclic GC is paused while start-up builds objects that live until the process ends, which
  are then frozen out of its reach (`startup_paused`, `long_lived`, `paused`);
- Typer's string annotations are resolved once, in place (`resolve_annotations`);
- cached cards are rebuilt through pydantic's private slots instead of `model_construct`
  (`model_builder`).
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
    stats over the history) would scan them all again.
    """
    if not (REAL_RUN and enabled()):
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
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


def _fast_builder(cls: Any) -> Callable[[dict[str, Any], set[str]], Any]:
    from pydantic import BaseModel

    slots = BaseModel.__dict__
    set_fields_set = slots["__pydantic_fields_set__"].__set__
    set_extra = slots["__pydantic_extra__"].__set__
    set_private = slots["__pydantic_private__"].__set__
    set_attribute = object.__setattr__
    new = cls.__new__

    def build(values: dict[str, Any], fields_set: set[str]) -> Any:
        obj = new(cls)
        set_attribute(obj, "__dict__", values)
        set_fields_set(obj, fields_set)
        set_extra(obj, None)
        set_private(obj, None)
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
    set_fields_set = slots["__pydantic_fields_set__"].__set__
    set_extra = slots["__pydantic_extra__"].__set__
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
    new = lazy.__new__

    def build(values: dict[str, Any], fields_set: set[str], blob: Any) -> Any:
        obj = new(lazy)
        set_attribute(obj, "__dict__", values)
        set_fields_set(obj, fields_set)
        set_extra(obj, None)
        set_private(obj, blob)
        return obj

    return build
