"""An interview plan: every card in scope recalled on a known day. Pure pacing and advancing rules.

Plain FSRS keeps studied cards near the desired retention in the long run; a plan aims at one day:
- **new cards** in scope are paced so all are introduced by `INTRO_LEAD_DAYS` before the date
  (introduced, reviewed again a few days later, then the final pass);
- a studied card whose own due date falls after the interview, and whose predicted recall **on the
  day** (FSRS's forgetting curve, `Scheduler.retrievability`) is below the plan's target, is due
  instead on the last day its recall is still at the target;
- the day before, a **final pass** serves every card in scope predicted below target on the day.
After the date nothing is adjusted: the cards' own FSRS due dates were never changed.

`plan_queue` applies active plans to a queue `build_queue` made; `project` runs the same rules
forward (a learner who forgets as FSRS predicts) for the chart and the predicted recall.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from interview_drill.domain.cards import Card
from interview_drill.domain.filters import CardFilter
from interview_drill.domain.queue import Queue, QueueItem, build_queue, order_new
from interview_drill.domain.review import CardRow, Memory, Phase, Rating, row_for
from interview_drill.domain.schedule import Scheduler

INTRO_LEAD_DAYS = 3  # the last new card is introduced this many days before the interview
PROJECTION_RUNS = 5  # seeded runs averaged: the projection is the same every time it is asked
INTERVIEW_HOUR = 12  # "recall on the day" is predicted for local noon of the interview day


@dataclass(frozen=True)
class Plan:
    """A stored plan: the interview's date, its scope and the recall wanted on the day."""

    name: str
    day: date
    recall: float | None = None  # None: the desired retention
    target: str | None = None  # interview level: cards above it are out of scope
    scope: CardFilter = field(default_factory=CardFilter)
    created: datetime | None = None

    def covers(self, card: Card) -> bool:
        return self.scope.matches(card) and (
            self.target is None or CardFilter(max_level=self.target).matches(card)
        )

    def target_recall(self, desired_retention: float) -> float:
        return self.recall if self.recall is not None else desired_retention


@dataclass(frozen=True)
class ActivePlan:
    """A plan as it stands on one study day."""

    plan: Plan
    today: date
    on_day: datetime  # the moment recall is predicted for (local noon of the interview day)
    target: float

    @property
    def days_left(self) -> int:
        return (self.plan.day - self.today).days

    @property
    def adjusts(self) -> bool:
        """The queue follows the plan until the day before the interview (included)."""
        return self.days_left >= 1

    @property
    def final_pass(self) -> bool:
        return self.days_left == 1


def last_intro_day(today: date, day: date) -> date:
    """The last day on which new cards of a plan are introduced."""
    last = day - timedelta(days=INTRO_LEAD_DAYS)
    return last if last >= today else day - timedelta(days=1)


def new_quota(not_introduced: int, introduced_today: int, today: date, day: date) -> int:
    """How many of a plan's new cards today's session introduces, counting those already introduced today.

    What is left is spread evenly over the days up to `last_intro_day`; none on or after the date.
    """
    if today >= day:
        return 0
    days = (last_intro_day(today, day) - today).days + 1
    if days <= 0:
        return 0
    return max(0, math.ceil((not_introduced + introduced_today) / days) - introduced_today)


def days_at(memory: Memory, recall: float, scheduler: Scheduler) -> float:
    """How many days after its last review a card's predicted recall falls to `recall` (inverse curve)."""
    decay = -scheduler.parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    return float(memory.stability / factor * (recall ** (1 / decay) - 1))


def planned_due(memory: Memory, active: ActivePlan, scheduler: Scheduler) -> datetime | None:
    """The earlier due date a plan gives a studied card, or None when its own due date is fine.

    Only a review card whose own due date falls after the interview and whose recall on the day is
    predicted below target is moved: to the last whole day its recall is still at the target.
    """
    if memory.phase != Phase.REVIEW or memory.due < active.on_day:
        return None
    if scheduler.retrievability(memory, active.on_day) >= active.target:
        return None
    whole_days = max(1, math.floor(days_at(memory, active.target, scheduler)))
    return memory.last_review + timedelta(days=whole_days)


