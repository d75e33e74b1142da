"""The figure tallies (migration 9): whatever writes the log (ratings, undo, imports and their
roll-back, damage and its repair, edits by hand), the tallies equal the log counted afresh, and
`figures_summary` read from them equals the scan of the log in every time zone."""

from __future__ import annotations

import random
import sqlite3
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from interview_drill.app.rate import undo_last
from interview_drill.domain.figures.log import History, day_window, summarise
from interview_drill.domain.review import Rating, to_ms
from interview_drill.errors import StoreError
from interview_drill.storage import damage, merge, tallies
from interview_drill.storage.history import Store
from interview_drill.storage.migrations import LATEST, MIGRATIONS
from interview_drill.storage.transfer import import_history, read_history, write_history

from ..conftest import rate_as_user, run

NOW = datetime(2026, 3, 30, 2, 30, tzinfo=UTC)  # a day after Europe's clocks moved forward
ZONES = ["UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kathmandu"]
SLUGS = [f"card-{i}" for i in range(8)]
KINDS = ("scheduled", "scheduled", "mock", "cram")

# Values that make a review unusable for the figures (or move it between counted and not).
BAD = {
    "rating": [7, 0, None, "x"],
    "reviewed_at": ["x", -5, 1.7e12 + 0.5, None],
    "kind": ["cram", "other", None],
    "phase_before": [9, -1, "x"],
    "duration_ms": [-1, "long", 10**12],
}


def good(rng: random.Random, column: str, start: int, end: int) -> object:
    return {
        "rating": lambda: rng.randint(1, 4),
        "reviewed_at": lambda: rng.randint(start, end),
        "kind": lambda: rng.choice(KINDS),
        "phase_before": lambda: rng.randint(0, 3),
        "duration_ms": lambda: rng.choice([None, rng.randint(0, 60_000)]),
    }[column]()


def counted_afresh(conn: sqlite3.Connection) -> dict[str, tuple[int, int]]:
    """`review_counts` as it was before the tallies: a GROUP BY over the log."""
    from interview_drill.storage.history import _VALID_FIGURES

    return {
        slug: (n, again)
        for slug, n, again in conn.execute(
            "SELECT c.slug, count(*), sum(r.rating = 1) FROM reviews r JOIN cards c ON c.id = r.card_id "
            f"WHERE r.kind != 'cram' AND {_VALID_FIGURES} GROUP BY c.slug"
        )
    }


def unplaceable(conn: sqlite3.Connection) -> bool:
    """Whether a counted review has a time that is not an integer (the scan must answer then)."""
    return conn.execute("SELECT 1 FROM tally_slots WHERE slot = -1").fetchone() is not None


def assert_in_step(store: Store, now: datetime = NOW, rollovers: tuple[int, ...] = (0, 4)) -> None:
    conn = store.conn
    assert tallies.kept(conn) == tallies.fresh(conn)
    assert tallies.out_of_step(conn) == []
    assert store.review_counts() == counted_afresh(conn)
    for name in ZONES:
        for rollover in rollovers:
            window = day_window(store.first_review_ms(), now, rollover, ZoneInfo(name))
            read = tallies.counts(conn, window)
            assert (read is None) == unplaceable(conn), "the tallies answer unless they cannot"
            per_slug, days = store._scan_summary(window, None)
            summary = store.figures_summary(window)
            assert (summary.per_slug, summary.days) == (per_slug, days), (name, rollover)


def insert_raw(conn: sqlite3.Connection, rng: random.Random, start: int, end: int) -> None:
    """A review written by hand (another tool, the sqlite3 shell): sometimes damaged."""
    values = {c: good(rng, c, start, end) for c in BAD}
    if rng.random() < 0.3:
        column = rng.choice(list(BAD))
        values[column] = rng.choice(BAD[column])
    card = rng.choice([*range(1, len(SLUGS) + 1), 999, "7x", 2.5])  # no such card, not an id
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("PRAGMA ignore_check_constraints = 1")
    try:
        if values["rating"] is None or values["reviewed_at"] is None or values["kind"] is None:
            return  # NOT NULL columns: no tool can write these
        conn.execute(
            "INSERT INTO reviews (card_id, rating, reviewed_at, kind, phase_before, duration_ms) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (card, *values.values()),
        )
    finally:
        conn.execute("PRAGMA ignore_check_constraints = 0")
        conn.execute("PRAGMA foreign_keys = ON")


def edit_raw(conn: sqlite3.Connection, rng: random.Random, start: int, end: int) -> None:
    """Damage a review, repair one, or move one to another card, time or kind."""
    ids = [i for (i,) in conn.execute("SELECT id FROM reviews")]
    if not ids:
        return
    column = rng.choice([*BAD, "card_id", "answer"])
    if column == "card_id":
        value: object = rng.randint(1, len(SLUGS))
    elif column == "answer":  # a column the tallies do not read
        value = "typed"
    elif rng.random() < 0.5:
        value = rng.choice([v for v in BAD[column] if v is not None])
    else:
        value = good(rng, column, start, end)
    conn.execute("PRAGMA foreign_keys = OFF")  # a card id with no card (yet): it joins none
    conn.execute("PRAGMA ignore_check_constraints = 1")
    try:
        conn.execute(f"UPDATE reviews SET {column} = ? WHERE id = ?", (value, rng.choice(ids)))  # noqa: S608
    finally:
        conn.execute("PRAGMA ignore_check_constraints = 0")
        conn.execute("PRAGMA foreign_keys = ON")


