"""Hostile files (issue 26, items 6, 8, 9): special files where we expect a regular one, history files
built to crash the parser or the drill. Each gives one line naming the file, a non-zero exit, and
imports nothing; none hangs (an alarm fails the test instead of the suite waiting for ever).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from interview_drill.domain.bounds import MAX_ANSWER_CHARS

from ..conftest import run

HEADER = json.dumps({"format": "idrill-history", "version": 1})
MEMORY = {"phase": 2, "step": None, "stability": 3.0, "difficulty": 5.0, "due": 1_772_000_000_000,
          "last_review": 1_771_000_000_000}  # fmt: skip
CARD = {"type": "card", "slug": "sample-lora-rank", "memory": MEMORY, "reps": 1, "lapses": 0, "content_hash": None,
        "buried_until": None, "suspended": False}  # fmt: skip
REVIEW = {"type": "review", "slug": "sample-lora-rank", "reviewed_at": 1_771_000_000_000, "rating": 3,
          "kind": "scheduled", "duration_ms": None, "phase_before": 0, "answer": None, "traps_hit": None,
          "before": None, "session": None}  # fmt: skip
SESSION = {
    "type": "session",
    "mode": "drill",
    "started_at": 1_771_000_000_000,
    "ended_at": None,
    "cards_done": 1,
}


@pytest.fixture(autouse=True)
def no_hang() -> Iterator[None]:
    """A test that blocks (a FIFO opened for reading waits for a writer) fails after 20 s."""

    def fail(*_: object) -> None:
        raise TimeoutError("the command hung")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(20)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def one_line(result, name: str | Path) -> str:
    assert result.exit_code != 0, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert str(name) in lines[0], lines
    return lines[0]


def history_file(tmp_path: Path, *records: dict | str, header: str = HEADER) -> Path:
    path = tmp_path / "in.jsonl"
    lines = [header, *(r if isinstance(r, str) else json.dumps(r) for r in records)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def nothing_imported(isolated_home: Path) -> None:
    db = isolated_home / "history.db"
    if db.exists():
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0
            assert conn.execute("SELECT count(*) FROM cards").fetchone()[0] == 0


# ------------------------------------------------------------------ item 8: hostile history files

HOSTILE = {
    "deep nesting": ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    "5,000-digit integer": (json.dumps(SESSION).replace("1771000000000", "9" * 5000), "number too long"),
    "4,000-digit stability": (
        json.dumps({**CARD, "memory": {**MEMORY, "stability": 0}}).replace(
            '"stability": 0', '"stability": ' + "9" * 4000
        ),
        "memory.stability",
    ),
    "session timestamp 1e30": ({**SESSION, "started_at": 1e30}, "started_at"),
    "review's session at 10**30": ({**REVIEW, "session": ["drill", 10**30]}, "session"),
    "negative session start in a review": ({**REVIEW, "session": ["drill", -5]}, "session"),
    "negative started_at": ({**SESSION, "started_at": -1}, "started_at"),
    "difficulty -1": ({**CARD, "memory": {**MEMORY, "difficulty": -1}}, "memory.difficulty"),
    "difficulty 0": ({**CARD, "memory": {**MEMORY, "difficulty": 0}}, "memory.difficulty"),
    "difficulty 11": ({**CARD, "memory": {**MEMORY, "difficulty": 11}}, "memory.difficulty"),
    "stability 0": ({**CARD, "memory": {**MEMORY, "stability": 0}}, "memory.stability"),
    "stability 1e300": ({**CARD, "memory": {**MEMORY, "stability": 1e300}}, "memory.stability"),
    "phase 9": ({**CARD, "memory": {**MEMORY, "phase": 9}}, "memory.phase"),
    "rating 7": ({**REVIEW, "rating": 7}, "rating"),
    "bad before": (
        {**REVIEW, "before": {**CARD, "memory": {**MEMORY, "difficulty": -1}}},
        "before.memory.difficulty",
    ),
    "huge answer": ({**REVIEW, "answer": "x" * (MAX_ANSWER_CHARS + 1)}, "answer: is 100,001 characters"),
    "huge content hash": ({**CARD, "content_hash": "a" * 1000}, "content_hash"),
    "trap number out of range": ({**REVIEW, "traps_hit": [10**12]}, "traps_hit"),
}


@pytest.mark.parametrize("record, expected", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_history_record_is_one_line_and_nothing_is_imported(
    tmp_path, isolated_home, record, expected
):
    path = history_file(tmp_path, CARD, record)
    result = run("history", "import", str(path))
    assert result.exit_code == 2, result.output
    assert f"{path}:3: " in result.output and expected in result.output, result.output
    assert "nothing was imported" in result.output
    nothing_imported(isolated_home)


def test_version_true_is_not_version_1(tmp_path, isolated_home):
    path = history_file(tmp_path, CARD, header='{"format": "idrill-history", "version": true}')
    result = run("history", "import", str(path))
    assert result.exit_code == 2
    assert f"{path}:1: version: must be 1 (got true)" in result.output
    nothing_imported(isolated_home)


def test_a_line_longer_than_any_record_is_refused_without_reading_it_whole(tmp_path, isolated_home):
    path = tmp_path / "long.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(HEADER + "\n" + '{"answer": "' + "x" * (5 * 2**20))
    result = run("history", "import", str(path))
    assert one_line(result, path).startswith(f"{path}:2: the line is longer than 4 MB")
    nothing_imported(isolated_home)


def test_answers_stay_short_after_the_largest_import_allowed(tmp_path, isolated_home, sample_args):
    answer = "y" * MAX_ANSWER_CHARS
    result = run("history", "import", str(history_file(tmp_path, CARD, {**REVIEW, "answer": answer})))
    assert result.exit_code == 0, result.output
    started = time.monotonic()
    result = run(*sample_args, "answers", "sample-lora-rank")
    assert result.exit_code == 0, result.output
    assert "yyyy" in result.output
    assert time.monotonic() - started < 10


# ------------------------------------------------------------------ item 9: special files


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


def test_a_fifo_as_the_history_database_is_refused(fifo, sample_args):
    result = run(*sample_args, "--db", str(fifo), "due")
    assert "is a named pipe (FIFO), not a history database" in one_line(result, fifo)


def test_a_fifo_as_the_settings_file_is_refused(fifo, sample_args, monkeypatch):
    monkeypatch.setenv("IDRILL_CONFIG", str(fifo))
    result = run(*sample_args, "due")
    assert "is a named pipe (FIFO), not a settings file" in one_line(result, fifo)


def test_a_fifo_as_a_history_import_is_refused(fifo, isolated_home):
    result = run("history", "import", str(fifo))
    assert "is a named pipe (FIFO), not a history file" in one_line(result, fifo)
    nothing_imported(isolated_home)


def test_a_fifo_given_as_a_bank_file_is_a_problem_line(fifo):
    from interview_drill.bank.discover import read_bytes

    raw, _, problems = read_bytes(fifo)
    assert raw is None
    assert problems == [f"{fifo}:1: file: is a named pipe (FIFO), not a bank file; give a regular file"]


def test_dev_zero_as_the_settings_file_is_refused(sample_args, monkeypatch):
    monkeypatch.setenv("IDRILL_CONFIG", "/dev/zero")
    result = run(*sample_args, "due")
    assert "/dev/zero: is a device, not a settings file" in one_line(result, "/dev/zero")


def test_a_huge_settings_file_is_refused_unread(tmp_path, sample_args, monkeypatch):
    big = tmp_path / "config.toml"
    with open(big, "wb") as fh:
        fh.truncate(50 * 2**20)  # sparse: 50 MB on paper
    monkeypatch.setenv("IDRILL_CONFIG", str(big))
    result = run(*sample_args, "due")
    assert "settings file is limited to 1 MB" in one_line(result, big)


def test_dev_zero_as_a_history_import_is_refused(isolated_home):
    result = run("history", "import", "/dev/zero")
    assert "/dev/zero: is a device, not a history file" in one_line(result, "/dev/zero")


def test_dev_null_as_the_database_is_refused_and_nothing_is_created_beside_it(sample_args, tmp_path):
    result = run(*sample_args, "--db", "/dev/null", "due")
    assert "/dev/null: is a device, not a history database" in one_line(result, "/dev/null")
    assert not Path("/dev/null-journal").exists()


def test_a_huge_answer_already_in_the_database_is_shown_and_exported_capped(
    tmp_path, isolated_home, sample_args
):
    """A history imported before the cap existed may hold a 2 MB answer: `answers` and exports cap it."""
    result = run("history", "import", str(history_file(tmp_path, CARD, {**REVIEW, "answer": "short"})))
    assert result.exit_code == 0, result.output
    with sqlite3.connect(isolated_home / "history.db") as conn:
        conn.execute("UPDATE reviews SET answer = ?", ("z" * 2_000_000,))
    shown = run(*sample_args, "answers", "sample-lora-rank")
    assert shown.exit_code == 0
    assert shown.output.count("z") <= MAX_ANSWER_CHARS
    out = tmp_path / "out.jsonl"
    assert run("history", "export", "--out", str(out)).exit_code == 0
    (review,) = [
        r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines()) if r.get("type") == "review"
    ]
    assert len(review["answer"]) == MAX_ANSWER_CHARS
    assert run("history", "import", str(out), "--db", str(tmp_path / "again.db")).exit_code == 0


def test_a_fifo_given_as_a_bank_is_named_as_such(fifo):
    result = run("--no-builtin", "--bank", str(fifo), "list")
    assert result.exit_code == 2
    assert f"{fifo}: bank: is not a regular file or a folder" in result.output


def test_a_fifo_in_the_bank_cache_is_a_miss_not_a_hang(tmp_path):
    from interview_drill.bank.cache import BankCache

    cache = BankCache(tmp_path / "cache")
    cache.folder.mkdir()
    key = {"path": "/x/bank.yaml"}
    os.mkfifo(cache._entry(key))
    assert cache.read(key) is None
