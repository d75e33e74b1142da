"""The figures of `idrill stats` and `idrill report` for one workspace: the log aggregated by SQL.

Reads only what the figures need: the study days the log spans, then per-card and per-day counts
from `Store.figures_summary` (no review is materialised in Python) and each card's state now from
`Store.card_states` (no card row is), then `stats.compute`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from interview_drill.app.workspace import Workspace
from interview_drill.domain.cards import Card
from interview_drill.domain.figures import states, stats
from interview_drill.domain.figures.stats import Stats


def stats_for(
    ws: Workspace, cards: Sequence[Card], *, days: int, whole_history: bool, filters: dict[str, Any]
) -> Stats:
    """Every figure over `cards`; with `whole_history`, activity and streaks count every review."""
    now = ws.now()
    rollover = ws.settings.rollover_hour
    window = stats.day_window(ws.store.first_review_ms(), now, rollover, ws.tz)
    slugs = None if whole_history else {s for c in cards for s in (c.id, *c.aliases)}
    from dataclasses import replace

    from interview_drill.storage.checks import last_checks

    summary = replace(ws.store.figures_summary(window, slugs), checks=last_checks(ws.store))
    scheduler = ws.scheduler
    at = states.moment(now, rollover, ws.tz, scheduler.recall_terms, window)
    return stats.compute(
        cards,
        ws.store.card_states(at, scheduler.recall_at(now)),
        summary,
        scheduler,
        now,
        rollover_hour=rollover,
        tz=ws.tz,
        days=days,
        titles=ws.bank.topics,
        whole_history=whole_history,
        filters=filters,
    )
