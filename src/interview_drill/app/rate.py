"""Recording and undoing a rating: the one way a rating reaches the history.

Each call is one transaction: BEGIN IMMEDIATE (the write lock up front, so what is read inside is
current) → re-read the card's row → `domain.review.apply_rating` (the memory recomputed from the row
just read when the screen showed a state that has since changed) → write the row, the log entry and
the session's count → COMMIT. The drill, the mock interview, `idrill undo` and the tests all come
through here; the store only runs the SQL and the domain only decides.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol, TypeVar

from interview_drill.domain.review import (
    CardRow,
    GivenRating,
    Memory,
    Rating,
    apply_rating,
    is_stale,
    kept_outcome,
    restored_row,
)
from interview_drill.errors import StoreError
from interview_drill.storage.history import Store
from interview_drill.storage.opening import explain

T = TypeVar("T")


class NextMemory(Protocol):
    """What rating needs of the scheduler (`domain.schedule.Scheduler` is one)."""

    def next_memory(self, row: CardRow, rating: Rating, now: datetime) -> Memory: ...


@dataclass(frozen=True)
class Applied:
    """What a rating wrote."""

    review_id: int
    before: CardRow
    after: CardRow
    stale: bool  # the card had changed (another session); the outcome was recomputed


@dataclass(frozen=True)
class Undone:
    slug: str
    rating: Rating
    kind: str
    restored: CardRow
    reviewed_at: datetime | None = None


PATIENCE_S = 300.0  # how long a rating waits for the write lock (on top of SQLite's busy timeout)


def _busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc)
    return "locked" in text or "busy" in text


def retrying(
    work: Callable[[], T],
    store: Store,
    *,
    patience: float = PATIENCE_S,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """`work()` (one transaction), tried again while the database stays locked by another writer
    (e.g. a long `history import`), for up to `patience` seconds: a rating given is never dropped
    because someone else held the lock. Still locked after that: a StoreError naming the file."""
    deadline = clock() + patience
    pause = 0.05
    while True:
        try:
            return work()
        except sqlite3.OperationalError as exc:
            if not _busy(exc) or clock() >= deadline:
                raise StoreError(*explain(store.path or Path(":memory:"), exc)) from None
        sleep(pause)
        pause = min(pause * 2, 2.0)


def rate_card(
    store: Store, scheduler: NextMemory, given: GivenRating, *, patience: float = PATIENCE_S
) -> Applied:
    """Log a rating and apply it to the card's current state, committed before this returns.

    The outcome the screen showed is kept unless the card changed meanwhile (another session rated
    it): then the rating is applied to the current state, so a rating never lands on a stale one.
    While another process holds the write lock, the rating waits and tries again (`retrying`).
    """
    return retrying(lambda: _rate_card(store, scheduler, given), store, patience=patience)


def _rate_card(store: Store, scheduler: NextMemory, given: GivenRating) -> Applied:
    with store.transaction():
        card_id, known = store.read_for_update(given.slug)
        before = known or CardRow(given.slug)
        memory = None
        if given.changes_schedule:
            memory = kept_outcome(given, before) or scheduler.next_memory(before, given.rating, given.at)
        after, entry = apply_rating(known, given, memory)
        if card_id is None or after != before:
            card_id = store.upsert_row(card_id, after)
        review_id = store.add_review(card_id, entry)
        if given.session_id is not None:
            store.count_in_session(given.session_id, +1)
    return Applied(review_id, before, after, is_stale(given, before))


def undo_last(store: Store, session_id: int | None = None) -> Undone | None:
    """Remove the newest rating given here (of a session, if given) and restore the card exactly as
    before it; waits for the write lock like `rate_card`.

    Refused (StoreError) when the card was reviewed again afterwards, e.g. in another session:
    restoring the old state would silently drop that later review's effect.
    """
    return retrying(lambda: _undo_last(store, session_id), store)


def _undo_last(store: Store, session_id: int | None) -> Undone | None:
    with store.transaction():
        logged = store.latest_review(session_id)
        if logged is None:
            return None
        entry = logged.entry
        if entry.kind != "cram" and store.scheduled_since(logged):
            raise StoreError(
                f"cannot undo {entry.rating.label} on {entry.slug}: the card was reviewed again since "
                "(in another session); undoing would lose that review"
            )
        store.delete_review(logged.review_id)
        if entry.session_id is not None:
            store.count_in_session(entry.session_id, -1)
        current = store.read_for_update(entry.slug)[1]
        restored = restored_row(entry, current, store.has_reviews(logged.card_id))
        if restored is None:
            store.delete_card(logged.card_id)
        elif restored != current:
            store.upsert_row(logged.card_id, restored)
    return Undone(entry.slug, entry.rating, entry.kind, restored or CardRow(entry.slug), entry.reviewed_at)
