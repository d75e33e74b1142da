"""The figures of `idrill stats` and `idrill report`: the log's aggregates and the bank, in one pass.

Owns `compute` and what it returns (`Stats`: totals, retention, activity, the review forecast,
traps fallen for, the numbers quiz, and the topic and level figures of `weakness`). Pure functions
over plain data: the log comes aggregated per card and per study day (`log.LogSummary`, from
`Store.figures_summary`, wired by `app/figures.py`) or as plain review tuples (`log.History`);
`render/` turns the figures into files and terminal output.

Only scheduled and mock reviews count in any figure here: cram practice changes no schedule and
would flatter the numbers.
"""

from __future__ import annotations

import heapq
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple, overload

from interview_drill.domain.cards import SENIORITIES, Card
from interview_drill.domain.clock import day_start, study_day
from interview_drill.domain.figures.coding import CodingFigures, coding_figures
from interview_drill.domain.figures.log import (
    DayWindow,
    History,
    LogSummary,
    day_window,
    first_day,
    summarise,
)
from interview_drill.domain.figures.states import NEW_STATE, CardState, CardStates
from interview_drill.domain.figures.streaks import current_streak, streaks
from interview_drill.domain.figures.weakness import (
    WEAKNESS_FORMULA,
    CardStats,
    GroupStats,
    group_stats,
    rank_topics,
    states_from_rows,
    topic_weakness,
    weakness_score,
    with_aliases,
)
from interview_drill.domain.review import CardRow, to_ms

if TYPE_CHECKING:
    from interview_drill.domain.schedule import Scheduler

# What callers outside `domain/` import from here, besides the figures defined below: the types a
# `Stats` is made of, the formula its report prints, and the two helpers the CLI uses.
__all__ = [
    "WEAKNESS_FORMULA",
    "Activity",
    "CardStats",
    "CodingFigures",
    "DayCount",
    "ForecastDay",
    "GroupStats",
    "DayWindow",
    "History",
    "LogSummary",
    "NumbersQuiz",
    "Retention",
    "Stats",
    "Totals",
    "TrapStat",
    "compute",
    "day_window",
    "current_streak",
    "summarise",
    "topic_weakness",
    "trap_stats",
]

# ---------------------------------------------------------------- reading the history


# ---------------------------------------------------------------- figures


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


class TrapStat(NamedTuple):
    """A trap fallen for `count` times (a named tuple: a JSON report lists thousands of them, and
    making one is ~5x cheaper than a frozen dataclass; its fields shadow tuple's `index`/`count`)."""

    card: Card
    index: int  # type: ignore[assignment]
    count: int  # type: ignore[assignment]

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
    traps: Sequence[TrapStat]  # most often fallen for first (`RankedTraps`)
    numbers: NumbersQuiz | None  # None when the quiz was not used in the last 30 days
    filters: dict[str, Any] = field(default_factory=dict)
    coding: CodingFigures | None = None  # None when no selected card has a runnable exercise
    # `cards` by topic, as `compute` grouped them (the weakest cards are looked for in a few topics)
    by_topic: Mapping[str, Sequence[CardStats]] | None = field(default=None, compare=False, repr=False)

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
        studied = [c for c in self._by_topic.get(topic, ()) if c.state.phase]  # `CardStats.studied`
        return heapq.nsmallest(n, studied, key=_weakest_first)

    @cached_property
    def _by_topic(self) -> Mapping[str, Sequence[CardStats]]:
        if self.by_topic is not None:
            return self.by_topic
        by_topic: dict[str, list[CardStats]] = defaultdict(list)
        for c in self.cards:
            by_topic[c.card.topic].append(c)
        return by_topic


_NO_REVIEWS = (0, 0)


def _weakest_first(c: CardStats) -> tuple[float, float, str]:
    """Highest weakness first, then lowest recall, then id (the score without building a `Weakness`:
    a report ranks every studied card of its weakest topics)."""
    st = c.state
    if not st.phase:
        return (-0.0, st.recall, c.card.id)
    score = weakness_score(st.recall, c.again / c.reviews if c.reviews else 0.0, float(st.lapses))
    return (-score, st.recall, c.card.id)