def other_device(tmp_path: Path, rng: random.Random, start: int, step: int) -> Path:
    """A history file from another device: a few ratings, some of them the same as ours."""
    path = tmp_path / f"other-{step}.jsonl"
    with Store.memory() as other:
        at = start
        for _ in range(rng.randint(1, 12)):
            at += rng.randint(60_000, 3 * 86_400_000)
            rate_as_user(other, rng.choice(SLUGS), Rating(rng.randint(1, 4)),
                         datetime.fromtimestamp(at / 1000, UTC), kind=rng.choice(KINDS))  # fmt: skip
        write_history(other, path)
    return path


@pytest.mark.parametrize("seed", range(4))
def test_tallies_follow_every_writer_of_the_log(tmp_path, monkeypatch, seed):
    rng = random.Random(seed)
    start = to_ms(NOW - timedelta(days=120))
    end = to_ms(NOW + timedelta(days=2))  # a pinned clock's future reviews must not count
    db = tmp_path / "history.db"
    with Store.open(db) as store:
        conn = store.conn
        at = start
        for step in range(70):
            action = rng.choice(
                ["rate"] * 5 + ["undo", "insert", "edit", "edit", "delete", "import", "repair"]
            )
            if action == "rate":
                at += rng.randint(60_000, 2 * 86_400_000)
                when = datetime.fromtimestamp(min(at, end) / 1000, UTC)
                with suppress(StoreError):  # refused when an edit damaged the card's row
                    rate_as_user(
                        store, rng.choice(SLUGS), Rating(rng.randint(1, 4)), when, kind=rng.choice(KINDS)
                    )
            elif action == "undo":
                with suppress(StoreError):  # reviewed again since, or its saved state is damaged
                    undo_last(store)
            elif action == "insert":
                insert_raw(conn, rng, start, end)
            elif action == "edit":
                edit_raw(conn, rng, start, end)
            elif action == "delete":
                ids = [i for (i,) in conn.execute("SELECT id FROM reviews")]
                if ids:
                    conn.execute("DELETE FROM reviews WHERE id = ?", (rng.choice(ids),))
            elif action == "import":
                data = read_history(other_device(tmp_path, rng, start, step))
                if rng.random() < 0.3:  # killed half-way: rolled back
                    with monkeypatch.context() as m:
                        m.setattr(merge, "CHUNK", 2)
                        m.setattr(merge, "_close", lambda *a: (_ for _ in ()).throw(KeyboardInterrupt()))
                        with pytest.raises(KeyboardInterrupt):
                            import_history(store, data)
                else:
                    import_history(store, data)
            elif action == "repair":
                damage.repair(conn, db, NOW)
            now = NOW if step % 3 else datetime.fromtimestamp(at / 1000, UTC)  # or reviews after it
            assert_in_step(store, now, rollovers=((0, 4)[step % 2],))
        assert store.review_count() > 20


def test_a_summary_over_an_odd_offset_is_scanned(tmp_path):
    """Liberia kept -0:44:30 until 1972: those study days do not start on slot boundaries."""
    tz = ZoneInfo("Africa/Monrovia")
    now = datetime(1972, 6, 1, 12, tzinfo=UTC)
    rng = random.Random(3)
    with Store.memory() as store:
        at = datetime(1971, 11, 1, tzinfo=UTC)
        for _ in range(200):
            at += timedelta(minutes=rng.randint(1, 2000))
            rate_as_user(store, rng.choice(SLUGS), Rating(rng.randint(1, 4)), at, kind=rng.choice(KINDS))
        window = day_window(store.first_review_ms(), now, 4, tz)
        assert tallies.counts(store.conn, window) is None
        summary = store.figures_summary(window)
        reviews = store.conn.execute(
            "SELECT c.slug, r.rating, r.reviewed_at, r.phase_before FROM reviews r "
            "JOIN cards c ON c.id = r.card_id WHERE r.kind != 'cram'"
        ).fetchall()
        by_python = summarise(History(reviews), window)
        assert summary.per_slug == by_python.per_slug
        assert sorted(summary.days) == sorted(by_python.days)
        assert summary.per_slug and summary.days
        # The same log in a zone without odd offsets: read from the tallies.
        assert tallies.counts(store.conn, day_window(store.first_review_ms(), now, 4, UTC)) is not None


