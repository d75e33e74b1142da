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

    New cards stay new. The states replaced are kept for `undo_reschedule`. Returns how many changed.
    """
    wanted = {c.id for c in cards}
    before = []
    store = ws.store
    with store.transaction():
        histories = {slug: h for slug, h in card_histories(store).items() if slug in wanted}
        for done, (slug, segments) in enumerate(sorted(histories.items()), 1):
            card_id, row = store.read_for_update(slug)
            if row is not None and row.memory is not None and segments:
                memory = ws.scheduler.replay(segments[-1])
                if memory is not None and memory != row.memory:
                    store.upsert_row(card_id, row.with_memory(memory))
                    before.append(row)
            if on_progress is not None:
                on_progress(done, len(histories))
        if before:
            reschedules.record(store, ws.now(), before)
    return len(before)


@dataclass(frozen=True)
class Undone:
    restored: int
    kept: list[str]  # reviewed since the reschedule: their newer state was kept


def undo_reschedule(ws: Workspace) -> Undone | None:
    """Put back the states the last reschedule replaced (None: nothing to undo).

    A card reviewed since keeps its newer state: restoring would drop that review's effect.
    """
    store = ws.store
    with store.transaction():
        last = reschedules.latest(store)
        if last is None:
            return None
        rid, at, rows = last
        kept = []
        restored = 0
        for old in rows:
            if reschedules.reviewed_since(store, old.slug, at):
                kept.append(old.slug)
                continue
            card_id, _ = store.read_for_update(old.slug)
            store.upsert_row(card_id, old)
            restored += 1
        reschedules.forget(store, rid)
    return Undone(restored, kept)
