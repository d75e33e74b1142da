"""Faults: a killed process, two sessions on one history, damaged or foreign files, bad folders,
Ctrl-C outside the drill, malformed settings. Every case ends in a clear message, never a traceback,
and never in a lost rating or a touched file that is not ours.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.core import TyperGroup
from typer.main import get_command

from interview_drill.app.rate import rate_card
from interview_drill.cli import app as cli
from interview_drill.cli.app import app
from interview_drill.domain.review import CardRow, GivenRating, Rating
from interview_drill.domain.schedule import Scheduler
from interview_drill.storage.history import Store
from interview_drill.storage.migrations import LATEST

from .conftest import rate_as_user
from .drill_helpers import CARD, OTHER_SESSION, env, finish, reveal_and_rate, reviews, run, spawn

T0 = datetime.fromisoformat("2026-01-05T09:00:00+00:00").astimezone(UTC)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_line_error(result: subprocess.CompletedProcess[str], path: Path) -> str:
    """The command failed with exactly one error line naming `path`, and no traceback."""
    assert result.returncode != 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0]
    return lines[0]


# ------------------------------------------------------------------ a killed process


@pytest.mark.slow
def test_kill_9_mid_session_keeps_every_rating_and_the_next_session_starts(tmp_path):
    db = tmp_path / "history.db"
    before = json.loads(run(tmp_path, "due", "--json").stdout)

    child = spawn(tmp_path)
    for _ in range(3):
        child.expect_exact(CARD)  # wait for the card before pressing keys
        reveal_and_rate(child, "3")
    child.expect_exact(CARD)  # the 4th card is drawn only after the 3rd rating is committed
    os.kill(child.pid, signal.SIGKILL)
    finish(child)
    assert child.signalstatus == signal.SIGKILL

    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()
    logged = reviews(db)
    assert [(rating, kind) for _, rating, kind, _ in logged] == [(3, "scheduled")] * 3
    rated = {slug for slug, *_ in logged}
    assert len(rated) == 3

    due = run(tmp_path, "due", "--json")
    assert due.returncode == 0, due.stderr
    after = json.loads(due.stdout)
    assert after["total"] == before["total"] - 3  # the three new cards count as introduced today
    assert rated.isdisjoint(card["id"] for card in after["cards"])

    again = run(tmp_path, "drill", input=" \n3\nq\n")
    assert again.returncode == 0, again.stderr
    assert "Session done: 1 card rated" in again.stdout
    assert len(reviews(db)) == 4


# ------------------------------------------------------------------ two sessions at once


@pytest.mark.slow
# Two real terminals racing each other: once in ~20 full-suite runs this timed out on a busy machine
# and it could not be reproduced since. A genuine regression fails all three attempts.
@pytest.mark.flaky(reruns=2)
def test_two_sessions_at_once_never_apply_a_rating_to_a_stale_state(tmp_path):
    db = tmp_path / "history.db"
    a = spawn(tmp_path, "--limit", "5")
    b = spawn(tmp_path, "--limit", "5")
    a.expect_exact(CARD)
    b.expect_exact(CARD)  # both queues were built before any rating: same first cards

    def state_of_last_rated() -> dict:
        slug = reviews(db)[-1][0]
        with Store.open_readonly(db) as store:
            row = store.row(slug)
        assert row is not None
        return json.loads(json.dumps(row.to_dict()))

    # Card 1: A rates first, B rates the same card from its (now stale) screen.
    reveal_and_rate(a, "3")
    a.expect_exact(CARD)
    first_state = state_of_last_rated()
    reveal_and_rate(b, "3")
    b.expect_exact(OTHER_SESSION)
    b.expect_exact(CARD)
    # Card 2: the other way round.
    reveal_and_rate(b, "3")
    b.expect_exact(CARD)
    second_state = state_of_last_rated()
    reveal_and_rate(a, "3")
    a.expect_exact(OTHER_SESSION)
    a.expect_exact(CARD)

    for child in (a, b):
        child.send("q")
        child.expect_exact("Session done: 2 cards rated")
    outputs = [finish(a), finish(b)]
    assert (a.exitstatus, b.exitstatus) == (0, 0), outputs
    for out in outputs:
        assert "database is locked" not in out
        assert "Traceback" not in out

    logged = reviews(db)
    assert len(logged) == 4  # every rating sent is in the log
    slugs = list(dict.fromkeys(slug for slug, *_ in logged))
    assert len(slugs) == 2
    for slug, state in zip(slugs, (first_state, second_state), strict=True):
        first, second = [r for r in logged if r[0] == slug]
        assert first[3] is None  # a new card: no state before
        assert json.loads(second[3]) == state  # the second rating started from the first one's result
    conn = sqlite3.connect(db)
    try:
        for slug in slugs:
            reps, kept = conn.execute(
                "SELECT reps, (SELECT count(*) FROM reviews r WHERE r.card_id = c.id AND r.kind != 'cram') "
                "FROM cards c WHERE slug = ?",
                (slug,),
            ).fetchone()
            assert reps == kept == 2
    finally:
        conn.close()

    sched = Scheduler(fuzz=False)
    with Store.open_readonly(db) as store:
        for slug, state in zip(slugs, (first_state, second_state), strict=True):
            final = store.row(slug)
            assert final is not None
            assert final.memory == sched.next_memory(CardRow.from_dict(state), Rating.GOOD, T0)


def test_stale_expected_row_is_recomputed_from_the_current_state(tmp_path):
    path = tmp_path / "history.db"
    sched = Scheduler(fuzz=False)
    later = T0 + timedelta(minutes=10)
    with Store.open(path) as one, Store.open(path) as two:
        shown = two.row("c") or CardRow("c")  # session two shows the card while it is still new
        first = rate_as_user(one, "c", Rating.GOOD, T0, shown=CardRow("c"), scheduler=sched)
        assert not first.stale
        stale_outcome = sched.preview(shown, later)[Rating.EASY]
        second = rate_card(
            two, sched, GivenRating("c", Rating.EASY, later, shown=shown, outcome=stale_outcome)
        )

        assert second.stale
        assert second.before == first.after
        assert second.after.memory == sched.next_memory(first.after, Rating.EASY, later)
        assert second.after.memory != stale_outcome
        assert second.after.reps == 2
        assert one.row("c") == second.after  # committed: the other connection sees it
        logged = one.conn.execute("SELECT before FROM reviews ORDER BY id").fetchall()
        assert logged[0][0] is None
        assert CardRow.from_dict(json.loads(logged[1][0])) == first.after


def test_current_expected_row_keeps_the_outcome_shown(tmp_path):
    path = tmp_path / "history.db"
    sched = Scheduler(fuzz=False)
    with Store.open(path) as one, Store.open(path) as two:
        rate_card(one, sched, GivenRating("c", Rating.GOOD, T0))  # no outcome shown: computed inside
        shown = two.row("c")
        assert shown is not None
        outcome = sched.preview(shown, T0 + timedelta(days=1))[Rating.HARD]
        applied = rate_card(
            two,
            NoRecompute(),
            GivenRating("c", Rating.HARD, T0 + timedelta(days=1), shown=shown, outcome=outcome),
        )
        assert not applied.stale
        assert one.row("c").memory == outcome


class NoRecompute:
    """A scheduler that must not be asked: the outcome shown still applies."""

    def next_memory(self, row: CardRow, rating: Rating, now: datetime):
        pytest.fail("recomputed a current state")


# ------------------------------------------------------------------ files that are not a sound history


def make_history(path: Path) -> None:
    """A real history with several cards, sessions and a few dozen reviews."""
    sched = Scheduler(fuzz=False)
    with Store.open(path) as store:
        for day in range(8):
            now = T0 + timedelta(days=day)
            sid = store.start_session("drill", now)
            for n in range(6):
                slug = f"card-{n}"
                rate_as_user(store, slug, Rating(1 + (day + n) % 4), now, scheduler=sched, session_id=sid)
            store.end_session(sid, now)
    assert not path.with_name(path.name + "-wal").exists()  # checkpointed: the file holds everything


def truncated(path: Path) -> None:
    make_history(path)
    data = path.read_bytes()
    assert len(data) >= 4 * 4096
    path.write_bytes(data[: len(data) // 2])


def corrupted_page(path: Path) -> None:
    """Sound header and size, but the `cards` table's page is overwritten."""
    make_history(path)
    conn = sqlite3.connect(path)
    try:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'cards'").fetchone()[0]
    finally:
        conn.close()
    with open(path, "r+b") as fh:
        fh.seek((root - 1) * page_size + 8)  # the cell pointers after a leaf page's header
        fh.write(b"\xff" * 256)


