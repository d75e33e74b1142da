"""Figures computed from the history and the bank: streaks, retention, per-topic weakness, readiness.

Pure functions over plain data: the log comes from `Store.figures_log` / `Store.review_counts`
(the app layer builds a `History` from them); `render/` turns the figures into files and terminal
output.

Only scheduled and mock reviews count in any figure here: cram practice changes no schedule and
would flatter the numbers.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from interview_drill.domain.cards import SENIORITIES, Card
from interview_drill.domain.clock import day_start, study_day
from interview_drill.domain.review import CardRow, Phase, Rating, from_ms, row_for, to_ms

if TYPE_CHECKING:
    from interview_drill.domain.schedule import Scheduler

# ---------------------------------------------------------------- streaks (used by the drill summary)


def study_days(review_ms: Iterable[int], rollover_hour: int, tz: tzinfo | None) -> set[date]:
    return {study_day(from_ms(ms), rollover_hour, tz) for ms in review_ms}


def streaks(days: set[date], today: date) -> tuple[int, int]:
    """(current, longest) runs of consecutive study days. Today not yet drilled keeps yesterday's run alive."""
    longest = run = 0
    prev: date | None = None
    for day in sorted(days):
        run = run + 1 if prev is not None and day - prev == timedelta(days=1) else 1
        longest = max(longest, run)
        prev = day
    current = 0
    cursor = today if today in days else today - timedelta(days=1)
    while cursor in days:
        current += 1
        cursor -= timedelta(days=1)
    return current, longest


def current_streak(review_ms: Iterable[int], now: datetime, rollover_hour: int, tz: tzinfo | None) -> int:
    days = study_days(review_ms, rollover_hour, tz)
    return streaks(days, study_day(now, rollover_hour, tz))[0]


# ---------------------------------------------------------------- weakness

WEIGHTS = {"recall": 0.5, "again": 0.3, "lapses": 0.2}
REASONS = {"recall": "low recall", "again": "high Again rate", "lapses": "many lapses"}
WEAKNESS_FORMULA = (
    "weakness = 0.5 × (1 − mean recall) + 0.3 × Again rate + 0.2 × min(1, lapses per studied card)"
)


@dataclass(frozen=True)
class Weakness:
    """A weakness score in [0, 1] (higher is weaker) and the term that contributes most to it."""

    score: float
    reason: str  # "recall", "again" or "lapses": a key of REASONS
    terms: tuple[tuple[str, float], ...] = ()

    @property
    def label(self) -> str:
        return REASONS[self.reason]


def weakness(mean_recall: float, again_rate: float, lapses_per_card: float) -> Weakness:
    """The weakness formula (see WEAKNESS_FORMULA); the reason is its largest weighted term."""
    terms = (
        ("recall", WEIGHTS["recall"] * (1.0 - mean_recall)),
        ("again", WEIGHTS["again"] * again_rate),
        ("lapses", WEIGHTS["lapses"] * min(1.0, lapses_per_card)),
    )
    reason = max(terms, key=lambda t: t[1])[0]  # ties go to the first: recall, then Again rate
    return Weakness(sum(v for _, v in terms), reason, terms)


# ---------------------------------------------------------------- reading the history


@dataclass(frozen=True)
class History:
    """The parts of the log the figures need, as plain tuples (fast for 100k rows)."""

    # (slug, rating, reviewed_at ms, phase_before), scheduled and mock only, in any order
    reviews: Sequence[tuple[str, int, int, int]] = ()
    # (slug, JSON list of trap indices) for reviews where traps were marked
    traps: Sequence[tuple[str, str]] = ()
    # (slug, correct 0/1, answered_at ms) of the numbers quiz
    numbers: Sequence[tuple[str, int, int]] = ()


# ---------------------------------------------------------------- figures


@dataclass(frozen=True)
class CardStats:
    """One card of the selection: its state now and its review counts."""

    card: Card
    row: CardRow
    recall: float  # probability of recall now; 0 for a card never studied
    reviews: int
    again: int
    due_now: bool

    @property
    def studied(self) -> bool:
        return self.row.memory is not None

    @property
    def stability(self) -> float | None:
        return self.row.memory.stability if self.row.memory else None

    @property
    def lapses(self) -> int:
        return self.row.lapses

    @property
    def again_rate(self) -> float | None:
        return self.again / self.reviews if self.reviews else None

    @property
    def weakness(self) -> Weakness | None:
        """The topic formula applied to this one card (None when never studied)."""
        if not self.studied:
            return None
        return weakness(self.recall, self.again_rate or 0.0, float(self.lapses))


