"""`idrill simulate`: what each desired retention would cost you and buy you, from your own timings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from interview_drill.domain.review import row_for
from interview_drill.domain.simulate import (
    MIN_TIMED,
    MIN_TIMED_LEARNED,
    Costs,
    Outcome,
    TooLittleHistory,
    costs_from,
    simulate,
)
from interview_drill.errors import UsageError

if TYPE_CHECKING:
    from interview_drill.app.workspace import Workspace
    from interview_drill.domain.cards import Card


def simulate_retentions(ws: Workspace, cards: Sequence[Card], days: int) -> tuple[Costs, list[Outcome]]:
    """Costs from the whole history; the simulation over `cards` (suspended ones left out)."""
    try:
        costs = costs_from(ws.store.reviews(kinds=("scheduled", "mock")))
    except TooLittleHistory as short:
        raise UsageError(
            f"not enough history to say: {short.timed} reviews with a recorded time, {short.learned} of them "
            f"of learned cards; the simulation needs at least {MIN_TIMED}, {MIN_TIMED_LEARNED} of learned "
            "cards, to know what a review costs you. Keep drilling and try again"
        ) from None
    rows = ws.rows()
    deck = [r for c in cards if not (r := row_for(c, rows)).suspended]
    return costs, simulate(deck, ws.settings, costs, ws.now(), days=days)
