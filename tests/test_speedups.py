"""The start-up tricks: one switch turns them all off, and each falls back when its library changes."""

from __future__ import annotations

import collections
import dataclasses  # at module level: the string annotations below (InitVar, ClassVar) name these
import json
import marshal
import os
import subprocess
import sys
from pathlib import Path
from typing import ClassVar, NamedTuple

import pytest

from interview_drill import speedups
from interview_drill.bank import cache as cache_module
from interview_drill.bank import load_files

from .bank.test_bank_cache import snapshot
from .conftest import SAMPLE_BANK


@pytest.fixture(autouse=True)
def fresh_state(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(speedups, "NOTES", [])
    monkeypatch.setattr(cache_module, "CACHE_MIN_BYTES", 0)


@pytest.mark.parametrize("value", ["1", "true", "yes"])
def test_the_switch_turns_every_trick_off(monkeypatch: pytest.MonkeyPatch, value: str):
    monkeypatch.setenv(speedups.SWITCH, value)
    assert not speedups.enabled()
    calls = []

    class App:  # would be read if the trick ran
        @property
        def registered_commands(self):
            calls.append("read")
            return []

    speedups.resolve_annotations(App())
    assert calls == []
    assert speedups.NOTES == []


@pytest.mark.parametrize("switch", ["", "1"])
def test_a_warm_load_is_the_same_with_and_without_the_tricks(
    monkeypatch: pytest.MonkeyPatch, switch: str
) -> None:
    monkeypatch.setenv(speedups.SWITCH, switch)
    files = sorted(SAMPLE_BANK.glob("*.yaml"))
    cold = load_files(files, cache=False)
    load_files(files)  # fills the cache
    warm = load_files(files)
    assert snapshot(warm) == snapshot(cold)


def test_a_changed_typer_falls_back_with_one_note():
    class NotTyper:
        pass

    speedups.resolve_annotations(NotTyper())
    speedups.resolve_annotations(NotTyper())
    assert len(speedups.NOTES) == 1 and "resolve_annotations" in speedups.NOTES[0]


def test_the_debug_note_goes_to_stderr(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    monkeypatch.setenv("IDRILL_DEBUG", "1")
    speedups.note("trick", ValueError("boom"))
    assert capsys.readouterr().err == "debug: speedup `trick` is off: ValueError: boom\n"


@pytest.mark.parametrize("switch", ["", "1"])
def test_the_real_command_runs_either_way(tmp_path: Path, switch: str):
    env = {"IDRILL_HOME": str(tmp_path), speedups.SWITCH: switch, "PATH": "/usr/bin:/bin"}
    for args in (["--help"], ["list", "--no-builtin", "--bank", str(SAMPLE_BANK)]):
        done = subprocess.run(
            [sys.executable, "-m", "interview_drill", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
    assert "sample-lora-rank" in done.stdout


# ---------------------------------------------------------------- Typer's option coercion


def _outcome(runtime, value, param, ctx):
    try:
        got = runtime.coerce(value, param=param, ctx=ctx)
    except Exception as exc:
        return ("error", type(exc).__name__, str(exc))
    return ("value", type(got).__name__, repr(got))


def test_light_coercion_agrees_with_typers_own_for_every_option(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    """Every option and argument of every command, given plain, odd and wrong values alike."""
    import typer
    from typer import _coercion
    from typer.main import get_command

    from interview_drill.cli.app import app

    monkeypatch.setenv(speedups.SWITCH, "")
    speedups.light_coercion(typer)
    light = typer.core.build_runtime_param
    assert light is not _coercion.build_runtime_param
    (tmp_path / "file").write_text("x")
    (tmp_path / "locked").write_text("x")
    (tmp_path / "locked").chmod(0)
    singles = [
        None, "", "0", "1", "-1", "7", "020", "-0", "1_000", " 3 ", "+5", "1.5", "-0.5", ".5", "1e3", "nan",
        "inf", "abc", "٣", "9" * 30, "x/y", "/", "\udcff", "-", str(tmp_path), str(tmp_path / "file"),
        str(tmp_path / "locked"), str(tmp_path / "missing" / "x"), 3, 0, 3.0, 0.01, True, False,
        Path("p"), b"bytes",
    ]  # fmt: skip
    many = [None, (), [], "a", ("a", "b"), ["1", "x/y"], (str(tmp_path / "file"), "7"), ("\udcff",), (3,)]
    group = get_command(app)
    checked = 0

    def walk(command, path):
        nonlocal checked
        for param in command.params:
            descriptor = getattr(param, "type_descriptor", None)
            if descriptor is None:
                continue
            ctx = typer.Context(command)
            mine, theirs = light(descriptor), _coercion.build_runtime_param(descriptor)
            multi = param.multiple or param.nargs == -1
            for value in many if multi else singles:
                assert _outcome(mine, value, param, ctx) == _outcome(theirs, value, param, ctx), (
                    path,
                    param.name,
                    value,
                )
            checked += 1
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*path, name])

    walk(group, [])
    assert checked > 250


def test_light_coercion_is_off_with_the_switch(monkeypatch: pytest.MonkeyPatch):
    import typer
    from typer import _coercion
    from typer.main import get_command

    from interview_drill.cli.app import app

    option = next(p for p in get_command(app).params if p.name == "db")
    monkeypatch.setattr(typer.core, "build_runtime_param", _coercion.build_runtime_param)
    monkeypatch.setenv(speedups.SWITCH, "1")
    speedups.light_coercion(typer)  # not installed: a process started with the switch on
    assert typer.core.build_runtime_param is _coercion.build_runtime_param
    monkeypatch.setenv(speedups.SWITCH, "")
    speedups.light_coercion(typer)
    assert type(typer.core.build_runtime_param(option.type_descriptor)).__name__ == "LightParam"
    monkeypatch.setenv(speedups.SWITCH, "1")  # a test flipping it later gets Typer's own again
    assert type(typer.core.build_runtime_param(option.type_descriptor)) is _coercion.AdapterRuntimeParam


def test_a_changed_typer_keeps_its_own_coercion_with_one_note(monkeypatch: pytest.MonkeyPatch):
    import typer

    def changed(descriptor):
        raise AssertionError("not called here")

    monkeypatch.setattr(typer.core, "build_runtime_param", changed)
    monkeypatch.setenv(speedups.SWITCH, "")
    speedups.light_coercion(typer)
    assert typer.core.build_runtime_param is changed
    assert len(speedups.NOTES) == 1 and "light_coercion" in speedups.NOTES[0]


# ---------------------------------------------------------------- the garbage collector


@pytest.mark.parametrize("switch", ["", "1"])
def test_long_lived_nests_and_the_outermost_turns_the_gc_back_on(
    monkeypatch: pytest.MonkeyPatch, switch: str
):
    """The drill builds its session inside one long_lived(), and the bank inside another within it."""
    import gc

    monkeypatch.setattr(speedups, "REAL_RUN", True)
    monkeypatch.setenv(speedups.SWITCH, switch)
    monkeypatch.setattr(gc, "freeze", lambda: None)  # keep this test process's objects collectable
    assert gc.isenabled()
    with speedups.long_lived():
        with speedups.long_lived():
            assert gc.isenabled() is bool(switch)
        assert gc.isenabled() is bool(switch)  # the bank is built; the rest of the session is not
    assert gc.isenabled()


def test_the_drill_runs_its_session_with_the_gc_on(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Paused while the session is built, the GC is back on for the hours a session may last."""
    import gc

    from interview_drill.app.loops.drill import Session

    from .conftest import run

    seen = []
    real_run = Session.run
    monkeypatch.setattr(Session, "run", lambda self: (seen.append(gc.isenabled()), real_run(self))[1])
    monkeypatch.setattr(speedups, "REAL_RUN", True)
    monkeypatch.setenv(speedups.SWITCH, "")
    monkeypatch.setattr(gc, "freeze", lambda: None)
    result = run("--no-builtin", "--bank", str(SAMPLE_BANK), "--db", str(tmp_path / "h.db"), input="q\n")
    assert result.exit_code == 0, result.output
    assert seen == [True]
    assert gc.isenabled()


# ---------------------------------------------------------------- dataclasses' generated code


def _every_kind_of_dataclass():
    """Dataclasses using most of what `dataclasses` generates code for."""

    @dataclasses.dataclass(frozen=True, order=True)
    class Frozen:
        """A frozen, ordered one."""

        a: int
        b: str = "x"
        c: list[int] = dataclasses.field(default_factory=list, compare=False)
        d: ClassVar[int] = 3

    @dataclasses.dataclass(kw_only=True, unsafe_hash=True)
    class Keywords:
        a: int
        b: dataclasses.InitVar[int] = 0
        c: float = dataclasses.field(init=False, default=1.5)

        def __post_init__(self, b: int) -> None:
            self.c = self.a + b

    @dataclasses.dataclass(slots=True, match_args=False, repr=False)
    class Slotted:
        a: int
        b: tuple = ()

    return Frozen, Keywords, Slotted


def _shape(classes):
    out = []
    for cls in classes:
        for name, fn in sorted(vars(cls).items()):
            code = getattr(fn, "__code__", None)
            if code is None:
                continue
            out.append((
                cls.__name__, name, code.co_code, code.co_consts, code.co_names, code.co_varnames,
                code.co_filename, code.co_flags, repr(fn.__annotations__), fn.__defaults__, fn.__kwdefaults__,
            ))  # fmt: skip
    return out


def _behaviour(classes):
    frozen, keywords, slotted = classes
    one = frozen(1, "y", [2])
    try:
        one.a = 2  # type: ignore[misc]
        refused = None
    except dataclasses.FrozenInstanceError as exc:
        refused = str(exc)
    return (
        repr(one), one == frozen(1, "y", [3]), one < frozen(2), hash(one) == hash(frozen(1, "y")), refused,
        repr(keywords(a=2, b=3)), hash(keywords(a=2)) == hash(keywords(a=2)), slotted(1).a, frozen.__doc__,
        keywords.__doc__, frozen.__match_args__, getattr(slotted, "__match_args__", None),
    )  # fmt: skip


@pytest.fixture
def plain_dataclasses(monkeypatch: pytest.MonkeyPatch):
    """`dataclasses` as Python ships it, and no cache installed (both restored after the test)."""
    monkeypatch.setattr(dataclasses, "exec", None, raising=False)
    monkeypatch.delattr(dataclasses, "exec")
    monkeypatch.setattr(collections, "eval", None, raising=False)
    monkeypatch.delattr(collections, "eval")
    monkeypatch.setattr(speedups, "_dataclass_code", None)
    monkeypatch.setenv(speedups.SWITCH, "")
    return dataclasses


def _as_at_a_new_start(plain: object) -> None:
    """The modules as Python ships them and no cache installed, as in a new process."""
    delattr(plain, "exec")
    delattr(collections, "eval")
    speedups._dataclass_code = None


def _named_tuples():
    class Typed(NamedTuple):
        a: int
        b: str = "x"

    return collections.namedtuple("Plain", "x y z", defaults=(3,)), Typed


def _tuple_behaviour(classes):
    plain, typed = classes
    new = [(cls.__new__.__code__.co_code, cls.__new__.__defaults__, cls.__new__.__name__) for cls in classes]
    return (
        new,
        repr(plain(1, 2)),
        plain(1, 2)._replace(z=4),
        repr(typed(1)),
        typed._make([2, "y"]),
        typed._fields,
    )


def test_cached_dataclass_code_makes_the_same_classes(plain_dataclasses, tmp_path: Path):
    import atexit

    plain = _every_kind_of_dataclass()
    plain_tuples = _named_tuples()
    speedups.compiled_dataclasses(lambda: tmp_path)
    assert "exec" in vars(plain_dataclasses) and "eval" in vars(collections)
    compiled = _every_kind_of_dataclass()  # compiled here, kept for the file
    compiled_tuples = _named_tuples()
    assert speedups._dataclass_code
    assert sum(key.startswith(speedups.EVAL_KEY) for key in speedups._dataclass_code) == 2
    cached = _every_kind_of_dataclass()  # from the cache
    cached_tuples = _named_tuples()
    assert _shape(compiled) == _shape(plain) == _shape(cached)
    assert _behaviour(compiled) == _behaviour(plain) == _behaviour(cached)
    assert (
        _tuple_behaviour(compiled_tuples) == _tuple_behaviour(plain_tuples) == _tuple_behaviour(cached_tuples)
    )
    assert speedups.NOTES == []
    atexit.unregister(speedups._write_dataclass_code)
    speedups._write_dataclass_code(speedups._dataclass_code_path(tmp_path), speedups._dataclass_code)
    kept = speedups._read_dataclass_code(speedups._dataclass_code_path(tmp_path))
    assert {k: marshal.loads(v) for k, v in kept.items()} == speedups._dataclass_code


def test_only_the_code_of_the_classes_made_is_decoded(plain_dataclasses, tmp_path: Path):
    import atexit

    path = speedups._dataclass_code_path(tmp_path)
    speedups.compiled_dataclasses(lambda: tmp_path)
    plain = _every_kind_of_dataclass()
    atexit.unregister(speedups._write_dataclass_code)
    others = {
        f"def _f{i}(): return {i}": compile(f"def _f{i}(): return {i}", "<string>", "exec") for i in range(50)
    }
    speedups._write_dataclass_code(path, {**speedups._dataclass_code, **others})
    # a new start: the file read, nothing decoded until a class is made
    _as_at_a_new_start(plain_dataclasses)
    speedups.compiled_dataclasses(lambda: tmp_path)
    codes = speedups._dataclass_code
    assert codes and all(type(v) is bytes for v in codes.values())
    again = _every_kind_of_dataclass()
    assert _behaviour(again) == _behaviour(plain)
    decoded = [k for k, v in codes.items() if type(v) is not bytes]
    assert decoded and not set(decoded) & set(others)  # only the texts that came were decoded
    assert speedups.NOTES == []


def test_a_damaged_code_in_the_file_is_compiled_again(plain_dataclasses, tmp_path: Path):
    import atexit

    speedups.compiled_dataclasses(lambda: tmp_path)
    plain = _every_kind_of_dataclass()
    atexit.unregister(speedups._write_dataclass_code)
    path = speedups._dataclass_code_path(tmp_path)
    texts = list(speedups._dataclass_code)
    damaged = [b"not marshal", marshal.dumps(3)]  # undecodable; decodable but no code
    speedups._write_dataclass_code(path, {t: damaged[i % 2] for i, t in enumerate(texts)})
    _as_at_a_new_start(plain_dataclasses)
    speedups.compiled_dataclasses(lambda: tmp_path)
    assert _behaviour(_every_kind_of_dataclass()) == _behaviour(plain)
    atexit.unregister(speedups._write_dataclass_code)
    assert all(
        type(speedups._dataclass_code[t]) is type(test_a_damaged_code_in_the_file_is_compiled_again.__code__)
        for t in texts
    )


@pytest.mark.parametrize("content", [b"", b"not marshal", b"\x00" * 10, None])
def test_a_damaged_or_odd_dataclass_code_file_is_ignored(plain_dataclasses, tmp_path: Path, content):
    import atexit
    import marshal

    path = speedups._dataclass_code_path(tmp_path)
    if content is None:
        path.write_bytes(marshal.dumps({"def f(): pass": 3}))  # a map, but not of code
    else:
        path.write_bytes(content)
    speedups.compiled_dataclasses(lambda: tmp_path)
    atexit.unregister(speedups._write_dataclass_code)
    assert speedups._dataclass_code == {}
    assert _shape(_every_kind_of_dataclass())  # still builds classes
    path.unlink()
    path.mkdir()  # a folder in its place
    assert speedups._read_dataclass_code(path) == {}


def test_the_dataclass_code_cache_is_off_with_the_switch_or_a_changed_dataclasses(
    plain_dataclasses, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    monkeypatch.setenv(speedups.SWITCH, "1")
    speedups.compiled_dataclasses(lambda: tmp_path)
    assert "exec" not in vars(plain_dataclasses) and speedups.NOTES == []
    monkeypatch.setenv(speedups.SWITCH, "")
    monkeypatch.setattr(plain_dataclasses, "exec", exec, raising=False)  # as if it had its own now
    speedups.compiled_dataclasses(lambda: tmp_path)
    assert len(speedups.NOTES) == 1 and "compiled_dataclasses" in speedups.NOTES[0]
    assert "eval" not in vars(collections)


@pytest.mark.parametrize("switch", ["", "1"])
def test_a_real_run_keeps_the_dataclass_code_and_reuses_it(tmp_path: Path, switch: str):
    env = {"IDRILL_HOME": str(tmp_path), speedups.SWITCH: switch, "PATH": "/usr/bin:/bin"}
    args = [sys.executable, "-m", "interview_drill", "list", "--no-builtin", "--bank", str(SAMPLE_BANK)]
    (tmp_path / "cache").mkdir()
    old_format = tmp_path / "cache" / f"dataclass-code.{sys.implementation.cache_tag}-O0.marshal"
    old_format.write_bytes(b"the first format, replaced by the first run that writes")
    first = subprocess.run(args, capture_output=True, text=True, env=env, timeout=60)
    assert old_format.exists() == bool(switch)
    files = list((tmp_path / "cache").glob("dataclass-code-2.*"))
    assert len(files) == (0 if switch else 1)
    stamps = [f.stat().st_mtime_ns for f in files]
    second = subprocess.run(args, capture_output=True, text=True, env=env, timeout=60)
    assert (first.returncode, first.stdout, first.stderr) == (second.returncode, second.stdout, second.stderr)
    assert first.returncode == 0 and "sample-lora-rank" in first.stdout
    assert [f.stat().st_mtime_ns for f in files] == stamps  # nothing new to keep: not rewritten


def test_the_cached_exec_runs_text_like_exec_does(plain_dataclasses, tmp_path: Path):
    """No `__future__` flags leak into the text, and a call without namespaces uses the caller's."""
    import atexit

    speedups.compiled_dataclasses(lambda: tmp_path)
    atexit.unregister(speedups._write_dataclass_code)
    run = plain_dataclasses.exec
    ns: dict = {}
    run("def f(x: int) -> int: return x", {}, ns)
    assert ns["f"].__annotations__ == {"x": int, "return": int}  # not strings, as with the annotations flag
    marker = "seen"  # noqa: F841  (read by the text below, through the caller's locals)
    here: dict = {}
    run("here['got'] = marker")
    assert here == {"got": "seen"}
    evaluate = collections.eval  # type: ignore[attr-defined]
    assert evaluate("x + 1", {"x": 1}) == 2 and evaluate("marker") == "seen"
    assert evaluate("(lambda: __builtins__)()", {"__builtins__": {}}) == {}  # as namedtuple's namespace


class _Exited(Exception):
    pass


@pytest.fixture
def fake_exit(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """`os._exit` and the exit handlers recorded instead of run; a real run with nothing kept yet."""
    import atexit

    calls: list[object] = []

    def exit_now(code: int) -> None:
        calls.append(("exit", code))
        raise _Exited

    monkeypatch.setattr(speedups.os, "_exit", exit_now)
    monkeypatch.setattr(atexit, "_run_exitfuncs", lambda: calls.append("handlers"))
    monkeypatch.setattr(speedups, "_KEPT", [])
    monkeypatch.setattr(speedups, "REAL_RUN", True)
    monkeypatch.delenv(speedups.SWITCH, raising=False)
    return calls


def test_a_command_that_kept_its_objects_ends_after_its_exit_handlers(fake_exit: list[object]):
    speedups.finish(0)
    assert fake_exit == []  # nothing kept: the ordinary exit follows
    speedups.keep_to_the_end(object())
    with pytest.raises(_Exited):
        speedups.finish(3)
    assert fake_exit == ["handlers", ("exit", 3)]


def test_with_the_switch_or_in_process_nothing_is_kept(
    fake_exit: list[object], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv(speedups.SWITCH, "1")
    speedups.keep_to_the_end(object())
    monkeypatch.setenv(speedups.SWITCH, "")
    monkeypatch.setattr(speedups, "REAL_RUN", False)
    speedups.keep_to_the_end(object())
    speedups.finish(0)
    assert fake_exit == [] and speedups._KEPT == []


def test_output_that_cannot_be_flushed_takes_the_ordinary_exit(
    fake_exit: list[object], monkeypatch: pytest.MonkeyPatch
):
    class Closed:
        def flush(self) -> None:
            raise BrokenPipeError

    speedups.keep_to_the_end(object())
    monkeypatch.setattr(sys, "stdout", Closed())
    speedups.finish(0)
    assert fake_exit == []


@pytest.mark.parametrize("switch", ["", "1"])
def test_a_real_report_ends_with_all_its_output_and_its_exit_handlers_run(tmp_path: Path, switch: str):
    """stats and report end without tearing down: every byte still reaches the pipe and the file, the
    exit code is the command's, and the dataclass code is saved at exit as after any command."""
    env = {"IDRILL_HOME": str(tmp_path), speedups.SWITCH: switch, "PATH": "/usr/bin:/bin", "COLUMNS": "100"}
    base = [sys.executable, "-m", "interview_drill"]
    bank = ["--no-builtin", "--bank", str(SAMPLE_BANK)]
    stats = subprocess.run([*base, "stats", *bank], capture_output=True, text=True, env=env, timeout=60)
    assert stats.returncode == 0 and stats.stderr == ""
    assert "cards" in stats.stdout.splitlines()[0] and stats.stdout.endswith("\n")
    md = subprocess.run([*base, "report", *bank], capture_output=True, text=True, env=env, timeout=60)
    assert md.returncode == 0 and md.stdout.startswith("#") and md.stdout.endswith("\n")
    out = tmp_path / "r.json"
    done = subprocess.run(
        [*base, "report", *bank, "-o", str(out)], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0 and done.stdout == f"wrote {out} (json)\n"
    assert json.loads(out.read_text(encoding="utf-8"))["version"] == 1
    bad = subprocess.run(
        [*base, "report", *bank, "-f", "pdf"], capture_output=True, text=True, env=env, timeout=60
    )
    assert bad.returncode == 2 and "unknown format" in bad.stderr
    assert list((tmp_path / "cache").glob("dataclass-code-2.*")) != [] or switch == "1"


def test_under_a_profiler_or_a_tracer_the_ordinary_exit_follows(fake_exit: list[object]):
    """cProfile and coverage write what they gathered at the ordinary exit."""
    speedups.keep_to_the_end(object())
    previous = sys.gettrace()
    sys.settrace(lambda *args: None)
    try:
        speedups.finish(0)
    finally:
        sys.settrace(previous)
    sys.setprofile(lambda *args: None)
    try:
        speedups.finish(0)
    finally:
        sys.setprofile(None)
    assert fake_exit == []


# ---------------------------------------------------------------- freed memory

_REFAULTS = """
import resource, sys
from interview_drill import speedups
took = speedups.keep_freed_memory()

def faults_of_a_fresh_block():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    block = bytearray(2 * 1024 * 1024)  # zeroed, so every page is touched
    del block
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

faults_of_a_fresh_block()  # the first one is fresh memory either way
print(took, faults_of_a_fresh_block(), faults_of_a_fresh_block())
"""


def _glibc() -> bool:
    import platform

    return sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"


@pytest.mark.skipif(not _glibc(), reason="glibc's mallopt")
@pytest.mark.parametrize("switch", ["", "1"])
def test_freed_memory_is_reused_instead_of_touching_fresh_pages(switch: str):
    env = {**os.environ, speedups.SWITCH: switch}
    out = subprocess.run(
        [sys.executable, "-c", _REFAULTS], env=env, capture_output=True, text=True, check=True
    )
    took, second, third = out.stdout.split()
    pages = 2 * 1024 * 1024 // 4096
    if switch:  # glibc's own policy: the block is given back, and the next one is fresh pages again
        assert took == "False"
        assert max(int(second), int(third)) > pages // 2
    else:  # kept in the heap: the next 2 MB block reuses it
        assert took == "True"
        assert int(second) < pages // 10 and int(third) < pages // 10


def test_a_cold_load_of_a_big_bank_keeps_freed_memory_and_a_small_or_warm_one_does_not(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("IDRILL_CACHE_DIR", str(tmp_path / "cache"))
    calls: list[str] = []
    monkeypatch.setattr(speedups, "keep_freed_memory", lambda: calls.append("kept") or True)
    files = sorted(SAMPLE_BANK.glob("*.yaml"))
    monkeypatch.setattr(cache_module, "CACHE_MIN_BYTES", 10**12)  # too small to cache
    load_files(files)
    assert calls == []
    monkeypatch.setattr(cache_module, "CACHE_MIN_BYTES", 0)
    load_files(files)  # cold: every file parsed
    assert calls == ["kept"]
    load_files(files)  # warm: nothing parsed
    assert calls == ["kept"]


@pytest.mark.parametrize("private", [True, False])
@pytest.mark.parametrize("switch", ["", "1"])
def test_sha256_gives_hashlibs_digests(monkeypatch: pytest.MonkeyPatch, switch: str, private: bool):
    import hashlib
    import importlib

    monkeypatch.setenv(speedups.SWITCH, switch)
    if not private:  # a Python without the module (or with another name for it): hashlib's
        real = importlib.import_module

        def without(name: str, *args: object) -> object:
            if name in ("_sha2", "_sha256"):
                raise ImportError(name)
            return real(name, *args)

        monkeypatch.setattr(importlib, "import_module", without)
    for data in (b"", b"abc", bytes(range(256)) * 1000):
        assert speedups.sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()
    digest = speedups.sha256(b"a")
    digest.update(b"b")
    assert digest.hexdigest() == hashlib.sha256(b"ab").hexdigest()


def test_a_warm_load_does_not_load_openssl(isolated_home: Path, tmp_path: Path):
    """`hashlib` loads OpenSSL (~3 ms of a start): a warm load names and checks its entries without it."""
    import shutil

    folder = tmp_path / "bank"
    shutil.copytree(SAMPLE_BANK, folder)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from interview_drill.bank import cache, load_files\n"
        "cache.CACHE_MIN_BYTES = 0\n"
        f"cards = load_files(sorted(Path({str(folder)!r}).glob('*.yaml'))).cards\n"
        "assert all(c.question and c.outline for c in cards)\n"
        "print('hashlib' in sys.modules, '_hashlib' in sys.modules)\n"
    )
    env = {**os.environ, "IDRILL_HOME": str(isolated_home), speedups.SWITCH: ""}
    runs = [
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
        for _ in range(2)
    ]
    assert runs[1].stdout.split() == ["False", "False"]
