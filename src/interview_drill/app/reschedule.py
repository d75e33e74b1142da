"""`idrill reschedule`: apply changed settings (desired retention, parameters, maximum interval) to
the cards already scheduled, by replaying each card's reviews; one transaction, undoable as one step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from interview_drill.app.optimize import card_histories
from interview_drill.storage import reschedules

if TYPE_CHECKING:
    from interview_drill.app.workspace import Workspace
    from interview_drill.domain.cards import Card


def reschedule_cards(
    ws: Workspace, cards: Sequence[Card], on_progress: Callable[[int, int], None] | None = None
) -> int:
    """Replay the reviews (since each card was last new) of these cards under today's settings.

    New cards stay new. The moves are logged as one batch (kind `reschedule`) for `undo_reschedule`.
    Returns how many cards changed.
    """
    wanted = {c.id for c in cards}
    store = ws.store
    changed = 0
    with store.transaction():
        histories = {slug: h for slug, h in card_histories(store).items() if slug in wanted}
        batch = reschedules.next_batch(store)
        for done, (slug, segments) in enumerate(sorted(histories.items()), 1):
            card_id, row = store.read_for_update(slug)
            if card_id is not None and row is not None and row.memory is not None and segments:
                first = max(0, row.reps - len(segments[-1]))  # the drill seeds fuzz by review count
                memory = ws.scheduler.replay(segments[-1], slug, first)
                if memory is not None and memory != row.memory:
                    after = row.with_memory(memory)
                    store.upsert_row(card_id, after)
                    reschedules.record(
                        store, batch, reschedules.Moved(card_id, row, after), ws.now(), "reschedule"
                    )
                    changed += 1
            if on_progress is not None:
                on_progress(done, len(histories))
    return changed


@dataclass(frozen=True)
class Undone:
    restored: int
    kept: list[str]  # changed since (reviewed): their newer state was kept


def undo_reschedule(ws: Workspace) -> Undone | None:
    """Put back the states the last reschedule replaced (None: nothing to undo).

    A card changed since (reviewed) keeps its newer state: restoring would drop that review's effect.
    """
    store = ws.store
    with store.transaction():
        found = reschedules.newest_batch(store, "reschedule")
        if found is None:
            return None
        batch, moves = found
        kept = []
        for move in moves:
            _, current = store.read_for_update(move.after.slug)
            if current != move.after:
                kept.append(move.after.slug)
                continue
            store.upsert_row(move.card_id, move.before)
        reschedules.forget_batch(store, batch)
    return Undone(len(moves) - len(kept), kept)