@dataclass(frozen=True)
class GroupStats:
    """Figures of a topic or a seniority level."""

    key: str
    title: str
    cards: int
    seen: int
    suspended: int
    mean_stability: float | None  # days, over studied cards
    mean_recall: float | None  # over studied cards
    reviews: int  # of studied cards
    again: int
    lapses: int
    due_now: int
    weakness: Weakness | None  # None when no card was ever studied: a gap, not a weakness
    readiness: float  # mean recall over all cards, never-studied ones counting 0

    @property
    def new(self) -> int:
        return self.cards - self.seen

    @property
    def coverage(self) -> float:
        return self.seen / self.cards if self.cards else 0.0

    @property
    def again_rate(self) -> float | None:
        return self.again / self.reviews if self.reviews else None

    @property
    def lapses_per_card(self) -> float | None:
        return self.lapses / self.seen if self.seen else None


@dataclass(frozen=True)
class Totals:
    cards: int
    seen: int
    new: int
    suspended: int
    due_now: int
    reviews: int  # all time
    reviews_today: int
    streak: int
    longest_streak: int


@dataclass(frozen=True)
class Retention:
    """True retention: reviews of cards in the review state, and how many of them were rated Again."""

    days: int
    reviews: int
    again: int

    @property
    def rate(self) -> float | None:
        return (self.reviews - self.again) / self.reviews if self.reviews else None


@dataclass(frozen=True)
class DayCount:
    day: date
    reviews: int
    again: int


@dataclass(frozen=True)
class Activity:
    days: list[DayCount]  # oldest first, ending today

    @property
    def total(self) -> int:
        return sum(d.reviews for d in self.days)

    @property
    def last_7(self) -> int:
        return sum(d.reviews for d in self.days[-7:])

    @property
    def previous_7(self) -> int | None:
        """Reviews in the 7 days before the last 7 (None when the window is too short to tell)."""
        return sum(d.reviews for d in self.days[-14:-7]) if len(self.days) >= 14 else None

    @property
    def active_days(self) -> int:
        return sum(1 for d in self.days if d.reviews)


@dataclass(frozen=True)
class ForecastDay:
    day: date
    due: int  # the first day also counts every overdue card


@dataclass(frozen=True)
class TrapStat:
    card: Card
    index: int
    count: int

    @property
    def text(self) -> str:
        return self.card.traps[self.index]


@dataclass(frozen=True)
class NumbersQuiz:
    days: int
    answers: int
    correct: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.answers if self.answers else 0.0


@dataclass(frozen=True)
class Stats:
    generated_at: datetime
    today: date
    days: int
    totals: Totals
    retention: list[Retention]  # last 7 and last 30 days
    topics: list[GroupStats]  # studied topics weakest first, then never-studied ones by name
    levels: list[GroupStats]  # in seniority order
    cards: list[CardStats]  # in bank order
    forecast: list[ForecastDay]
    activity: Activity
    traps: list[TrapStat]  # most often fallen for first
    numbers: NumbersQuiz | None  # None when the quiz was not used in the last 30 days
    filters: dict[str, Any] = field(default_factory=dict)

    @property
    def studied(self) -> bool:
        return self.totals.seen > 0

    @property
    def weak_topics(self) -> list[GroupStats]:
        """Studied topics, weakest first."""
        return [t for t in self.topics if t.weakness is not None]

    @property
    def gap_topics(self) -> list[GroupStats]:
        return [t for t in self.topics if t.weakness is None]

    @property
    def gap_levels(self) -> list[GroupStats]:
        return [lv for lv in self.levels if lv.seen == 0]

    def weakest_cards(self, topic: str, n: int = 3) -> list[CardStats]:
        """A topic's studied cards, weakest first (what to review tonight)."""
        pool = [c for c in self.cards if c.card.topic == topic and c.studied]
        pool.sort(key=lambda c: (-(c.weakness.score if c.weakness else 0.0), c.recall, c.card.id))
        return pool[:n]


def _slug_index(cards: Sequence[Card]) -> dict[str, Card]:
    """Current and former ids → card (history may still be stored under a former id)."""
    index: dict[str, Card] = {}
    for c in cards:
        for alias in c.aliases:
            index.setdefault(alias, c)
    for c in cards:
        index[c.id] = c
    return index


def _is_due(row: CardRow, now: datetime, day_end: datetime) -> bool:
    """Would a drill started now serve this card (ignoring the daily limits)?"""
    m = row.memory
    if m is None or row.suspended or (row.buried_until is not None and row.buried_until > now):
        return False
    if m.phase in (Phase.LEARNING, Phase.RELEARNING):
        return m.due <= now
    return m.due < day_end


