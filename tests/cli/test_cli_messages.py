"""Messages and outputs that stay one line and inert (issue 26, items 10–12).

A newline or an escape in a path never splits an error; a database error after open names the file,
and `doctor` then does not say all is well; piped `list` is one TSV row a card; Markdown does not
turn card text into links or strikethrough; `--json` carries no raw C1 control.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from interview_drill.domain.review import Rating
from interview_drill.storage.history import Store

from ..conftest import rate_as_user, run


@pytest.fixture(autouse=True)
def _pinned(pinned):
    """Every test here runs at the pinned moment."""


def lines(result) -> list[str]:
    return [line for line in result.output.splitlines() if line.strip()]


# ------------------------------------------------------------------ item 10: one escaped line naming the file


@pytest.mark.parametrize(
    "args",
    [
        ["due", "--db", "{tmp}/no\nsuch/history.db"],
        ["--db", "{tmp}/no\nsuch/history.db", "due"],
        ["drill", "--db", "{tmp}/bad\nname.db"],  # exists and is not a database
        ["history", "import", "{tmp}/missing\n.jsonl"],
        ["report", "--out", "{tmp}/no\nsuch/report.md"],
        ["report", "--out", "{tmp}/bad\nname.db", "--db", "{tmp}/bad\nname.db"],  # our own file
    ],
)
def test_a_newline_in_a_path_gives_one_escaped_line(tmp_path: Path, args: list[str], sample_args):
    (tmp_path / "bad\nname.db").write_text("not a database")
    result = run(*[a.format(tmp=tmp_path) for a in args], *sample_args)
    assert result.exit_code != 0
    (line,) = lines(result)
    assert str(tmp_path) in line and "\\n" in line


@pytest.fixture
def history(tmp_path: Path) -> Path:
    path = tmp_path / "odd\tname" / "history.db"
    path.parent.mkdir()
    with Store.open(path) as store:
        from datetime import UTC, datetime

        rate_as_user(store, "sample-judge", Rating.GOOD, datetime(2026, 3, 1, tzinfo=UTC))
    return path


@pytest.mark.parametrize(
    ("error", "words"),
    [
        ("database or disk is full", "the disk is full"),
        ("disk I/O error", "cannot read or write the history database"),
        ("database is locked", "the history database is busy"),
        ("attempt to write a readonly database", "cannot write the history database (read-only"),
    ],
)
def test_a_database_error_after_open_names_the_file(history: Path, monkeypatch, sample_args, error, words):
    def fail(self, *args, **kwargs):
        raise sqlite3.OperationalError(error)

    monkeypatch.setattr(Store, "figures_summary", fail)
    result = run("stats", "--db", str(history), *sample_args)
    assert result.exit_code == 1
    (line,) = lines(result)
    assert line.startswith(f"{history.parent}".replace("\t", "\\t") + "/history.db: ")
    assert words in line and "idrill doctor" in line


def test_doctor_is_not_all_well_when_the_database_is_locked(history: Path, sample_args, monkeypatch):
    import interview_drill.app.doctor as doctor

    monkeypatch.setattr(doctor, "PROBE_TIMEOUT_MS", 50)
    writer = sqlite3.connect(history, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process in the middle of a write
    try:
        result = run("doctor", "--db", str(history), *sample_args)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert result.exit_code == 1
    assert any(
        line.startswith("FAIL") and "is busy" in line and "odd\\tname" in line for line in lines(result)
    )


def test_doctor_is_not_all_well_when_the_disk_is_full(history: Path, sample_args, monkeypatch):
    import shutil

    monkeypatch.setattr(shutil, "disk_usage", lambda path: shutil._ntuple_diskusage(100, 100, 0))  # type: ignore[attr-defined]
    result = run("doctor", "--db", str(history), *sample_args)
    assert result.exit_code == 1
    assert any(line.startswith("FAIL") and "the disk is full" in line for line in lines(result))


def test_doctor_reports_a_database_error_found_mid_check(history: Path, sample_args, monkeypatch):
    def fail(self):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(Store, "rows", fail)
    result = run("doctor", "--db", str(history), *sample_args)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert any(line.startswith("FAIL") and "disk I/O error" in line for line in lines(result))


def test_doctor_says_writable_when_it_is(history: Path, sample_args):
    result = run("doctor", "--db", str(history), *sample_args)
    assert result.exit_code == 0, result.output
    assert "ok    history: writable" in result.output


# ------------------------------------------------------------------ items 11 and 12: inert outputs

ODD_YAML = """topic: odd
title: Odd text
cards:
  - id: odd-tab
    question: "a\\tforged\\trow\\nodd-fake\\tx\\ty\\tz\\tforged back\\\\slash"
    outline: ["see https://evil.example/a and ~~gone~~, x\\u009b31m"]
  - id: odd-link
    question: "Why does https://evil.example/a_b?x=1 load, and ~~this~~ or www.evil.example?"
    outline: [an answer]
  - id: odd-c1
    question: "CSI \\u009b2J here \\u0085 and \\u2028"
    outline: [an answer]