def plan_queue(
    queue: Queue,
    cards: Sequence[Card],
    rows: Mapping[str, CardRow],
    scheduler: Scheduler,
    now: datetime,
    *,
    day_end: datetime,
    plans: Sequence[ActivePlan],
    introduced_today: Iterable[str] = (),
    new_limit: int | None = None,
) -> Queue:
    """`queue` (built by `build_queue` over `cards`) with the active plans applied.

    Adds the cards a plan brings forward (and, the day before the interview, every card in scope
    predicted below target on the day) to the due cards, uncapped by the daily review limit; puts
    the plans' new cards first and serves as many as their pace needs, more than the daily new limit
    if need be. An explicit `new_limit` (a session's `--new`) still caps the new cards.
    """
    plans = [p for p in plans if p.adjusts]
    if not plans:
        return queue
    queued = {it.card.id for it in queue.due + queue.later}
    introduced = set(introduced_today)
    extra: dict[str, QueueItem] = {}
    planned_new: list[Card] = []
    for active in plans:
        scope = [c for c in cards if active.plan.covers(c)]
        fresh: list[tuple[int, Card, CardRow]] = []
        for order, card in enumerate(scope):
            row = row_for(card, rows)
            if row.held_back(now):
                continue
            m = row.memory
            if m is None:
                fresh.append((order, card, row))
                continue
            if card.id in queued or card.id in extra:
                continue
            due = planned_due(m, active, scheduler)
            if active.final_pass and scheduler.retrievability(m, active.on_day) < active.target:
                due = min(due or now, now)
            if due is not None and due < day_end and m.phase == Phase.REVIEW:
                extra[card.id] = QueueItem(
                    card, row, scheduler.retrievability(m, now), max(now - due, timedelta(0))
                )
        done_today = sum(1 for c in scope if c.id in introduced)
        need = new_quota(len(fresh), done_today, active.today, active.plan.day)
        if active.final_pass:
            need = len(fresh)
        chosen = {c.id for c in planned_new}
        planned_new += [c for c, _ in order_new(fresh) if c.id not in chosen][:need]
    items = queue.due + list(extra.values())
    items.sort(key=lambda it: (it.phase == Phase.REVIEW, it.retrievability, -it.overdue.total_seconds()))
    first = [QueueItem(c, row_for(c, rows), 0.0, timedelta(0)) for c in planned_new]
    ids = {it.card.id for it in first}
    new = first + [it for it in queue.new if it.card.id not in ids]
    cap = len(queue.new) if new_limit is not None else max(len(queue.new), len(first))
    return Queue(due=items, new=new[:cap], later=queue.later, next_due=queue.next_due)


# ---------------------------------------------------------------- looking ahead


@dataclass(frozen=True)
class DayLoad:
    day: date
    reviews: int  # ratings given that day (learning steps included)
    new: int  # cards introduced that day


@dataclass(frozen=True)
class Projection:
    """What following a plan leads to, against doing nothing, for the cards in its scope."""

    cards: int
    new: int  # cards in scope never studied
    target: float
    days: list[DayLoad]  # from today to the day before the interview
    recall_follow: float  # mean predicted recall on the day if the plan is followed (new cards: 0)
    recall_nothing: float  # the same if no card is reviewed again
    below_follow: int  # cards predicted below target on the day if the plan is followed
    below_nothing: int
    recall_now: dict[str, float]  # card id -> predicted recall on the day as things stand
    recall_planned: dict[str, float] = field(default_factory=dict)  # card id -> the same, following the plan
    overdue: int = 0  # cards in scope due before today began and not reviewed since

    @property
    def on_track(self) -> bool:
        """Nothing in scope left overdue, and following the plan from today reaches the target on average."""
        return self.overdue == 0 and self.recall_follow >= self.target

    def by_topic(self, cards: Sequence[Card]) -> dict[str, tuple[float, float]]:
        """topic -> (predicted recall on the day following the plan, doing nothing more)."""
        sums: dict[str, list[float]] = {}
        for c in cards:
            acc = sums.setdefault(c.topic, [0.0, 0.0, 0.0])
            acc[0] += self.recall_planned.get(c.id, 0.0)
            acc[1] += self.recall_now.get(c.id, 0.0)
            acc[2] += 1
        return {t: (a / n, b / n) for t, (a, b, n) in sums.items()}


def recall_on_day(
    rows: Mapping[str, CardRow], cards: Sequence[Card], scheduler: Scheduler, on_day: datetime
) -> dict[str, float]:
    """Each card's predicted recall on the day if it is not reviewed again (never studied: 0)."""
    return {c.id: scheduler.retrievability(row_for(c, rows).memory, on_day) for c in cards}


