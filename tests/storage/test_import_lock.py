"""A large `history import` and a drill at the same time (issue 26, item 3).

The import merges in short transactions, so a rating given meanwhile gets the write lock between two
of them; the merge stays all or nothing (an error, Ctrl-C or a killed process leaves nothing of it);
and a rating that still finds the database locked waits and tries again instead of being dropped.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from interview_drill.app.rate import retrying
from interview_drill.domain.review import Rating
from interview_drill.errors import StoreError
from interview_drill.storage import merge
from interview_drill.storage.history import Store
from interview_drill.storage.transfer import HistoryData, import_history, parse_history

from ..conftest import rate_as_user

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
N = 2000


def big_history(n: int = N) -> HistoryData:
    """n reviews over 50 cards, a session, a card state: as `history export` writes them."""
    start = int((T0 - timedelta(days=400)).timestamp() * 1000)
    lines = [b'{"format":"idrill-history","version":1}']
    lines.append(json.dumps({"type": "session", "mode": "drill", "started_at": start, "ended_at": None,
                             "cards_done": 0}).encode())  # fmt: skip
    for i in range(n):
        lines.append(json.dumps({
            "type": "review", "slug": f"card-{i % 50}", "reviewed_at": start + i * 60_000, "rating": 3,
            "kind": "scheduled", "duration_ms": 1000, "phase_before": 2, "session": ["drill", start],
        }).encode())  # fmt: skip
    return parse_history(lines, "big.jsonl")


def table_dump(path: Path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return [row for t in ("cards", "reviews", "sessions", "number_answers", "imports", "import_created")
                for row in conn.execute(f"SELECT '{t}', * FROM {t} ORDER BY 2")]  # fmt: skip
    finally:
        conn.close()


@pytest.fixture
def two(tmp_path: Path):
    """Two connections to one file: the importer's, and a drill's that never waits at SQLite level."""
    path = tmp_path / "history.db"
    importer, drill = Store.open(path), Store.open(path)
    drill.conn.execute("PRAGMA busy_timeout = 0")  # a held lock shows at once as "database is locked"
    yield path, importer, drill
    importer.close()
    drill.close()


def test_a_rating_gets_the_lock_between_two_chunks_of_an_import(two, monkeypatch):
    path, importer, drill = two
    monkeypatch.setattr(merge, "CHUNK", 100)
    given: list[str] = []
    commit = merge._Tx.__exit__

    def commit_then_rate(self, kind, *rest):
        commit(self, kind, *rest)
        if kind is None and len(given) < 5:  # between two transactions of the import: not locked
            slug = f"mine-{len(given)}"
            rate_as_user(drill, slug, Rating.GOOD, T0, patience=0)  # patience 0: no retry, fails if locked
            given.append(slug)

    monkeypatch.setattr(merge._Tx, "__exit__", commit_then_rate)
    result = import_history(importer, big_history())
    assert result.reviews_added == N and result.sessions_added == 1
    assert len(given) == 5
    assert {r.slug for r in drill.reviews()} >= set(given)
    assert importer.review_count() == N + 5
    assert importer.conn.execute("SELECT count(*) FROM imports").fetchone() == (0,)


def test_the_import_holds_the_lock_only_a_chunk_at_a_time(two, monkeypatch):
    path, importer, drill = two
    monkeypatch.setattr(merge, "CHUNK", 100)
    transactions = []
    begin = merge._Tx.__enter__
    monkeypatch.setattr(merge._Tx, "__enter__", lambda self: transactions.append(1) or begin(self))
    import_history(importer, big_history())
    assert len(transactions) >= N // 100  # never all the reviews in one transaction


@pytest.mark.parametrize("error", [sqlite3.OperationalError("disk I/O error"), KeyboardInterrupt()])
def test_a_failure_half_way_leaves_nothing_of_the_import(two, monkeypatch, error):
    path, importer, drill = two
    rate_as_user(drill, "mine", Rating.GOOD, T0)
    before = table_dump(path)
    monkeypatch.setattr(merge, "CHUNK", 100)
    chunks = []
    values = merge._review_values

    def failing(*args):
        chunks.append(1)
        if len(chunks) == 750:  # in the middle of the 8th chunk
            raise error
        return values(*args)

    monkeypatch.setattr(merge, "_review_values", failing)
    with pytest.raises((StoreError, KeyboardInterrupt)):
        import_history(importer, big_history())
    assert table_dump(path) == before
    assert [r.slug for r in drill.reviews()] == ["mine"]


def test_an_import_killed_half_way_is_rolled_back_at_the_next_open(tmp_path, monkeypatch):
    path = tmp_path / "history.db"
    with Store.open(path) as store:
        rate_as_user(store, "mine", Rating.GOOD, T0)
    before = table_dump(path)
    monkeypatch.setattr(merge, "CHUNK", 100)
    monkeypatch.setattr(merge, "roll_back", lambda conn, import_id: None)  # the process dies: no clean-up
    monkeypatch.setattr(merge, "_close", lambda *a: (_ for _ in ()).throw(SystemExit(137)))
    store = Store.open(path)
    with pytest.raises(SystemExit):
        import_history(store, big_history())
    store.close()
    monkeypatch.undo()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == N + 1  # half-imported, for now
    with conn:
        conn.execute("UPDATE imports SET pid = 2147483646")  # its process is gone
    conn.close()
    with Store.open(path) as store:  # any read-write open rolls it back
        assert store.review_count() == 1
    assert table_dump(path) == before


def test_a_pending_import_of_a_live_process_is_left_alone(tmp_path):
    path = tmp_path / "history.db"
    with Store.open(path) as store:
        store.conn.execute("INSERT INTO imports (started_at, pid, host) VALUES (0, 1, ?)", (merge._host(),))
    with Store.open(path) as store:  # pid 1 is alive: that import is running, not abandoned
        assert store.conn.execute("SELECT count(*) FROM imports").fetchone() == (1,)


def test_a_rating_waits_while_another_writer_holds_the_lock(two):
    path, importer, drill = two
    locked = threading.Event()

    def long_write() -> None:  # e.g. another process writing for a while
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        locked.set()
        time.sleep(0.3)
        conn.execute("COMMIT")
        conn.close()

    writer = threading.Thread(target=long_write)
    writer.start()
    locked.wait()
    try:
        applied = rate_as_user(drill, "mine", Rating.GOOD, T0)  # busy_timeout 0: only the retry waits
    finally:
        writer.join()
    assert applied.after.memory is not None
    assert [r.slug for r in importer.reviews()] == ["mine"]


def test_retrying_gives_up_with_a_line_naming_the_file(tmp_path):
    store = Store.open(tmp_path / "h\nistory.db")
    slept: list[float] = []
    now = [0.0]

    def locked():
        raise sqlite3.OperationalError("database is locked")

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    with pytest.raises(StoreError) as info:
        retrying(locked, store, patience=10, sleep=sleep, clock=lambda: now[0])
    assert sum(slept) >= 10 and max(slept) <= 2.0
    assert str(info.value).startswith(f"{tmp_path}/h\\nistory.db: the history database is busy")
    store.close()


def test_retrying_passes_other_errors_on_at_once(tmp_path):
    store = Store.open(tmp_path / "h.db")

    def full():
        raise sqlite3.OperationalError("database or disk is full")

    with pytest.raises(StoreError, match="h.db: .*disk is full"):
        retrying(full, store, sleep=lambda s: pytest.fail("slept"))
    store.close()
