"""Recording and undoing a rating: the one way a rating reaches the history.

Each call is one transaction: BEGIN IMMEDIATE (the write lock up front, so what is read inside is
current) → re-read the card's row → `domain.review.apply_rating` (the memory recomputed from the row
just read when the screen showed a state that has since changed) → write the row, the log entry and
the session's count → COMMIT. The drill, the mock interview, `idrill undo` and the tests all come
through here; the store only runs the SQL and the domain only decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

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


def rate_card(store: Store, scheduler: NextMemory, given: GivenRating) -> Applied:
    """Log a rating and apply it to the card's current state, committed before this returns.

    The outcome the screen showed is kept unless the card changed meanwhile (another session rated
    it): then the rating is applied to the current state, so a rating never lands on a stale one.
    """
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
    """Remove the newest review (of a session, if given) and restore the card exactly as before it.

    Refused (StoreError) when the card was reviewed again afterwards, e.g. in another session:
    restoring the old state would silently drop that later review's effect.
    """
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