"""


@pytest.fixture
def odd(tmp_path: Path) -> list[str]:
    bank = tmp_path / "odd.yaml"
    bank.write_text(ODD_YAML, encoding="utf-8")
    return ["--no-builtin", "--bank", str(bank)]


def test_piped_list_is_one_row_a_card_whatever_the_text(odd):
    result = run("list", *odd)
    assert result.exit_code == 0, result.output
    rows = result.stdout.splitlines()
    assert len(rows) == 3
    assert all(row.count("\t") == 7 for row in rows)  # id, topic, level, kind, question, state, due, recall
    assert rows[0].split("\t")[4] == "a\\tforged\\trow\\nodd-fake\\tx\\ty\\tz\\tforged back\\\\slash"


@pytest.mark.parametrize(
    "args", [["list", "--json"], ["show", "odd-c1", "--json"], ["report", "--format", "json", "--cards"]]
)
def test_json_outputs_carry_no_raw_c1_controls(odd, args):
    result = run(*args, *odd)
    assert result.exit_code == 0, result.output
    assert not any("\x7f" <= ch <= "\x9f" or ch in "\u2028\u2029" for ch in result.stdout)
    json.loads(result.stdout)  # still JSON


def test_history_export_escapes_c1_in_typed_answers(tmp_path: Path, isolated_home: Path):
    from datetime import UTC, datetime

    isolated_home.mkdir(parents=True, exist_ok=True)
    with Store.open(isolated_home / "history.db") as store:
        rate_as_user(store, "sample-judge", Rating.GOOD, datetime(2026, 3, 1, tzinfo=UTC), answer="x\x9b2J y")
    out = run("history", "export", "--out", "-").stdout
    assert "\x9b" not in out and "\\u009b2J" in out
    assert json.loads(out.splitlines()[-1])["answer"] == "x\x9b2J y"  # the same value, inert


def test_markdown_report_links_nothing_and_strikes_nothing(odd, tmp_path: Path, isolated_home: Path):
    from datetime import UTC, datetime

    isolated_home.mkdir(parents=True, exist_ok=True)
    with Store.open(isolated_home / "history.db") as store:  # a weak card: listed with its question
        for day in (1, 2):
            rate_as_user(store, "odd-link", Rating.AGAIN, datetime(2026, 3, day, tzinfo=UTC))
    out = run("report", "--format", "md", *odd).stdout
    assert "Why does `https://evil.example/a_b?x=1` load, and ~\\~this\\~\\~ or `www.evil.example`?" in out
    assert "~~" not in out


def test_csv_cells_behind_invisible_or_fullwidth_signs_are_not_formulas():
    from interview_drill.render.data import csv_cell

    for text in ("\u200b=1+2", "\ufeff=A1", "\uff1d1+2", "\u3000+1", "\u00a0@SUM(A1)", "\u2060-2"):
        assert csv_cell(text).startswith("'"), text
    assert csv_cell("plain = text") == "plain = text"