def _slug_index(cards: Sequence[Card]) -> tuple[dict[str, Card], bool]:
    """Current and former ids → card (history may still be stored under a former id): a current id
    wins over a former one, and of two cards with the same former id the first; and whether any
    card has a former id."""
    index = {c.id: c for c in cards}
    aliased = False
    for c in cards:
        for alias in c.aliases:
            aliased = True
            index.setdefault(alias, c)
    return index, aliased


def compute(
    cards: Sequence[Card],
    rows: Mapping[str, CardRow] | CardStates,
    history: History | LogSummary,
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
    `rows` are the cards' history rows, or their states at `now` already read (`CardStates`, from
    `Store.card_states`: no row is materialised). `history` is the log already aggregated
    (`LogSummary`, from `Store.figures_summary`: no review is materialised), or plain review tuples
    (`History`), aggregated here in one pass.
    """
    titles = titles or {}
    today = study_day(now, rollover_hour, tz)
    starts = {
        d: day_start(today - timedelta(days=d), rollover_hour, tz) for d in range(-7, max(days, 30) + 1)
    }
    day_end = starts[-1]

    index, aliased = _slug_index(cards)
    keep = None if whole_history else set(index)
    if isinstance(history, History):
        first_ms = min((r[2] for r in history.reviews), default=None)
        window = day_window(first_ms, now, rollover_hour, tz)
        summary = summarise(history, window, keep)
        span = len(window.bounds) - 1
    else:
        summary = history
        if summary.end_ms != to_ms(day_end):
            raise ValueError("the log summary was made for another day window")
        span = (today - first_day(summary.first_ms, now, rollover_hour, tz)).days + 1  # as its window's
    # card id -> reviews, Again (under its current and former ids)
    counts: Mapping[str, tuple[int, int]] = summary.per_slug
    if aliased:
        counts = {}
        card_of, counted = index.get, counts.get
        for slug, (n, again) in summary.per_slug.items():
            card = card_of(slug)
            if card is not None:  # with a filter, the summary holds only the selected cards' reviews
                had = counted(card.id)
                counts[card.id] = (n, again) if had is None else (had[0] + n, had[1] + again)
    # else each card's reviews are under its own id: the summary's counts are the cards' (the slugs
    # of cards not in `cards` are never looked up), without a pass over 8,000 slugs (~3 ms)
    per_day = [[0, 0] for _ in range(days)]  # index: days ago
    days_ago: set[int] = set()
    ret7 = [0, 0]
    ret30 = [0, 0]
    total = 0
    for day, n, again, review_n, review_again in summary.days:
        if not n:
            continue
        ago = span - 1 - day
        total += n
        days_ago.add(ago)
        if ago < days:
            pd = per_day[ago]
            pd[0] += n
            pd[1] += again
        if ago < 30:
            ret30[0] += review_n
            ret30[1] += review_again
            if ago < 7:
                ret7[0] += review_n
                ret7[1] += review_again

    forecast_ends = [starts[-(i + 1)] for i in range(7)]
    by_topic: dict[str, list[CardStats]] = defaultdict(list)  # topics and levels in order of first card
    by_level: dict[str, list[CardStats]] = defaultdict(list)
    forecast = [0] * 8  # the last: later
    states: Mapping[str, CardState]
    if isinstance(rows, CardStates):
        at = rows.at
        if at.now != now or at.day_end != day_end or list(at.forecast_ends) != forecast_ends:
            raise ValueError("the card states were read for another moment")
        states = rows.by_slug
    else:
        states = states_from_rows(cards, rows, scheduler, now, day_end, forecast_ends)
    # `stats_of` and the grouping in one pass over 10,000 cards (~1.5 ms less than two)
    stats: list[CardStats] = []
    append, state_of_slug, counts_of, new = stats.append, states.get, counts.get, tuple.__new__
    for card in cards:
        if card.aliases:
            state, n, again = with_aliases(card, states, counts)
        else:
            state = state_of_slug(card.id, NEW_STATE)
            n, again = counts_of(card.id, _NO_REVIEWS)
        c = new(CardStats, (card, state, n, again))
        append(c)
        by_topic[card.topic].append(c)
        by_level[card.seniority].append(c)
        ahead = state.ahead
        if ahead is not None:
            forecast[ahead] += 1
    del forecast[7]
    topics = rank_topics(group_stats(t, titles.get(t, t), members) for t, members in by_topic.items())
    levels = [group_stats(lv, lv, by_level[lv]) for lv in SENIORITIES if lv in by_level]

    current, longest = streaks({today - timedelta(days=a) for a in days_ago}, today)
    selected = None if whole_history else {c.id for c in cards}
    numbers = _numbers(summary.numbers, selected, to_ms(starts[29]))
    totals = Totals(  # every card is in one topic: the topics' counts add up to the selection's
        cards=len(stats),
        seen=sum(t.seen for t in topics),
        new=sum(t.new for t in topics),
        suspended=sum(t.suspended for t in topics),
        due_now=sum(t.due_now for t in topics),
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
        traps=trap_stats(summary.traps, index),
        numbers=numbers,
        filters=dict(filters or {}),
        coding=coding_figures(cards, summary.checks),
        by_topic=by_topic,
    )


class RankedTraps(Sequence[TrapStat]):
    """Traps fallen for, most often first (ties by topic, card id, trap index), ranked only as far
    as they are read: the terminal and most reports show the first few of thousands, which
    `heapq.nsmallest` finds without sorting, or making a `TrapStat` for, all of them."""

    def __init__(self, counts: Mapping[tuple[str, int], int], cards: Mapping[str, Card]) -> None:
        self._counts = counts
        self._cards = cards

    def _order(self) -> Iterator[tuple[int, str, str, int]]:
        """Each trap as the tuple it ranks by: (-count, topic, card id, trap index). Sorting tuples
        made in one pass beats a key function per item."""
        cards = self._cards
        return ((-n, cards[cid].topic, cid, i) for (cid, i), n in self._counts.items())

    def _made(self, order: Iterable[tuple[int, str, str, int]]) -> list[TrapStat]:
        cards, make = self._cards, tuple.__new__  # the named tuple's own constructor is a Python function
        return [make(TrapStat, (cards[cid], i, -n)) for n, _, cid, i in order]

    @cached_property
    def _ranked(self) -> list[TrapStat]:
        return self._made(sorted(self._order()))

    def __len__(self) -> int:
        return len(self._counts)

    def __iter__(self) -> Iterator[TrapStat]:
        return iter(self._ranked)

    @overload
    def __getitem__(self, index: int) -> TrapStat: ...

    @overload
    def __getitem__(self, index: slice) -> list[TrapStat]: ...

    def __getitem__(self, index: int | slice) -> TrapStat | list[TrapStat]:
        if (
            isinstance(index, slice)
            and "_ranked" not in self.__dict__
            and not index.start
            and index.step in (None, 1)
            and index.stop is not None
            and 0 <= index.stop < len(self._counts) // 4
        ):
            return self._made(heapq.nsmallest(index.stop, self._order()))
        return self._ranked[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"RankedTraps({self._ranked!r})"


def trap_stats(marked: Iterable[tuple[str, str]], index: Mapping[str, Card]) -> RankedTraps:
    """Traps marked as fallen for, counted per card and trap; unknown cards and indices are skipped."""
    counts: dict[tuple[str, int], int] = defaultdict(int)
    cards: dict[str, Card] = {}
    parsed: dict[Any, tuple[int, ...]] = {}  # the same few lists (`[0]`, `[1, 2]`) are marked again and again
    card_of = index.get
    for slug, raw in marked:
        card = card_of(slug)
        if card is None:
            continue
        hits = parsed.get(raw)
        if hits is None:
            hits = parsed[raw] = _trap_indices(raw)
        if not hits:
            continue
        cid, n = card.id, len(card.traps)
        for i in hits:
            if i < n:
                counts[(cid, i)] += 1
                cards[cid] = card
    return RankedTraps(counts, cards)


def _trap_indices(raw: Any) -> tuple[int, ...]:
    """The distinct trap indices a review's JSON list names (not-negative integers; anything else: none)."""
    try:
        hits = json.loads(raw)
    except (TypeError, ValueError):
        return ()
    if not isinstance(hits, list):
        return ()
    return tuple({i for i in hits if isinstance(i, int) and not isinstance(i, bool) and i >= 0})


def _numbers(
    rows: Iterable[tuple[str, int, int]], selected: set[str] | None, since_ms: int
) -> NumbersQuiz | None:
    answers = correct = 0
    for slug, ok, at in rows:
        if at >= since_ms and (selected is None or slug in selected):
            answers += 1
            correct += bool(ok)
    return NumbersQuiz(30, answers, correct) if answers else None
