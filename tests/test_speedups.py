"""The start-up tricks: one switch turns them all off, and each falls back when its library changes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from interview_drill import speedups
from interview_drill.bank import cache as cache_module
from interview_drill.bank import load_files
from interview_drill.domain.cards import Card, FollowUp, Number

from .bank.test_bank_cache import snapshot
from .conftest import SAMPLE_BANK


@pytest.fixture(autouse=True)
def fresh_state(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(speedups, "NOTES", [])
    monkeypatch.setattr(cache_module, "_BUILDERS", {})
    monkeypatch.setattr(cache_module, "_LAZY", [])
    monkeypatch.setattr(cache_module, "CACHE_MIN_BYTES", 0)


@pytest.mark.parametrize("value", ["1", "true", "yes"])
def test_the_switch_turns_every_trick_off(monkeypatch: pytest.MonkeyPatch, value: str):
    monkeypatch.setenv(speedups.SWITCH, value)
    assert not speedups.enabled()
    build = speedups.model_builder(Number)
    assert build.__qualname__.startswith("_plain_builder")
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
    plain = switch == "1"
    for cls in (Number, FollowUp):
        assert cache_module._BUILDERS[cls].__qualname__.startswith("_plain" if plain else "_fast"), cls
    if plain:  # every card's text decoded at once, through model_construct
        assert cache_module._LAZY == [None]
        assert cache_module._BUILDERS[Card].__qualname__.startswith("_plain")
    else:  # cards whose text is decoded on first use
        assert cache_module._LAZY[0].__qualname__.startswith("_lazy_builder")


def test_a_changed_pydantic_falls_back_with_one_note(monkeypatch: pytest.MonkeyPatch):
    def changed(cls: type):
        raise KeyError("__pydantic_fields_set__")

    monkeypatch.setattr(speedups, "_fast_builder", changed)
    files = sorted(SAMPLE_BANK.glob("*.yaml"))
    cold = load_files(files, cache=False)
    load_files(files)
    assert snapshot(load_files(files)) == snapshot(cold)
    assert len(speedups.NOTES) == 1 and "model_builder" in speedups.NOTES[0]


def test_a_fast_builder_that_builds_something_else_is_not_used(monkeypatch: pytest.MonkeyPatch):
    real = speedups._fast_builder

    def wrong(cls: type):
        build = real(cls)
        return lambda values, fields_set: build({**values, "figure": "tampered"}, fields_set)

    monkeypatch.setattr(speedups, "_fast_builder", wrong)
    build = speedups.model_builder(Number)
    assert build({"figure": "8", "about": "x"}, {"figure", "about"}).figure == "8"
    assert "differs" in speedups.NOTES[0]


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