def project(
    active: ActivePlan,
    cards: Sequence[Card],
    rows: Mapping[str, CardRow],
    scheduler: Scheduler,
    now: datetime,
    *,
    day_bounds: Callable[[date], tuple[datetime, datetime]],
    new_today: int = 0,
    reviews_today: int = 0,
    introduced_today: Iterable[str] = (),
    runs: int = PROJECTION_RUNS,
) -> Projection:
    """Follow the plan day by day, as a learner FSRS predicts: the mean of `runs` seeded runs.

    `cards` is the plan's scope; `day_bounds(day)` is a study day's start and end (UTC). Today
    starts from `now`; every later day at the same time of day. A review card is forgotten (Again)
    with the probability FSRS gives it at that moment, else recalled (Good); learning steps are
    rated Good when due.
    """
    loads: dict[date, list[int]] = {}
    follows: list[dict[str, float]] = []
    for run in range(runs):
        days, follow = _one_run(
            active, cards, rows, scheduler, now, day_bounds, new_today, reviews_today,
            set(introduced_today), random.Random(run),
        )  # fmt: skip
        follows.append(follow)
        for load in days:
            totals = loads.setdefault(load.day, [0, 0])
            totals[0] += load.reviews
            totals[1] += load.new
    nothing = recall_on_day(rows, cards, scheduler, active.on_day)
    n = max(1, len(cards))
    runs = max(1, runs)
    return Projection(
        cards=len(cards),
        new=sum(1 for c in cards if row_for(c, rows).memory is None),
        target=active.target,
        days=[DayLoad(day, round(r / runs), round(k / runs)) for day, (r, k) in sorted(loads.items())],
        recall_follow=sum(sum(f.values()) for f in follows) / n / runs,
        recall_nothing=sum(nothing.values()) / n,
        below_follow=round(sum(sum(1 for r in f.values() if r < active.target) for f in follows) / runs),
        below_nothing=sum(1 for r in nothing.values() if r < active.target),
        recall_now=nothing,
        recall_planned={c.id: sum(f[c.id] for f in follows) / runs for c in cards},
        overdue=sum(
            1
            for c in cards
            if (m := row_for(c, rows).memory) is not None
            and not row_for(c, rows).suspended
            and m.due < day_bounds(active.today)[0]
        ),
    )


def _one_run(
    active: ActivePlan,
    cards: Sequence[Card],
    rows: Mapping[str, CardRow],
    scheduler: Scheduler,
    now: datetime,
    day_bounds: Callable[[date], tuple[datetime, datetime]],
    new_today: int,
    reviews_today: int,
    introduced: set[str],
    rng: random.Random,
) -> tuple[list[DayLoad], dict[str, float]]:
    sim: dict[str, CardRow] = {c.id: row_for(c, rows) for c in cards}
    loads: list[DayLoad] = []
    start_today = day_bounds(active.today)[0]
    day = active.today
    while day < active.plan.day:
        start, end = day_bounds(day)
        moment = now if day == active.today else min(start + (now - start_today), end - timedelta(minutes=1))
        here = ActivePlan(active.plan, day, active.on_day, active.target)
        first = day == active.today
        queue = build_queue(
            cards, sim, scheduler, moment, day_end=end,
            new_today=new_today if first else 0, reviews_today=reviews_today if first else 0,
        )  # fmt: skip
        queue = plan_queue(
            queue, cards, sim, scheduler, moment, day_end=end, plans=[here],
            introduced_today=introduced if first else (),
        )  # fmt: skip
        reviews = 0
        pending = [it.row for it in queue.items] + [it.row for it in queue.later]
        while pending:
            row = pending.pop(0)
            m = row.memory
            at = max(moment, m.due) if m and m.phase != Phase.REVIEW else moment
            if at >= end:
                continue
            rating = Rating.GOOD
            if m is not None and m.phase == Phase.REVIEW and rng.random() > scheduler.retrievability(m, at):
                rating = Rating.AGAIN
            memory = scheduler.next_memory(row, rating, at)
            row = row.with_memory(memory, reps=row.reps + 1)
            sim[row.slug] = row
            reviews += 1
            if memory.phase in (Phase.LEARNING, Phase.RELEARNING) and memory.due < end:
                pending.append(row)
        loads.append(DayLoad(day, reviews, len(queue.new)))
        day += timedelta(days=1)
    return loads, recall_on_day(sim, cards, scheduler, active.on_day)
