"""One card's memory and history, as Anki's card info shows it (`idrill card ID`). Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from interview_drill.domain.review import CardRow, LogEntry, Memory, Phase, Rating
from interview_drill.domain.schedule import Scheduler


@dataclass(frozen=True)
class LogLine:
    at: datetime
    kind: str  # scheduled, cram or mock
    rating: Rating
    phase_before: Phase
    interval: timedelta | None  # from this review to the due date it gave (None: cram, or unknown)
    duration_ms: int | None
    answer: str | None


@dataclass(frozen=True)
class CardInfo:
    row: CardRow
    recall_now: float | None  # None: never studied
    log: list[LogLine]

    @property
    def memory(self) -> Memory | None:
        return self.row.memory


def card_info(row: CardRow, log: Sequence[LogEntry], scheduler: Scheduler, now: datetime) -> CardInfo:
    """The card's state now and each review with the interval it gave.

    The state a review led to is the state logged before the card's next scheduled review (or the
    card's current state for the last one): what the history holds, not a replay.
    """
    scheduled = [i for i, e in enumerate(log) if e.kind != "cram"]
    after: dict[int, Memory | None] = {}
    for pos, i in enumerate(scheduled):
        if pos + 1 < len(scheduled):
            nxt = log[scheduled[pos + 1]].before
            after[i] = nxt.memory if nxt is not None else None
        else:
            after[i] = row.memory
    lines = []
    for i, e in enumerate(log):
        memory = after.get(i)
        interval = memory.due - e.reviewed_at if memory is not None else None
        lines.append(
            LogLine(e.reviewed_at, e.kind, e.rating, e.phase_before, interval, e.duration_ms, e.answer)
        )
    recall = scheduler.retrievability(row.memory, now) if row.memory is not None else None
    return CardInfo(row, recall, lines)
