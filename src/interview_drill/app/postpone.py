"""`idrill postpone`: move due review cards to later days in one transaction, and undo that.

Only the due date changes; every move is logged (storage/reschedules.py) with the card's exact state
before, so `postpone --undo` restores the rows byte for byte, unless a card was reviewed since.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from interview_drill.domain.postpone import Move
from interview_drill.domain.review import CardRow
from interview_drill.errors import StoreError
from interview_drill.storage import reschedules
from interview_drill.storage.history import Store


def apply_moves(store: Store, moves: list[Move], at: datetime) -> int:
    """Move each card's due date; one transaction, one batch. Returns how many cards moved."""
    if not moves:
        return 0
    with store.transaction():
        batch = reschedules.next_batch(store)
        moved = 0
        for move in moves:
            card_id, row = store.read_for_update(move.slug)
            if card_id is None or row is None or row.memory is None:
                continue
            after = replace(row, memory=replace(row.memory, due=move.due))
            store.upsert_row(card_id, after)
            reschedules.record(store, batch, reschedules.Moved(card_id, row, after), at, "postpone")
            moved += 1
    return moved


def undo_newest(store: Store) -> list[CardRow] | None:
    """Restore the cards of the newest postpone; None when there is nothing to undo."""
    with store.transaction():
        found = reschedules.newest_batch(store, "postpone")  # `idrill reschedule` batches are undone apart
        if found is None:
            return None
        batch, moves = found
        for move in moves:
            _, current = store.read_for_update(move.after.slug)
            if current != move.after:
                raise StoreError(
                    f"cannot undo the postpone: {move.after.slug} was reviewed or changed since; "
                    "nothing was restored"
                )
        for move in moves:
            store.upsert_row(move.card_id, move.before)
        reschedules.forget_batch(store, batch)
    return [m.before for m in moves]
