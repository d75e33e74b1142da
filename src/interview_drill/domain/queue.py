"""Today's queue: which cards a session serves and in what order.

Due cards first (learning steps due now, then review cards due before the study day ends, lowest
recall first, capped by the daily review limit), then new cards up to the new limit (most common
first, topics taking turns), which the review limit caps too unless `new_cards_ignore_review_limit`
(as Anki). Learning cards due later today wait in `later`: a session serves each when its step is
due, and learns ahead (LEARN_AHEAD) when nothing else is left. A learning step of a day or more is
due for its whole study day, like a review. Also the cram order and a single card as a queue item
(mock interviews). Pure: recall comes from the Scheduler.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from interview_drill.domain.cards import FREQUENCIES, Card, seniority_rank
from interview_drill.domain.review import CardRow, Phase, row_for
from interview_drill.domain.schedule import Scheduler

LEARN_AHEAD = timedelta(minutes=20)  # like Anki: a learning card due this soon may be shown early


@dataclass(frozen=True)
class QueueItem:
    card: Card
    row: CardRow
    retrievability: float
    overdue: timedelta  # how late the card is (zero for new cards)

    @property
    def phase(self) -> Phase:
        return self.row.phase

    @property
    def edited(self) -> bool:
        """The card's text changed since it was last reviewed."""
        return bool(
            self.row.memory and self.row.content_hash and self.row.content_hash != self.card.content_hash
        )


@dataclass(frozen=True)
class Queue:
    due: list[QueueItem]
    new: list[QueueItem]
    later: list[QueueItem]  # learning cards due later today (served when due, within a session)
    next_due: datetime | None  # the earliest future due time among the filtered cards
    now: datetime | None = None

    @property
    def items(self) -> list[QueueItem]:
        return self.due + self.new

    @property
    def ahead(self) -> list[QueueItem]:
        """Learning cards a session would serve early now (nothing else due): within LEARN_AHEAD."""
        if self.now is None or self.items:
            return []
        now = self.now
        return [it for it in self.later if it.row.memory and it.row.memory.due - now <= LEARN_AHEAD]


def build_queue(
    cards: Iterable[Card],
    rows: dict[str, CardRow],
    scheduler: Scheduler,
    now: datetime,
    *,
    day_end: datetime,
    new_today: int = 0,
    reviews_today: int = 0,
    new_limit: int | None = None,
) -> Queue:
    """Today's queue over already-filtered cards.

    Due: learning cards due now, then review cards due before the day ends, lowest recall first,
    capped by the review limit. New: up to the new limit (minus those introduced today), most common
    first, topics interleaved, lower seniority first within a topic.
    """
    settings = scheduler.settings
    due: list[QueueItem] = []
    later: list[QueueItem] = []
    fresh: list[tuple[int, Card, CardRow]] = []
    next_due: datetime | None = None
    for order, card in enumerate(cards):
        row = row_for(card, rows)
        if row.held_back(now):
            continue
        m = row.memory
        if m is None:
            fresh.append((order, card, row))
            continue
        learning = m.phase in (Phase.LEARNING, Phase.RELEARNING)
        interday = m.due - m.last_review >= timedelta(days=1)  # a step of a day or more: due all day
        is_due = m.due <= now if learning and not interday else m.due < day_end
        if is_due:
            due.append(QueueItem(card, row, scheduler.retrievability(m, now), max(now - m.due, timedelta(0))))
        else:
            if learning and m.due < day_end:
                later.append(QueueItem(card, row, scheduler.retrievability(m, now), timedelta(0)))
            if next_due is None or m.due < next_due:
                next_due = m.due
    due.sort(key=lambda it: (it.phase == Phase.REVIEW, it.retrievability, -it.overdue.total_seconds()))
    # The daily review limit caps review-state cards: learning steps due now are always served.
    review_left = max(0, settings.reviews_per_day - reviews_today)
    reviews = [it for it in due if it.phase == Phase.REVIEW][:review_left]
    due = [it for it in due if it.phase != Phase.REVIEW] + reviews
    later.sort(key=lambda it: it.row.memory.due if it.row.memory else now)
    new_left = max(0, new_limit) if new_limit is not None else max(0, settings.new_per_day - new_today)
    if not settings.new_cards_ignore_review_limit and new_limit is None:
        # As Anki: new cards count against the review limit too, so a backlog stops them.
        new_left = min(new_left, max(0, review_left - len(reviews) - new_today))
    new = [QueueItem(c, r, 0.0, timedelta(0)) for c, r in order_new(fresh)[:new_left]]
    return Queue(due=due, new=new, later=later, next_due=next_due, now=now)


def order_new(fresh: list[tuple[int, Card, CardRow]]) -> list[tuple[Card, CardRow]]:
    """Very-common before occasional; within a frequency, topics take turns; lower seniority first."""
    out: list[tuple[Card, CardRow]] = []
    for freq in FREQUENCIES:
        by_topic: dict[str, list[tuple[int, Card, CardRow]]] = defaultdict(list)
        for item in fresh:
            if item[1].frequency == freq:
                by_topic[item[1].topic].append(item)
        lanes = [
            sorted(v, key=lambda it: (seniority_rank(it[1].seniority), it[0])) for v in by_topic.values()
        ]
        for i in range(max((len(lane) for lane in lanes), default=0)):
            out += [(lane[i][1], lane[i][2]) for lane in lanes if i < len(lane)]
    return out


def cram_items(items: list[QueueItem]) -> list[QueueItem]:
    """Cram order: weakest first (lowest recall), never-studied cards after studied ones."""
    return sorted(items, key=lambda it: (it.row.memory is None, it.retrievability))


def as_item(card: Card, row: CardRow, scheduler: Scheduler, now: datetime) -> QueueItem:
    """One card as a queue item, outside the daily queue (mock interviews, a single card)."""
    overdue = max(now - row.memory.due, timedelta(0)) if row.memory else timedelta(0)
    return QueueItem(card, row, scheduler.retrievability(row.memory, now), overdue)
