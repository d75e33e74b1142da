"""One damaged value in the history database (issue 26, item 7): every command still runs, the bad
card is skipped with a notice, `doctor` lists the bad rows by id, `doctor --repair` backs up first and
then resets or moves them out, and `history export` saves everything else and says what it left out.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from interview_drill.domain.review import Rating
from interview_drill.storage.history import Store

from ..conftest import PINNED_NOW, rate_as_user, run

CARDS = ["sample-lora-rank", "sample-lora-alpha", "sample-judge"]

# (what is damaged, the SQL that damages it, the table and card doctor names)
DAMAGE = {
    "phase 9": ("UPDATE cards SET phase = 9 WHERE slug = 'sample-lora-rank'", "cards", "sample-lora-rank"),
    "stability NULL on a review card": (
        "UPDATE cards SET stability = NULL WHERE slug = 'sample-lora-rank'", "cards", "sample-lora-rank",
    ),
    "before = '{bad'": (
        "UPDATE reviews SET before = '{bad' WHERE id = (SELECT min(id) FROM reviews)", "reviews", CARDS[0],
    ),
    "reviewed_at = 'x'": (
        "UPDATE reviews SET reviewed_at = 'x' WHERE id = (SELECT min(id) FROM reviews)", "reviews", CARDS[0],
    ),
    "rating = 7": ("UPDATE reviews SET rating = 7 WHERE id = (SELECT min(id) FROM reviews)", "reviews", CARDS[0]),
}  # fmt: skip


@pytest.fixture
def damaged(request, isolated_home, pinned) -> tuple[Path, str, str]:
    db = isolated_home / "history.db"
    isolated_home.mkdir(parents=True, exist_ok=True)
    at = datetime.fromisoformat(PINNED_NOW)
    with Store.open(db) as store:
        for day, slug in enumerate(CARDS):
            rate_as_user(store, slug, Rating.GOOD, at.replace(day=1 + day, month=2), answer=f"answer {day}")
        rate_as_user(store, CARDS[0], Rating.GOOD, at.replace(day=20, month=2))
    sql, table, slug = DAMAGE[request.param]
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA ignore_check_constraints = 1")
        conn.execute(sql)
    return db, table, slug


def damaged_ids(db: Path, table: str) -> list[int]:
    from interview_drill.storage.damage import find

    with sqlite3.connect(db) as conn:
        return [d.row_id for d in find(conn) if d.table == table]


@pytest.mark.parametrize("damaged", DAMAGE, indirect=True)
@pytest.mark.parametrize(
    "command",
    [
        ["due"],
        ["drill"],
        ["stats"],
        ["answers", CARDS[0]],
        ["undo"],
        ["list"],
        ["ready", "--target", "mid"],
        ["report"],
        ["mock", "--count", "2"],
        ["reset", CARDS[0], "--yes"],
        ["export", "revlog", "--out", "-"],
    ],
    ids=lambda c: " ".join(c),
)
def test_every_command_runs_past_a_damaged_value(damaged, sample_args, command):
    result = run(*sample_args, *command, input="3\n" * 5 + "q\n")
    assert "Error" not in result.output
    if (
        result.exit_code != 0
    ):  # only an action on the damaged card itself (undo its rating) may fail, in one line
        (line,) = result.output.splitlines()
        assert "is damaged; `idrill doctor` lists them" in line


@pytest.mark.parametrize("damaged", ["phase 9", "stability NULL on a review card"], indirect=True)
def test_the_drill_skips_a_damaged_card_and_says_so(damaged, sample_args):
    result = run(*sample_args, "drill", "--cram", input="3\n" * 5 + "q\n")
    assert result.exit_code == 0, result.output
    assert "skipped 1 card(s) whose history row is damaged (sample-lora-rank)" in result.output
    assert "`idrill doctor --repair` fixes them" in result.output


@pytest.mark.parametrize("damaged", DAMAGE, indirect=True)
def test_doctor_lists_the_damaged_row_by_id(damaged, sample_args):
    db, table, slug = damaged
    (row_id,) = damaged_ids(db, table)
    result = run(*sample_args, "doctor")
    assert result.exit_code == 1
    assert "history: 1 damaged row(s)" in result.output
    assert f"{table} row {row_id} (card {slug}): " in result.output
    assert "`idrill doctor --repair` fixes them" in result.output


@pytest.mark.parametrize("damaged", DAMAGE, indirect=True)
def test_history_export_saves_the_rest_and_names_what_it_left_out(damaged, sample_args, tmp_path):
    db, table, _ = damaged
    (row_id,) = damaged_ids(db, table)
    out = tmp_path / "rescue.jsonl"
    result = run("history", "export", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"left out 1 damaged row(s) ({table} {row_id})" in result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    reviews = [r for r in records if r.get("type") == "review"]
    cards = [r for r in records if r.get("type") == "card"]
    assert len(reviews) == (3 if table == "reviews" else 4)
    assert len(cards) == (2 if table == "cards" else 3)
    # what was saved imports into a fresh history
    fresh = tmp_path / "fresh.db"
    assert run("history", "import", str(out), "--db", str(fresh)).exit_code == 0


@pytest.mark.parametrize("damaged", DAMAGE, indirect=True)
def test_doctor_repair_backs_up_then_fixes_and_says_what_it_did(damaged, sample_args):
    db, table, slug = damaged
    with sqlite3.connect(db) as conn:
        before = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    result = run(*sample_args, "doctor", "--repair")
    assert result.exit_code == 0, result.output
    assert "history: repaired 1 damaged row(s); a copy from before is at " in result.output
    (backup,) = db.parent.glob("history.db.repair-*.bak")
    assert damaged_ids(backup, table), "the backup holds the row as it was"
    with sqlite3.connect(db) as conn:
        after = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        if table == "cards":
            assert f"reset to new (their reviews kept): {slug}" in result.output
            assert after == before
            assert conn.execute("SELECT phase FROM cards WHERE slug = ?", (slug,)).fetchone()[0] == 0
        else:
            (moved,) = db.parent.glob("history.db.quarantine-*.jsonl")
            assert f"moved 1 log row(s) out to {moved}" in result.output
            assert after == before - 1
            assert json.loads(moved.read_text(encoding="utf-8"))["table"] == "reviews"
    again = run(*sample_args, "doctor")
    assert again.exit_code == 0, again.output
    assert "every row is readable" in again.output
    assert f"        {backup}" in again.output  # listed with the other backups


def test_a_damaged_numbers_answer_is_left_out_of_stats_and_listed(isolated_home, pinned, sample_args):
    db = isolated_home / "history.db"
    isolated_home.mkdir(parents=True, exist_ok=True)
    with Store.open(db) as store:
        store.record_number_answer("sample-lora-rank", 0, "8", True, datetime.fromisoformat(PINNED_NOW))
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE number_answers SET answered_at = 'x'")
    assert run(*sample_args, "stats").exit_code == 0
    result = run(*sample_args, "doctor")
    assert "number_answers row 1 (card sample-lora-rank): " in result.output
