"""What a desired retention costs and buys (`idrill simulate`): a simulation on the FSRS engine itself.

For each desired retention, the user's cards are studied day by day for `days` days under a
Scheduler with that retention: due cards first, then new cards up to the daily limit. A review card
is recalled with the probability FSRS predicts at that moment (common random numbers: the same
draws for every retention, so the rows differ by the retention only); a recalled card gets Hard,
Good or Easy in the user's own proportions. Each review costs the user's **recorded** mean time
for that rating and state. Cards remembered = the sum of predicted recall at the end of each day, averaged over the days
(one day's figure swings: cards learned together come due together).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from interview_drill.domain.review import CardRow, Phase, Rating, Review
from interview_drill.domain.schedule import Scheduler
from interview_drill.domain.settings import Settings

RETENTIONS = (0.75, 0.80, 0.85, 0.90, 0.93, 0.95, 0.97)
RUNS = 2  # runs averaged per retention (each with its own draws, the same for every retention)
MIN_TIMED = 50  # reviews with a recorded time, at least
MIN_TIMED_LEARNED = 10  # of which reviews of learned (review-state) cards


@dataclass(frozen=True)
class Costs:
    """Mean seconds per review, from the user's history."""

    new: float  # a new card's first review
    learning: float  # a learning or relearning step
    review: Mapping[Rating, float]  # a learned card, per rating
    passes: Mapping[Rating, float]  # share of Hard, Good, Easy among the learned cards' passes
    timed: int  # reviews the figures come from


class TooLittleHistory(ValueError):
    """The history is too short to say what a retention costs."""

    def __init__(self, timed: int, learned: int):
        self.timed, self.learned = timed, learned
        super().__init__(f"{timed} timed reviews, {learned} of learned cards")


def costs_from(reviews: Sequence[Review]) -> Costs:
    """Mean recorded seconds per kind of review; TooLittleHistory below MIN_TIMED / MIN_TIMED_LEARNED."""
    timed = [r for r in reviews if r.duration_ms and r.kind != "cram"]
    learned = [r for r in timed if r.phase_before == Phase.REVIEW]
    if len(timed) < MIN_TIMED or len(learned) < MIN_TIMED_LEARNED:
        raise TooLittleHistory(len(timed), len(learned))

    def mean(rs: Sequence[Review], default: float) -> float:
        return sum((r.duration_ms or 0) for r in rs) / len(rs) / 1000 if rs else default

    overall = mean(learned, 0.0)
    per_rating = {rating: mean([r for r in learned if r.rating == rating], overall) for rating in Rating}
    passed = [r for r in learned if r.rating != Rating.AGAIN]
    shares = {
        rating: (
            sum(1 for r in passed if r.rating == rating) / len(passed)
            if passed
            else float(rating == Rating.GOOD)
        )
        for rating in (Rating.HARD, Rating.GOOD, Rating.EASY)
    }
    return Costs(
        new=mean([r for r in timed if r.phase_before == Phase.NEW], overall),
        learning=mean([r for r in timed if r.phase_before in (Phase.LEARNING, Phase.RELEARNING)], overall),
        review=per_rating,
        passes=shares,
        timed=len(timed),
    )


@dataclass(frozen=True)
class Outcome:
    retention: float
    minutes_per_day: float
    reviews_per_day: float
    remembered: float  # expected cards recalled at the end
    minutes_per_card: float  # total minutes per card remembered


def simulate(
    rows: Sequence[CardRow],
    settings: Settings,
    costs: Costs,
    now: datetime,
    *,
    days: int = 90,
    retentions: Sequence[float] = RETENTIONS,
    seed: int = 0,
    runs: int = RUNS,
) -> list[Outcome]:
    """One Outcome per retention (see the module docstring), the mean of `runs` runs; deterministic."""
    out = []
    for r in retentions:
        each = [
            _one(rows, replace(settings, desired_retention=r), costs, now, days, seed + k)
            for k in range(runs)
        ]
        minutes = sum(o.minutes_per_day for o in each) / runs
        remembered = sum(o.remembered for o in each) / runs
        out.append(
            Outcome(
                retention=r,
                minutes_per_day=minutes,
                reviews_per_day=sum(o.reviews_per_day for o in each) / runs,
                remembered=remembered,
                minutes_per_card=minutes * days / remembered if remembered else float("inf"),
            )
        )
    return out


def _one(
    rows: Sequence[CardRow], settings: Settings, costs: Costs, now: datetime, days: int, seed: int
) -> Outcome:
    scheduler = Scheduler(settings, fuzz=False)
    cards = {row.slug: row for row in rows}
    draws = {slug: random.Random(f"{seed}:{slug}") for slug in cards}  # common random numbers per card
    order = sorted(cards)
    seconds = 0.0
    reviews = 0
    recall_sum = 0.0
    for day in range(days):
        start = now + timedelta(days=day)
        end = start + timedelta(days=1)
        due = [s for s in order if (m := cards[s].memory) is not None and m.due < end]
        due = due[: settings.reviews_per_day]
        fresh = [s for s in order if cards[s].memory is None][: settings.new_per_day]
        for slug in due + fresh:
            row, rng = cards[slug], draws[slug]
            at = start
            first = True
            while True:
                m = row.memory
                if m is None:
                    rating, cost = Rating.GOOD, costs.new
                elif m.phase == Phase.REVIEW and first:
                    recalled = rng.random() < scheduler.retrievability(m, at)
                    rating = _pass(rng.random(), costs.passes) if recalled else Rating.AGAIN
                    cost = costs.review[rating]
                else:
                    rating, cost = Rating.GOOD, costs.learning
                memory = scheduler.next_memory(row, rating, at)
                row = row.with_memory(memory, reps=row.reps + 1)
                seconds += cost
                reviews += 1
                first = False
                if memory.phase == Phase.REVIEW or memory.due >= end:
                    break
                at = memory.due
            cards[slug] = row
        recall_sum += sum(scheduler.retrievability(row.memory, end) for row in cards.values())
    remembered = recall_sum / days
    minutes = seconds / 60
    return Outcome(
        retention=settings.desired_retention,
        minutes_per_day=minutes / days,
        reviews_per_day=reviews / days,
        remembered=remembered,
        minutes_per_card=minutes / remembered if remembered else float("inf"),
    )


def _pass(x: float, shares: Mapping[Rating, float]) -> Rating:
    acc = 0.0
    for rating in (Rating.HARD, Rating.GOOD, Rating.EASY):
        acc += shares.get(rating, 0.0)
        if x < acc:
            return rating
    return Rating.GOOD


def cheapest(outcomes: Sequence[Outcome]) -> Outcome:
    """The retention with the fewest minutes per card remembered."""
    return min(outcomes, key=lambda o: o.minutes_per_card)