def test_a_review_added_before_the_window_sends_the_summary_to_the_scan():
    with Store.memory() as store:
        rate_as_user(store, "card-1", Rating.GOOD, NOW - timedelta(days=3))
        window = day_window(store.first_review_ms(), NOW, 4, UTC)
        rate_as_user(store, "card-2", Rating.AGAIN, NOW - timedelta(days=30))  # after the window was made
        assert tallies.counts(store.conn, window) is None
        per_slug, days = store._scan_summary(window, None)
        summary = store.figures_summary(window)
        assert (summary.per_slug, summary.days) == (per_slug, days)
        assert summary.per_slug == {"card-1": (1, 0), "card-2": (1, 1)}


def test_a_review_time_that_is_not_an_integer_sends_the_summary_to_the_scan():
    """A hand-edited time of 1.7e12 + 0.5 passes the row checks but lies in no slot."""
    with Store.memory() as store:
        for day in range(5):
            rate_as_user(store, SLUGS[day % 2], Rating(1 + day % 4), NOW - timedelta(days=day, hours=3))
        first = store.conn.execute("SELECT min(id) FROM reviews").fetchone()[0]
        store.conn.execute("UPDATE reviews SET reviewed_at = reviewed_at + 0.5 WHERE id = ?", (first,))
        assert unplaceable(store.conn)
        window = day_window(store.first_review_ms(), NOW, 4, ZoneInfo("Europe/Berlin"))
        assert tallies.counts(store.conn, window) is None
        assert_in_step(store)
        store.conn.execute(
            "UPDATE reviews SET reviewed_at = CAST(reviewed_at AS INTEGER) WHERE id = ?", (first,)
        )
        assert not unplaceable(store.conn)
        assert tallies.counts(store.conn, window) is not None
        assert_in_step(store)


def _v8_file(path: Path) -> None:
    """A history as version 8 wrote it, with a log that has damaged and cram rows."""
    conn = sqlite3.connect(path, isolation_level=None)
    for statements in MIGRATIONS[:8]:
        for statement in statements:
            conn.execute(statement)
    rng = random.Random(8)
    start = to_ms(NOW - timedelta(days=90))
    conn.executemany("INSERT INTO cards (id, slug) VALUES (?, ?)", list(enumerate(SLUGS, 1)))
    conn.execute("PRAGMA ignore_check_constraints = 1")
    for _ in range(600):
        insert_raw(conn, rng, start, to_ms(NOW))
    conn.execute("PRAGMA application_id = 0x49445249")
    conn.execute("PRAGMA user_version = 8")
    conn.close()


def test_migration_9_counts_an_existing_history(tmp_path):
    path = tmp_path / "history.db"
    _v8_file(path)
    with Store.open(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
        cards, slots = tallies.kept(store.conn)
        assert {c for c, *_ in cards} == {*range(1, len(SLUGS) + 1), 999}  # 999: a card id with no card
        assert sum(n for _, n, *_ in slots) > 300
        assert_in_step(store)
        indexes = {n for (n,) in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "reviews_figures_time" not in indexes and "reviews_traps" in indexes


@pytest.mark.parametrize(
    "breakage",
    [
        "DROP TRIGGER tally_insert",
        "UPDATE tally_cards SET n = n + 1 WHERE card_id = 1",
        "DELETE FROM tally_slots WHERE slot = (SELECT max(slot) FROM tally_slots)",
        "INSERT INTO tally_slots VALUES (5, 1, 0, 0, 0)",
        "DROP TABLE tally_slots",
        "DROP TABLE tally_cards",
    ],
)
def test_doctor_finds_tallies_out_of_step_and_repair_recounts_them(tmp_path, pinned, sample_args, breakage):
    db = tmp_path / "history.db"
    with Store.open(db) as store:
        for day in range(5):
            rate_as_user(store, "sample-lora-rank", Rating(1 + day % 4), NOW - timedelta(days=day))
    with Store.open(db) as store:
        window = day_window(store.first_review_ms(), NOW, 4, UTC)
        before = store.figures_summary(window)
    with sqlite3.connect(db) as conn:
        conn.execute(breakage)
    if breakage.startswith("DROP TABLE"):  # the figures come from the scan meanwhile
        with Store.open(db) as store:
            assert store.figures_summary(window) == before
    result = run(*sample_args, "--db", str(db), "doctor")
    assert result.exit_code != 0
    assert "FAIL  history: the figure tallies disagree with the log (" in result.output
    result = run(*sample_args, "--db", str(db), "doctor", "--repair")
    assert "ok    history: figure tallies recounted from the log (" in result.output
    with Store.open(db) as store:
        assert tallies.out_of_step(store.conn) == []
        rate_as_user(store, "sample-lora-alpha", Rating.AGAIN, NOW)  # the triggers work again
        assert_in_step(store)
    result = run(*sample_args, "--db", str(db), "doctor")
    assert "ok    history: figure tallies match the log" in result.output


def test_the_tallies_come_with_every_new_history():
    with Store.memory() as store:
        assert tallies.out_of_step(store.conn) == []
        rate_as_user(store, "card-1", Rating.AGAIN, NOW)
        assert tallies.kept(store.conn) == ({(1, 1, 1)}, {(to_ms(NOW) // 900_000, 1, 1, 0, 0)})