def garbage(path: Path) -> None:
    path.write_bytes(random.Random(7).randbytes(16384))


def foreign(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        conn.execute("INSERT INTO notes (body) VALUES ('not yours')")
        conn.commit()
    finally:
        conn.close()


def newer(path: Path) -> None:
    make_history(path)
    conn = sqlite3.connect(path)
    try:
        conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    finally:
        conn.close()


BAD_FILES = {
    "truncated": (truncated, "damaged"),
    "corrupted-page": (corrupted_page, "damaged"),
    "garbage": (garbage, "not an SQLite file"),
    "foreign": (foreign, "another program"),
    "newer": (newer, "newer interview-drill"),
}
COMMANDS = {
    "due": (["due"], None),
    "drill": (["drill"], "q\n"),
    "undo": (["undo"], None),
    "stats": (["stats"], None),
}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_history_file_is_refused_untouched(tmp_path, case, command):
    args, stdin = COMMANDS[command]
    group = get_command(app)
    assert isinstance(group, TyperGroup)  # typed as a Command: the app with subcommands is a group
    assert args[0] in group.commands, f"`idrill {args[0]}` is gone"
    make, reason = BAD_FILES[case]
    db = tmp_path / "history.db"
    make(db)
    digest, size = sha(db), db.stat().st_size

    line = one_line_error(run(tmp_path, *args, input=stdin), db)

    assert reason in line
    assert "left untouched" in line
    assert (sha(db), db.stat().st_size) == (digest, size)


# ------------------------------------------------------------------ folders


@pytest.mark.skipif(
    os.geteuid() == 0, reason="root ignores folder permissions, so chmod cannot make one read-only"
)
@pytest.mark.parametrize("command", ["drill", "undo"])
def test_read_only_data_folder_is_a_clear_error(tmp_path, command):
    home = tmp_path / "home"
    home.mkdir()
    make_history(home / "history.db")
    home.chmod(0o500)
    try:
        result = run(home, command, input=" \n3\nq\n")
    finally:
        home.chmod(0o700)
    line = one_line_error(result, home / "history.db")
    assert "permission" in line or "read-only" in line


@pytest.mark.parametrize("command", ["drill", "undo"])
def test_missing_folder_for_db_is_a_clear_error(tmp_path, command):
    db = tmp_path / "missing" / "dir" / "history.db"
    line = one_line_error(run(tmp_path, command, "--db", str(db), input=" \n3\nq\n"), db)
    assert "does not exist" in line
    assert not db.parent.exists()  # nothing was created on the way


# ------------------------------------------------------------------ Ctrl-C outside the drill loop


def interrupt_loading(*args: object, **kwargs: object) -> None:
    raise KeyboardInterrupt


def test_ctrl_c_inside_a_command_exits_130_without_traceback(monkeypatch, capsys):
    monkeypatch.setattr("interview_drill.bank.load_bank", interrupt_loading)
    monkeypatch.setattr(sys, "argv", ["idrill", "due"])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 130
    captured = capsys.readouterr()
    assert "interrupted" in captured.err
    assert "Traceback" not in captured.out + captured.err


def test_ctrl_c_while_loading_in_a_real_process(tmp_path):
    script = (
        "import interview_drill.bank as bank\n"
        "def interrupted(*a, **k):\n"
        "    raise KeyboardInterrupt\n"
        "bank.load_bank = interrupted\n"
        "from interview_drill.cli.app import main\n"
        "main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, "due"], capture_output=True, text=True, env=env(tmp_path), timeout=30
    )
    assert result.returncode == 130
    assert result.stderr.strip() == "interrupted"
    assert "Traceback" not in result.stdout


# ------------------------------------------------------------------ malformed settings


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ("# my settings\nnew_per_day = 5\ndesired_retention = = 0.9\n", ":3:", ""),
        ("# my settings\nnew_per_day = 5\ndesired_retention = 2\n", ":3:", "desired_retention"),
    ],
    ids=["toml-syntax", "out-of-range"],
)
def test_malformed_config_names_the_file_and_line(tmp_path, text, where, what):
    config = tmp_path / "config.toml"
    config.write_text(text, encoding="utf-8")
    line = one_line_error(run(tmp_path, "due"), config)
    assert f"{config}{where}" in line
    assert what in line
    assert config.read_text(encoding="utf-8") == text