def card_stats(
    cards: Sequence[Card],
    rows: Mapping[str, CardRow],
    scheduler: Scheduler,
    now: datetime,
    counts: Mapping[str, tuple[int, int]],
    day_end: datetime | None = None,
) -> list[CardStats]:
    """Per-card figures; `counts` maps a slug (current or former) to (reviews, Again ratings)."""
    day_end = day_end or now
    out = []
    for card in cards:
        row = row_for(card, rows)
        n, again = counts.get(card.id, (0, 0))
        for alias in card.aliases:
            if alias in counts and alias != card.id:
                n, again = n + counts[alias][0], again + counts[alias][1]
        recall = scheduler.retrievability(row.memory, now) if row.memory else 0.0
        out.append(CardStats(card, row, recall, n, again, _is_due(row, now, day_end)))
    return out


def group_stats(key: str, title: str, members: Sequence[CardStats]) -> GroupStats:
    """Aggregate cards into a topic's or a level's figures (the weakness over studied cards only)."""
    studied = [c for c in members if c.studied]
    reviews = sum(c.reviews for c in studied)
    again = sum(c.again for c in studied)
    lapses = sum(c.lapses for c in studied)
    mean_recall = sum(c.recall for c in studied) / len(studied) if studied else None
    mean_stability = (
        sum(c.stability or 0.0 for c in studied) / len(studied) if studied else None  # studied: not None
    )
    weak = None
    if studied:
        assert mean_recall is not None
        weak = weakness(mean_recall, again / reviews if reviews else 0.0, lapses / len(studied))
    return GroupStats(
        key=key,
        title=title,
        cards=len(members),
        seen=len(studied),
        suspended=sum(1 for c in members if c.row.suspended),
        mean_stability=mean_stability,
        mean_recall=mean_recall,
        reviews=reviews,
        again=again,
        lapses=lapses,
        due_now=sum(1 for c in members if c.due_now),
        weakness=weak,
        readiness=sum(c.recall for c in members) / len(members) if members else 0.0,
    )


def _weakest_first(topic: GroupStats) -> tuple[float, str]:
    assert topic.weakness is not None  # only studied topics are ranked by weakness
    return (-topic.weakness.score, topic.key)


def rank_topics(topics: Iterable[GroupStats]) -> list[GroupStats]:
    """Studied topics weakest first (ties by name), then topics nobody started, by name."""
    topics = list(topics)
    studied = sorted((t for t in topics if t.weakness), key=_weakest_first)
    gaps = sorted((t for t in topics if t.weakness is None), key=lambda t: t.key)
    return studied + gaps


def _by(stats: Sequence[CardStats], key: str) -> dict[str, list[CardStats]]:
    groups: dict[str, list[CardStats]] = defaultdict(list)
    for c in stats:
        groups[getattr(c.card, key)].append(c)
    return groups


def topic_weakness(
    cards: Sequence[Card],
    rows: Mapping[str, CardRow],
    scheduler: Scheduler,
    now: datetime,
    counts: Mapping[str, tuple[int, int]],
    titles: Mapping[str, str] | None = None,
) -> list[GroupStats]:
    """Every topic of `cards`, ranked weakest first; never-studied topics last with `weakness=None`.

    `counts` is slug → (reviews, Again ratings), e.g. from `Store.review_counts()`. The score is
    WEAKNESS_FORMULA over the topic's studied cards; `weakness.label` names the dominant term.
    """
    stats = card_stats(cards, rows, scheduler, now, counts)
    titles = titles or {}
    return rank_topics(
        group_stats(t, titles.get(t, t), members) for t, members in _by(stats, "topic").items()
    )


def readiness_by_level(
    cards: Sequence[Card], rows: Mapping[str, CardRow], scheduler: Scheduler, now: datetime
) -> dict[str, float]:
    """Mean probability of recall now over each seniority level's cards, never-studied cards counting 0.

    Only levels that have cards appear, in seniority order (screen, mid, senior, staff).
    """
    sums: dict[str, list[float]] = {}
    for card in cards:
        row = row_for(card, rows)
        acc = sums.setdefault(card.seniority, [0.0, 0])
        acc[0] += scheduler.retrievability(row.memory, now) if row.memory else 0.0
        acc[1] += 1
    return {lv: sums[lv][0] / sums[lv][1] for lv in SENIORITIES if lv in sums}


