"""`idrill list` as a card browser: each card's state, due date and recall now; filter and sort. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from interview_drill.domain.cards import Card
from interview_drill.domain.review import CardRow, row_for
from interview_drill.domain.schedule import Scheduler

STATES = ("new", "learning", "review", "relearning", "suspended")
SORTS = ("due", "recall", "lapses", "stability")


@dataclass(frozen=True)
class Entry:
    card: Card
    row: CardRow
    recall: float | None  # None: never studied

    @property
    def state(self) -> str:
        return "suspended" if self.row.suspended else self.row.phase.label

    @property
    def due(self) -> datetime | None:
        return self.row.memory.due if self.row.memory else None


def browse(
    cards: Iterable[Card],
    rows: Mapping[str, CardRow],
    scheduler: Scheduler,
    now: datetime,
    *,
    day_end: datetime,
    states: Sequence[str] = (),
    due_only: bool = False,
    sort: str | None = None,
) -> list[Entry]:
    """Cards with their state, filtered by state and by "due today" (before `day_end`), sorted.

    Sorts: due (soonest first), recall (lowest first), lapses (most first), stability (lowest
    first); cards without the figure (never studied) come last. Without a sort, bank order.
    """
    out = []
    for card in cards:
        row = row_for(card, rows)
        entry = Entry(card, row, scheduler.retrievability(row.memory, now) if row.memory else None)
        if states and entry.state not in states:
            continue
        if due_only and (entry.due is None or entry.due >= day_end or row.suspended):
            continue
        out.append(entry)
    if sort == "due":
        out.sort(key=lambda e: (e.due is None, e.due or now))
    elif sort == "recall":
        out.sort(key=lambda e: (e.recall is None, e.recall or 0.0))
    elif sort == "lapses":
        out.sort(key=lambda e: -e.row.lapses)
    elif sort == "stability":
        out.sort(key=lambda e: (e.row.memory is None, e.row.memory.stability if e.row.memory else 0.0))
    return out
