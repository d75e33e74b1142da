"""`idrill new`: a scaffold in the editor, checked on save, re-opened with the problems."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from interview_drill.app.authoring import SCAFFOLD
from interview_drill.bank import load_files

from ..conftest import run

GOOD = 'question: "What does LoRA freeze?"\noutline:\n  - The base weights.\nseniority: screen\n'
BAD = 'question: "What does LoRA freeze?"\noutline: []\nseniority: seniour\n'


def fake_editor(tmp_path: Path, *versions: str) -> str:
    """An $EDITOR that saves the next version each time it is opened (and logs what it was shown)."""
    for i, text in enumerate(versions):
        (tmp_path / f"v{i}.yaml").write_text(text, encoding="utf-8")
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys, pathlib, shutil\n"
        f"d = pathlib.Path({str(tmp_path)!r})\n"
        "n = len(list(d.glob('shown*.yaml')))\n"
        "shutil.copy(sys.argv[1], d / f'shown{n}.yaml')\n"
        "src = d / f'v{n}.yaml'\n"
        "if src.exists(): shutil.copy(src, sys.argv[1])\n",
        encoding="utf-8",
    )
    return f"{sys.executable} {script}"


def test_the_editor_reopens_until_the_card_is_right(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDITOR", fake_editor(tmp_path, BAD, GOOD))
    bank = tmp_path / "mine"
    result = run("new", "--bank", str(bank), "--topic", "peft-notes")
    assert result.exit_code == 0, result.output
    assert "seniority: must be one of screen, mid, senior, staff" in result.output
    assert "outline: must have at least 1 item" in result.output
    assert "added `what-does-lora-freeze` to" in result.output
    # The first opening showed the scaffold; the second the problems on top of the bad card.
    assert (tmp_path / "shown0.yaml").read_text(encoding="utf-8") == SCAFFOLD
    second = (tmp_path / "shown1.yaml").read_text(encoding="utf-8")
    assert second.startswith("# problem: ") and "seniour" in second
    cards = load_files([bank / "peft-notes.yaml"], cache=False).cards
    assert [(c.id, c.outline, c.seniority, c.topic) for c in cards] == [
        ("what-does-lora-freeze", ["The base weights."], "screen", "peft-notes")
    ]
    # A second card is appended to the same file, which keeps validating.
    (tmp_path / "again").mkdir()
    monkeypatch.setenv(
        "EDITOR", fake_editor(tmp_path / "again", 'question: "Why B = 0?"\noutline: [the base]\n')
    )
    assert run("new", "--bank", str(bank), "--topic", "peft-notes").exit_code == 0
    ids = [c.id for c in load_files([bank / "peft-notes.yaml"], cache=False).cards]
    assert ids == ["what-does-lora-freeze", "why-b-0"]


def test_saving_unchanged_adds_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDITOR", fake_editor(tmp_path))
    result = run("new", "--bank", str(tmp_path / "mine"))
    assert result.exit_code == 1 and "nothing changed: no card added" in result.output
    assert not (tmp_path / "mine").exists()


def test_without_an_editor_the_card_comes_from_stdin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    bank = tmp_path / "mine"
    bad = run("new", "--bank", str(bank), input=BAD)
    assert bad.exit_code == 2 and "<stdin>:3: seniority: must be one of" in bad.output
    taken = run("new", "--bank", str(bank), input="question: x\nid: lora-mechanics\noutline: [y]\n")
    assert taken.exit_code == 2 and "`lora-mechanics` is already used by a loaded bank" in taken.output
    good = run("new", "--bank", str(bank), input=GOOD)
    assert good.exit_code == 0 and (bank / "my-cards.yaml").is_file()
    assert run("validate", str(bank)).exit_code == 0
    assert os.listdir(bank) == ["my-cards.yaml"]