def compute(
    cards: Sequence[Card],
    rows: Mapping[str, CardRow],
    history: History,
    scheduler: Scheduler,
    now: datetime,
    *,
    rollover_hour: int,
    tz: tzinfo | None,
    days: int = 30,
    titles: Mapping[str, str] | None = None,
    whole_history: bool = True,
    filters: dict[str, Any] | None = None,
) -> Stats:
    """Every figure of `idrill stats` and `idrill report` over the selected `cards`.

    With `whole_history`, activity, retention and streaks count every review in the history (also of
    cards no longer in the bank), as the drill's streak does; otherwise only reviews of `cards`.
    One pass over the review log; no per-card queries.
    """
    titles = titles or {}
    today = study_day(now, rollover_hour, tz)
    starts = {
        d: day_start(today - timedelta(days=d), rollover_hour, tz) for d in range(-7, max(days, 30) + 1)
    }
    day_end = starts[-1]

    index = _slug_index(cards)
    reviews = history.reviews
    first_day = min(
        study_day(from_ms(min((r[2] for r in reviews), default=to_ms(now))), rollover_hour, tz), today
    )
    span = (today - first_day).days + 1
    # The start of every study day from the first review's to tomorrow's, in epoch ms: a review's
    # day is then one bisection away, with no time-zone arithmetic per review.
    bounds = [to_ms(day_start(first_day + timedelta(days=i), rollover_hour, tz)) for i in range(span + 1)]
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_day = [[0, 0] for _ in range(days)]  # index: days ago
    days_ago: set[int] = set()
    ret7 = [0, 0]
    ret30 = [0, 0]
    total = 0
    for slug, rating, at, phase_before in reviews:
        card = index.get(slug)
        if card is None and not whole_history:
            continue
        ago = span - bisect_right(bounds, at)
        if ago < 0:
            continue  # after a pinned clock's day: not history yet
        again = rating == Rating.AGAIN
        if card is not None:
            acc = counts[card.id]
            acc[0] += 1
            acc[1] += again
        total += 1
        days_ago.add(ago)
        if ago < days:
            pd = per_day[ago]
            pd[0] += 1
            pd[1] += again
        if phase_before == Phase.REVIEW and ago < 30:
            ret30[0] += 1
            ret30[1] += again
            if ago < 7:
                ret7[0] += 1
                ret7[1] += again

    stats = card_stats(cards, rows, scheduler, now, {k: (v[0], v[1]) for k, v in counts.items()}, day_end)
    topics = rank_topics(
        group_stats(t, titles.get(t, t), members) for t, members in _by(stats, "topic").items()
    )
    by_level = _by(stats, "seniority")
    levels = [group_stats(lv, lv, by_level[lv]) for lv in SENIORITIES if lv in by_level]

    forecast_ends = [starts[-(i + 1)] for i in range(7)]
    forecast = [0] * 7
    for c in stats:
        m = c.row.memory
        if m is not None and not c.row.suspended:
            i = bisect_right(forecast_ends, m.due)
            if i < 7:
                forecast[i] += 1

    current, longest = streaks({today - timedelta(days=a) for a in days_ago}, today)
    selected = {c.id for c in cards}
    numbers = _numbers(history.numbers, None if whole_history else selected, to_ms(starts[29]))
    totals = Totals(
        cards=len(stats),
        seen=sum(1 for c in stats if c.studied),
        new=sum(1 for c in stats if not c.studied),
        suspended=sum(1 for c in stats if c.row.suspended),
        due_now=sum(1 for c in stats if c.due_now),
        reviews=total,
        reviews_today=per_day[0][0] if days else 0,
        streak=current,
        longest_streak=longest,
    )
    return Stats(
        generated_at=now,
        today=today,
        days=days,
        totals=totals,
        retention=[Retention(7, *ret7), Retention(30, *ret30)],
        topics=topics,
        levels=levels,
        cards=stats,
        forecast=[ForecastDay(today + timedelta(days=i), n) for i, n in enumerate(forecast)],
        activity=Activity([DayCount(today - timedelta(days=a), *per_day[a]) for a in reversed(range(days))]),
        traps=trap_stats(history.traps, index),
        numbers=numbers,
        filters=dict(filters or {}),
    )


def trap_stats(marked: Iterable[tuple[str, str]], index: Mapping[str, Card]) -> list[TrapStat]:
    """Traps marked as fallen for, counted per card and trap; unknown cards and indices are skipped."""
    counts: dict[tuple[str, int], int] = defaultdict(int)
    cards: dict[str, Card] = {}
    for slug, raw in marked:
        card = index.get(slug)
        if card is None:
            continue
        try:
            hits = json.loads(raw)
        except (TypeError, ValueError):
            continue
        if not isinstance(hits, list):
            continue
        for i in set(hits):
            if isinstance(i, int) and not isinstance(i, bool) and 0 <= i < len(card.traps):
                counts[(card.id, i)] += 1
                cards[card.id] = card
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], cards[kv[0][0]].topic, kv[0][0], kv[0][1]))
    return [TrapStat(cards[cid], i, n) for (cid, i), n in ranked]


def _numbers(
    rows: Iterable[tuple[str, int, int]], selected: set[str] | None, since_ms: int
) -> NumbersQuiz | None:
    answers = correct = 0
    for slug, ok, at in rows:
        if at >= since_ms and (selected is None or slug in selected):
            answers += 1
            correct += bool(ok)
    return NumbersQuiz(30, answers, correct) if answers else None
