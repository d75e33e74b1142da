"""`idrill sync DIR`: two machines share a folder; merging loses no rating and converges.

Two simulated machines (two databases, pinned clocks) study interleaved over several days with
overlapping cards and sync in various orders; a third database gets every review on one machine.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from interview_drill.app.sync import SUFFIX, Device, sync_folder
from interview_drill.domain.review import Rating
from interview_drill.domain.schedule import Scheduler
from interview_drill.storage import tallies
from interview_drill.storage.history import Store

from ..conftest import rate_as_user, run

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CARDS = ["lora-mechanics", "qlora-mechanics", "dpo-mechanics", "adapter-tuning"]

# (day, minute, machine, card, rating): both machines study, partly the same cards, between syncs.
PLAN = [
    (0, 0, "a", "lora-mechanics", Rating.GOOD),
    (0, 2, "a", "qlora-mechanics", Rating.AGAIN),
    (0, 5, "b", "lora-mechanics", Rating.HARD),  # b has not seen a's review yet
    (0, 9, "b", "dpo-mechanics", Rating.GOOD),
    (0, 15, "a", "qlora-mechanics", Rating.GOOD),
    (1, 0, "b", "lora-mechanics", Rating.GOOD),
    (1, 30, "a", "dpo-mechanics", Rating.EASY),
    (2, 0, "a", "lora-mechanics", Rating.AGAIN),
    (2, 1, "b", "adapter-tuning", Rating.GOOD),
    (3, 0, "b", "qlora-mechanics", Rating.GOOD),
    (3, 4, "a", "adapter-tuning", Rating.HARD),
    (5, 0, "b", "lora-mechanics", Rating.GOOD),
    (5, 3, "a", "dpo-mechanics", Rating.GOOD),
]
# After which day each machine syncs, in this order (None: it does not sync that day).
SYNC_ORDERS = {
    "a-then-b": {0: "ab", 2: "ab", 3: "ba", 5: "ab"},
    "b-then-a": {0: "ba", 1: "b", 3: "ab", 5: "ba"},
    "rarely": {5: "a"},
}


def at(day: int, minute: int) -> datetime:
    return START + timedelta(days=day, minutes=minute)


def log_of(store: Store) -> list[tuple[str, int, int, str]]:
    return sorted(
        store.conn.execute(
            "SELECT c.slug, r.reviewed_at, r.rating, r.kind FROM reviews r JOIN cards c ON c.id = r.card_id"
        ).fetchall()
    )


def studied(tmp_path: Path, order: dict[int, str], fuzz: bool) -> tuple[Store, Store, Path]:
    folder = tmp_path / "shared"
    folder.mkdir()
    stores = {m: Store.open(tmp_path / f"{m}.db") for m in "ab"}
    devices = {m: Device(f"machine-{m}", "test") for m in "ab"}
    scheduler = Scheduler(fuzz=fuzz)
    days = sorted({p[0] for p in PLAN} | set(order))
    for day in days:
        for d, minute, machine, card, rating in PLAN:
            if d == day:
                rate_as_user(stores[machine], card, rating, at(d, minute), scheduler=Scheduler(fuzz=False))
        for machine in order.get(day, ""):
            sync_folder(stores[machine], folder, devices[machine], scheduler, at(day, 600))
    # Finally both sync, then the first again, so each has read the other's latest file.
    for machine in "aba":
        sync_folder(stores[machine], folder, devices[machine], scheduler, at(9, 0))
    return stores["a"], stores["b"], folder


@pytest.mark.parametrize("order", list(SYNC_ORDERS), ids=list(SYNC_ORDERS))
def test_two_machines_converge_to_one_machines_result(tmp_path: Path, order: str) -> None:
    a, b, _ = studied(tmp_path, SYNC_ORDERS[order], fuzz=False)
    one = Store.open(tmp_path / "one.db")
    for d, minute, _, card, rating in sorted(PLAN, key=lambda p: (p[0], p[1])):
        rate_as_user(one, card, rating, at(d, minute))
    assert log_of(a) == log_of(b) == log_of(one)
    assert len(log_of(a)) == len(PLAN)  # no duplicate reviews
    assert a.rows() == b.rows() == one.rows()
    assert a.review_counts() == b.review_counts() == one.review_counts()  # the figure tallies
    assert tallies.out_of_step(a.conn) == tallies.out_of_step(b.conn) == []


def test_with_fuzz_both_machines_still_agree(tmp_path: Path) -> None:
    a, b, _ = studied(tmp_path, SYNC_ORDERS["a-then-b"], fuzz=True)
    assert log_of(a) == log_of(b)
    assert a.rows() == b.rows()
    assert a.rows()["lora-mechanics"].reps == 5


def test_syncing_again_changes_nothing(tmp_path: Path) -> None:
    a, b, folder = studied(tmp_path, SYNC_ORDERS["a-then-b"], fuzz=False)
    rows, log = a.rows(), log_of(a)
    again = sync_folder(a, folder, Device("machine-a", "test"), Scheduler(fuzz=False), at(10, 0))
    assert (again.reviews_added, again.cards_changed) == (0, [])
    assert (a.rows(), log_of(a)) == (rows, log)


def test_suspensions_travel_and_the_latest_change_wins(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    a, b = Store.open(tmp_path / "a.db"), Store.open(tmp_path / "b.db")
    da, db = Device("machine-a", "t"), Device("machine-b", "t")
    s = Scheduler(fuzz=False)
    rate_as_user(a, "lora-mechanics", Rating.GOOD, at(0, 0))
    sync_folder(a, folder, da, s, at(0, 1))
    sync_folder(b, folder, db, s, at(0, 2))
    b.set_suspended(["lora-mechanics"], True)
    sync_folder(b, folder, db, s, at(0, 3))
    sync_folder(a, folder, da, s, at(0, 4))
    assert a.row("lora-mechanics").suspended  # a took b's change
    a.set_suspended(["lora-mechanics"], False)
    sync_folder(a, folder, da, s, at(0, 5))  # a's own change wins over b's older file
    assert not a.row("lora-mechanics").suspended
    sync_folder(b, folder, db, s, at(0, 6))
    assert not b.row("lora-mechanics").suspended


def test_typed_answers_traps_and_number_answers_travel(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    a, b = Store.open(tmp_path / "a.db"), Store.open(tmp_path / "b.db")
    s = Scheduler(fuzz=False)
    rate_as_user(a, "lora-mechanics", Rating.HARD, at(0, 0), answer="low rank", traps_hit=[0])
    a.record_number_answer("lora-mechanics", 0, "16", True, at(0, 1))
    sync_folder(a, folder, Device("machine-a", "t"), s, at(0, 2))
    result = sync_folder(b, folder, Device("machine-b", "t"), s, at(0, 3))
    assert (result.reviews_added, result.number_answers_added) == (1, 1)
    assert [a_[2:] for a_ in b.answers("lora-mechanics")] == [("scheduled", "low rank")]
    assert b.conn.execute("SELECT traps_hit FROM reviews").fetchone()[0] == "[0]"


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (
            '{"format": "idrill-history", "version": 1}\n{"type": "review", "slug": "x", "revie',
            "not valid JSON",
        ),
        ('{"format": "idrill-history", "version": 99}\n', "written by a newer interview-drill"),
        ("garbage\n", "the first line must be the header"),
    ],
)
def test_a_bad_file_is_skipped_whole_and_left_alone(tmp_path: Path, content: str, says: str) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    bad = folder / f"machine-x{SUFFIX}"
    bad.write_text(content, encoding="utf-8")
    good = Store.open(tmp_path / "g.db")
    rate_as_user(good, "dpo-mechanics", Rating.GOOD, at(0, 0))
    sync_folder(good, folder, Device("machine-g", "t"), Scheduler(fuzz=False), at(0, 1))
    mine = Store.open(tmp_path / "m.db")
    result = sync_folder(mine, folder, Device("machine-m", "t"), Scheduler(fuzz=False), at(0, 2))
    assert result.merged == ["machine-g"] and result.reviews_added == 1
    assert len(result.skipped) == 1 and says in result.skipped[0] and "file skipped" in result.skipped[0]
    assert bad.read_text(encoding="utf-8") == content  # never deleted or rewritten


def test_cli_sync_dry_run_and_device_files(
    tmp_path: Path, pinned: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    a_db, b_db = tmp_path / "a.db", tmp_path / "b.db"
    a = Store.open(a_db)
    rate_as_user(a, "lora-mechanics", Rating.GOOD, at(0, 0))
    a.close()
    first = run("sync", str(folder), "--db", str(a_db))
    assert first.exit_code == 0, first.output
    assert "merged: none yet" in first.output
    device = json.loads(Path(f"{a_db}.device.json").read_text())["device"]
    assert (folder / f"{device}{SUFFIX}").is_file()
    dry = run("sync", str(folder), "--db", str(b_db), "--dry-run")
    assert (
        dry.exit_code == 0 and "would add 1 review" in dry.output and "dry run: nothing written" in dry.output
    )
    assert len(list(folder.glob(f"*{SUFFIX}"))) == 1
    assert not b_db.exists() and not Path(f"{b_db}.device.json").exists()  # a dry run writes nothing
    real = run("sync", str(folder), "--db", str(b_db))
    assert "added 1 review" in real.output and len(list(folder.glob(f"*{SUFFIX}"))) == 2
    with Store.open(b_db) as b:
        assert b.row("lora-mechanics").reps == 1
    missing = run("sync", str(tmp_path / "nope"), "--db", str(b_db))
    assert missing.exit_code == 2 and "is not a folder" in missing.output


def test_doctor_shows_the_last_sync_per_device(tmp_path: Path, pinned: None) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    db = tmp_path / "a.db"
    assert run("sync", str(folder), "--db", str(db)).exit_code == 0
    device = json.loads(Path(f"{db}.device.json").read_text())["device"]
    report = run("doctor", "--db", str(db))
    assert f"sync: {folder.resolve()} (1 device(s))" in report.output
    assert f"{device}: last synced 2026-03-02T09:00:00+00:00" in report.output
