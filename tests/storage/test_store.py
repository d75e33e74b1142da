"""The history store: migrations, refusal of foreign files, committed ratings, exact undo.

Ratings and undo go through `app.rate`, as every session's do (`rate_as_user` in conftest).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from interview_drill.app.rate import undo_last
from interview_drill.domain.review import Phase, Rating
from interview_drill.domain.schedule import Scheduler
from interview_drill.errors import StoreError
from interview_drill.storage.history import Store
from interview_drill.storage.migrations import APPLICATION_ID, LATEST
from interview_drill.storage.opening import inspect_file

from ..conftest import DATA, rate_as_user

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
S = Scheduler(fuzz=False)


def rate(store: Store, slug: str, rating: Rating, now: datetime, kind: str = "scheduled", session_id=None):
    return rate_as_user(
        store,
        slug,
        rating,
        now,
        kind=kind,
        scheduler=S,
        content_hash="h",
        duration_ms=5000,
        session_id=session_id,
    )


def dump(path: Path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return [
            *conn.execute("SELECT * FROM cards ORDER BY id"),
            *conn.execute("SELECT * FROM reviews ORDER BY id"),
        ]
    finally:
        conn.close()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_file_gets_our_application_id_and_latest_schema(tmp_path):
    path = tmp_path / "h.db"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_rating_is_on_disk_before_rating_returns(tmp_path):
    path = tmp_path / "h.db"
    store = Store.open(path)
    rate(store, "x", Rating.GOOD, T0)
    other = sqlite3.connect(path)  # a second connection sees it at once: committed, not pending
    assert other.execute("SELECT count(*) FROM reviews").fetchone()[0] == 1
    assert other.execute("SELECT reps FROM cards WHERE slug='x'").fetchone()[0] == 1


def test_undo_restores_previous_rows_exactly(tmp_path):
    path = tmp_path / "h.db"
    store = Store.open(path)
    rate(store, "x", Rating.GOOD, T0)
    rate(store, "x", Rating.GOOD, T0 + timedelta(minutes=10))
    before = dump(path)
    rate(store, "x", Rating.AGAIN, T0 + timedelta(days=3))
    assert dump(path) != before
    undone = undo_last(store)
    assert (undone.slug, undone.rating) == ("x", Rating.AGAIN)
    assert dump(path) == before


def test_undo_of_a_first_review_forgets_the_card_row(tmp_path):
    path = tmp_path / "h.db"
    store = Store.open(path)
    before = dump(path)
    rate(store, "x", Rating.EASY, T0)
    undo_last(store)
    assert dump(path) == before
    assert undo_last(store) is None


def test_undo_works_after_a_restart(tmp_path):
    path = tmp_path / "h.db"
    with Store.open(path) as store:
        rate(store, "x", Rating.GOOD, T0)
        first = dump(path)
        rate(store, "x", Rating.HARD, T0 + timedelta(minutes=10))
    with Store.open(path) as store:
        assert undo_last(store).rating == Rating.HARD
    assert dump(path) == first


def test_cram_is_logged_but_changes_no_schedule(tmp_path):
    store = Store.open(tmp_path / "h.db")
    rate(store, "x", Rating.GOOD, T0)
    row = store.row("x")
    rate(store, "x", Rating.AGAIN, T0 + timedelta(hours=1), kind="cram")
    assert store.row("x") == row
    assert [r.kind for r in store.reviews(kinds=("scheduled", "cram", "mock"))] == ["scheduled", "cram"]
    assert [r.kind for r in store.reviews()] == ["scheduled"]


def test_lapses_count_again_on_review_cards_only(tmp_path):
    store = Store.open(tmp_path / "h.db")
    rate(store, "x", Rating.AGAIN, T0)  # learning: not a lapse
    now = T0
    for _ in range(3):
        now = store.row("x").memory.due
        rate(store, "x", Rating.GOOD, now)
    assert store.row("x").phase == Phase.REVIEW
    rate(store, "x", Rating.AGAIN, store.row("x").memory.due)
    assert (store.row("x").lapses, store.row("x").phase) == (1, Phase.RELEARNING)


def test_stale_expected_state_is_recomputed_inside_the_transaction(tmp_path):
    path = tmp_path / "h.db"
    a, b = Store.open(path), Store.open(path)
    seen_by_b = b.row("x")  # None: new, as b's session saw it
    rate(a, "x", Rating.GOOD, T0)
    now = T0 + timedelta(minutes=10)
    applied = rate_as_user(b, "x", Rating.GOOD, now, shown=seen_by_b, scheduler=S)
    assert applied.stale
    assert applied.before.reps == 1
    assert applied.after.memory == S.next_memory(a.row("x") and applied.before, Rating.GOOD, now)
    assert b.row("x").reps == 2


def test_suspend_reset_and_rename(tmp_path):
    store = Store.open(tmp_path / "h.db")
    rate(store, "old", Rating.GOOD, T0)
    assert store.set_suspended(["old", "fresh"], True) == ["old", "fresh"]
    assert store.set_suspended(["old"], True) == []
    assert store.rename({"old": "new"}) == [("old", "new")]
    assert store.row("old") is None and store.row("new").suspended
    assert store.reset("new") and store.row("new").memory is None
    assert len(store.reviews(slug="new")) == 1  # the log is kept


def test_migrates_v1_fixture_with_a_backup_beside_it(tmp_path):
    path = tmp_path / "history.db"
    shutil.copy(DATA / "history-v1.db", path)
    original = dump(path)
    when = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    store = Store.open(path, backup_clock=lambda: when)
    backup = tmp_path / "history.db.v1-20260501T120000Z.bak"
    assert backup.exists() and dump(backup) == original
    assert inspect_file(backup) == 1
    assert inspect_file(path) == LATEST
    assert store.row("lora-mechanics").reps == 2
    assert len(store.reviews()) == 2
    store.conn.execute("UPDATE reviews SET answer = 'typed' WHERE id = 1")  # the v2 column exists


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b"hello, not a database" * 10), "not an interview-drill history database"),
        (lambda p: _foreign(p), "another program"),
        (lambda p: _newer(p), "newer interview-drill"),
    ],
)
def test_foreign_newer_or_garbage_files_are_refused_untouched(tmp_path, make, message):
    path = tmp_path / "history.db"
    make(path)
    before = sha(path)
    with pytest.raises(StoreError, match=message):
        Store.open(path)
    with pytest.raises(StoreError, match=message):
        Store.open_readonly(path)
    assert sha(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.db"]


def _foreign(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x TEXT)")
    conn.commit()
    conn.close()


def _newer(path: Path) -> None:
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        Store.open(tmp_path / "nope" / "history.db")


def test_readonly_open_of_a_missing_file_creates_nothing(tmp_path):
    store = Store.open_readonly(tmp_path / "history.db")
    assert store.rows() == {}
    assert list(tmp_path.iterdir()) == []


def test_undo_takes_this_devices_latest_rating_never_an_imported_review(tmp_path):
    from interview_drill.storage.transfer import history_records, import_history, parse_history

    other = Store.open(tmp_path / "other.db")  # another machine: one review older, one newer than ours
    rate(other, "older", Rating.EASY, T0)
    rate(other, "newer", Rating.HARD, T0 + timedelta(days=5))
    lines = [json.dumps(r).encode() for r in history_records(other)]
    store = Store.open(tmp_path / "h.db")
    rate(store, "mine", Rating.GOOD, T0 + timedelta(days=2))
    rate(store, "mine-earlier-clock", Rating.AGAIN, T0 + timedelta(days=1))  # given last, clock behind
    import_history(store, parse_history(lines, "other.jsonl"))
    assert undo_last(store).slug == "mine-earlier-clock"  # by insertion, not by time
    assert undo_last(store).slug == "mine"
    assert undo_last(store) is None  # only imported reviews are left, and they stay
    assert store.review_count() == 2


def test_undo_is_refused_when_another_session_reviewed_the_card_since(tmp_path):
    path = tmp_path / "h.db"
    a, b = Store.open(path), Store.open(path)
    sa, sb = a.start_session("drill", T0), b.start_session("drill", T0)
    rate(a, "x", Rating.GOOD, T0, session_id=sa)
    rate(b, "x", Rating.AGAIN, T0 + timedelta(minutes=10), session_id=sb)
    before = dump(path)
    with pytest.raises(StoreError, match="reviewed again since"):
        undo_last(a, sa)
    assert dump(path) == before
    assert undo_last(b, sb).rating == Rating.AGAIN  # the later one can be undone


def test_undo_of_a_cram_review_leaves_the_schedule_alone(tmp_path):
    store = Store.open(tmp_path / "h.db")
    rate(store, "x", Rating.GOOD, T0)
    row = store.row("x")
    rate(store, "x", Rating.AGAIN, T0 + timedelta(hours=1), kind="cram")
    assert undo_last(store).kind == "cram"
    assert store.row("x") == row


def test_rename_moves_history_over_a_flags_only_row(tmp_path):
    store = Store.open(tmp_path / "h.db")
    rate(store, "old", Rating.GOOD, T0)
    store.set_suspended(["new"], True)  # e.g. `idrill suspend new` before the history moved
    assert store.rename({"old": "new"}) == [("old", "new")]
    row = store.row("new")
    assert row.reps == 1 and row.suspended and store.row("old") is None
    assert len(store.reviews(slug="new")) == 1


def test_rename_leaves_two_histories_alone(tmp_path):
    store = Store.open(tmp_path / "h.db")
    rate(store, "old", Rating.GOOD, T0)
    rate(store, "new", Rating.GOOD, T0)
    assert store.rename({"old": "new"}) == []


def test_only_an_open_for_writing_checks_every_page_first(tmp_path):
    """A write must never build on a damaged page: `Store.open` checks every page. A command that only
    reads skips that check (~45 ms over 100,000 reviews); the damage shows when it reads the page."""
    from ..test_faults import corrupted_page

    path = tmp_path / "history.db"
    corrupted_page(path)
    before = sha(path)
    with pytest.raises(StoreError, match="damaged"):
        Store.open(path)
    store = Store.open_readonly(path)  # no page check: it opens
    try:  # the damage is still there for a reader that reads it (the CLI reports it: test_faults.py)
        with pytest.raises(sqlite3.DatabaseError, match="malformed"):  # the page, checked as it is read
            store.conn.execute("PRAGMA quick_check").fetchone()
    finally:
        store.close()
    assert sha(path) == before


def test_the_integrity_check_lists_a_damaged_page_instead_of_stopping_at_it(tmp_path):
    from ..test_faults import corrupted_page

    path = tmp_path / "history.db"
    corrupted_page(path)
    with Store.open_readonly(path) as store:
        found = store.integrity()
        assert any("out of range" in line for line in found), found
        assert store.conn.execute("PRAGMA cell_size_check").fetchone() == (1,)  # on again after it


def _open_at_once(path: str, ready, errors) -> None:  # a forked process of the test below
    ready.wait()
    try:
        Store.open(Path(path)).close()
    except Exception as exc:  # reported to the test, which fails on any
        errors.put(repr(exc))


def test_two_processes_creating_one_history_at_once_both_get_it(tmp_path):
    """Both switch the new file to WAL; SQLite answers the second "locked" at once, without waiting
    (`opening._switch_to_wal` waits it out): two sessions started together must both start."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    for i in range(12):  # the race was lost about one time in eight
        path = tmp_path / f"history-{i}.db"
        ready, errors = ctx.Barrier(2), ctx.Queue()
        procs = [ctx.Process(target=_open_at_once, args=(str(path), ready, errors)) for _ in range(2)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(30)
        assert [p.exitcode for p in procs] == [0, 0]
        assert errors.empty(), errors.get()
        with Store.open(path) as store:
            assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert store.conn.execute("PRAGMA user_version").fetchone()[0] == LATEST


def test_every_connection_checks_the_pages_it_reads(tmp_path, monkeypatch: pytest.MonkeyPatch):
    """A damaged cell pointer past its page is an error when the page is read, whatever memory lies
    beyond the page (SQLite masks such a pointer otherwise, and what it then reads decided whether a
    read-only command noticed the damage: tests/test_faults.py's corrupted page, ~1 run in 4)."""
    path = tmp_path / "history.db"
    with Store.open(path) as store:
        rate_as_user(store, "a-card", Rating.GOOD, T0)
        assert store.conn.execute("PRAGMA cell_size_check").fetchone() == (1,)
    with Store.open_readonly(path) as store:
        assert store.conn.execute("PRAGMA cell_size_check").fetchone() == (1,)
    checked: list[str] = []  # the file's own check before writing opens a connection of its own
    real = sqlite3.connect

    def connect(*args: object, **kwargs: object) -> sqlite3.Connection:
        conn = real(*args, **kwargs)  # type: ignore[arg-type]
        conn.set_trace_callback(checked.append)
        return conn

    monkeypatch.setattr(sqlite3, "connect", connect)
    inspect_file(path, before_writing=True)
    assert checked[0] == "PRAGMA cell_size_check = ON"
