"""`idrill code` as a user types it: a full round (stub, editor, --check), --solution, --list, the
coding figures in stats and reports, and every misuse as one clear line."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from ..conftest import REPO, run

CARD = "dpo-loss-implementation"
EXERCISE = REPO / "questions" / "exercises" / CARD
STUB = (EXERCISE / "stub.py").read_text(encoding="utf-8")
SOLUTION = (EXERCISE / "solution.py").read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def no_editor(monkeypatch: pytest.MonkeyPatch, pinned: None) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)


def attempt(home: Path, card: str = CARD) -> Path:
    return home / "code" / f"{card}.py"


def editor_that_writes(monkeypatch: pytest.MonkeyPatch, source: Path) -> None:
    """An "editor" that replaces the file it is given with `source` (the user typed it)."""
    monkeypatch.setenv("EDITOR", f"cp {shlex.quote(str(source))}")


def test_a_full_round_stub_editor_check(isolated_home: Path, monkeypatch: pytest.MonkeyPatch):
    first = run("code", CARD)
    assert first.exit_code == 0, first.output
    mine = attempt(isolated_home)
    assert first.output.splitlines() == [
        f"wrote the stub to {mine}",
        f"edit it, then run its tests: idrill code {CARD} --check",
    ]
    assert mine.read_text(encoding="utf-8") == STUB

    untouched = run("code", CARD, "--check")
    assert untouched.exit_code == 1
    lines = untouched.output.splitlines()
    assert lines[0] == f"checking {mine}"
    assert (
        lines[1] == "  failed  log_sigmoid is accurate and finite at +-1e4: not implemented yet"
    )  # in the order written
    assert sum(line.startswith("  failed  ") for line in lines) == 7
    assert lines[-1].startswith("0/7 tests passed in ") and lines[-1].endswith(" s · suggests Again")

    editor_that_writes(monkeypatch, EXERCISE / "solution.py")
    again = run("code", CARD)  # the attempt is kept, and opened in the editor
    assert again.exit_code == 0, again.output
    assert again.output.splitlines() == [
        f"your attempt: {mine} (kept; --fresh starts over from the stub)",
        f"run its tests: idrill code {CARD} --check",
    ]
    assert mine.read_text(encoding="utf-8") == SOLUTION

    solved = run("code", CARD, "--check")
    assert solved.exit_code == 0, solved.output
    assert solved.output.count("  passed  ") == 7
    assert solved.output.splitlines()[-1].endswith(" s · suggests Good")


def test_check_a_file_of_your_own_with_a_syntax_error(tmp_path: Path):
    broken = tmp_path / "mine.py"
    broken.write_text("def dpo_loss(:\n", encoding="utf-8")
    result = run("code", CARD, "--check", str(broken))
    assert result.exit_code == 1
    assert result.output.splitlines()[1:] == [
        "could not run the tests: syntax error at line 1: invalid syntax · suggests Again"
    ]


def test_fresh_asks_before_replacing_an_attempt(isolated_home: Path):
    assert run("code", CARD).exit_code == 0
    mine = attempt(isolated_home)
    mine.write_text("my work\n", encoding="utf-8")
    refused = run("code", CARD, "--fresh")
    assert refused.exit_code == 2
    assert refused.output.strip() == (
        f"--fresh would replace your attempt at {mine} with the stub; add --yes to do it without a terminal"
    )
    assert mine.read_text(encoding="utf-8") == "my work\n"
    assert run("code", CARD, "--fresh", "--yes").exit_code == 0
    assert mine.read_text(encoding="utf-8") == STUB


def test_the_solution_waits_for_a_first_check(isolated_home: Path):
    refused = run("code", CARD, "--solution")
    assert refused.exit_code == 2
    assert refused.output.strip() == (
        f"no attempt of {CARD} checked yet: try it first (`idrill code {CARD}`, then --check), "
        "or add --yes to see the solution now"
    )
    assert run("code", CARD).exit_code == 0
    assert run("code", CARD, "--check").exit_code == 1  # a failed check counts: the user tried
    shown = run("code", CARD, "--solution")
    assert shown.exit_code == 0
    assert shown.output == SOLUTION
    assert run("code", CARD, "--solution", "--yes").output == SOLUTION


def test_list_shows_each_exercise_with_the_last_result(isolated_home: Path, monkeypatch: pytest.MonkeyPatch):
    editor_that_writes(monkeypatch, EXERCISE / "solution.py")
    assert run("code", CARD).exit_code == 0
    assert run("code", CARD, "--check").exit_code == 0
    listed = run("code", "--list", "--topic", "alignment")
    assert listed.exit_code == 0
    assert listed.output.splitlines() == [f"{CARD}\talignment\tmid\t7/7 passed, just now"]

    every = run("code", "--list").output.splitlines()
    assert len(every) >= 24
    assert "rl-gae-code\trl\tmid\t—" in every

    data = json.loads(run("code", "--list", "--json", "--topic", "alignment").output)
    assert data == [
        {
            "id": CARD,
            "topic": "alignment",
            "seniority": "mid",
            "exercise": str(EXERCISE),
            "attempt": str(attempt(isolated_home)),
            "last_check": {
                "at": "2026-03-02T09:00:00+00:00",
                "passed": 7,
                "total": 7,
                "error": None,
                "all_passed": True,
            },
        }
    ]


def test_stats_and_reports_count_passing_exercises(isolated_home: Path, monkeypatch: pytest.MonkeyPatch):
    import jsonschema

    assert run("code", "rl-gae-code").exit_code == 0
    assert run("code", "rl-gae-code", "--check").exit_code == 1
    editor_that_writes(monkeypatch, EXERCISE / "solution.py")
    assert run("code", CARD).exit_code == 0
    assert run("code", CARD, "--check").exit_code == 0

    stats = run("stats")
    assert stats.exit_code == 0
    exercises = len([p for p in (REPO / "questions" / "exercises").iterdir() if p.is_dir()])
    assert f"coding: 1/{exercises} exercises passing (2 tried)" in stats.output
    assert "coding: 1/1 exercise passing (1 tried)" in run("stats", "--topic", "alignment").output
    assert "coding:" not in run("stats", "--kind", "conceptual").output

    markdown = run("report", "--topic", "rl").output
    assert "- coding: 0/4 exercises passing (1 tried)" in markdown
    report = json.loads(run("report", "--format", "json", "--topic", "rl").output)
    assert report["coding"] == {"exercises": 4, "tried": 1, "passing": 0}
    schema = json.loads((REPO / "src" / "interview_drill" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(report, schema)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["code"], "which card? give its ID (`idrill code --list` lists the runnable ones)"),
        (
            ["code", "decode-sampling-knobs"],
            "card `decode-sampling-knobs` has no runnable exercise; see `idrill code --list`",
        ),
        (
            ["code", CARD, "--check", "--solution"],
            "--check and --solution do different things; give one of them",
        ),
        (["code", CARD, "mine.py"], "a FILE is checked: add --check (e.g. `idrill code ID --check my.py`)"),
        (["code", CARD, "--topic", "rl"], "filters apply to --list"),
        (["code", CARD, "--json"], "--json applies to --list"),
        (["code", CARD, "--fresh", "--check"], "--fresh starts an attempt; it does not go with --check"),
        (
            ["code", CARD, "--list"],
            "--list lists every runnable exercise; filter with --topic, --level, --kind, --tag",
        ),
        (
            ["code", "--list", "--kind", "conceptual"],
            "no card with a runnable exercise matches these filters",
        ),
        (["code", CARD, "--check", "nowhere.py"], "nowhere.py: no such file"),
    ],
)
def test_misuse_is_one_clear_line(args: list[str], message: str):
    result = run(*args)
    assert result.exit_code == 2
    assert result.output.strip() == message


def test_check_before_any_attempt_says_how_to_start(isolated_home: Path):
    result = run("code", CARD, "--check")
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"no attempt at {attempt(isolated_home)} yet: `idrill code {CARD}` writes the stub there"
    )


@pytest.mark.parametrize(
    ("editor", "message"),
    [
        ("false", "the editor `false` exited with code 1; your attempt is at {path}"),
        (
            "/no/such/editor --wait",
            "cannot start the editor `/no/such/editor --wait` (No such file or directory); your attempt is at {path}",
        ),
    ],
)
def test_an_editor_that_fails_is_one_line_and_the_stub_stays(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch, editor: str, message: str
):
    monkeypatch.setenv("VISUAL", editor)
    monkeypatch.setenv("EDITOR", "cp /dev/null")  # $VISUAL wins
    result = run("code", CARD)
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == message.format(path=attempt(isolated_home))
    assert attempt(isolated_home).read_text(encoding="utf-8") == STUB


def test_a_user_bank_ships_a_runnable_exercise(tmp_path: Path):
    bank = tmp_path / "bank"
    (bank / "exercises" / "double").mkdir(parents=True)
    (bank / "exercises" / "double" / "stub.py").write_text("def double(x):\n    raise NotImplementedError\n")
    (bank / "exercises" / "double" / "solution.py").write_text("def double(x):\n    return 2 * x\n")
    (bank / "exercises" / "double" / "tests.py").write_text(
        "from idrill_check import equal\n\n"
        "def test_two(m):\n    'two doubles to four'\n    equal(m.double(2), 4)\n\n"
        "def test_zero(m):\n    equal(m.double(0), 0)\n"
    )
    (bank / "mine.yaml").write_text(
        "topic: mine\ntitle: Mine\ncards:\n  - id: my-double\n    question: Double it?\n"
        "    outline: [times two]\n    kind: coding\n    exercise: double\n",
        encoding="utf-8",
    )
    opts = ["--no-builtin", "--bank", str(bank)]
    assert run("code", "my-double", *opts).exit_code == 0
    result = run("code", "my-double", "--check", *opts)
    assert result.exit_code == 1
    assert result.output.splitlines()[1:3] == [
        "  failed  two doubles to four: not implemented yet",
        "  failed  zero: not implemented yet",
    ]
    assert (
        run(
            "code", "my-double", "--check", str(bank / "exercises" / "double" / "solution.py"), *opts
        ).exit_code
        == 0
    )
