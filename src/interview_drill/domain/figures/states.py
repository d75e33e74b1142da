"""Each card's history row as the figures read it at one moment: plain values, no datetimes.

`stats` and `report` need, per card, its phase, stability, lapses, whether it is suspended, its
recall now, whether a drill started now would serve it and in which of the next seven study days it
falls due. `Store.card_states` computes these in SQL for 10,000 cards without building a `CardRow`
(two datetimes each) or calling the scheduler per card; `state_of` computes them from a `CardRow`
and is the reference the SQL is tested against (and what answers for rows SQL cannot treat exactly).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import NamedTuple

from interview_drill.domain.clock import day_start, study_day
from interview_drill.domain.figures.log import DayWindow
from interview_drill.domain.review import CardRow, Memory, Phase, to_ms

FORECAST_DAYS = 7
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_MS = timedelta(milliseconds=1)


class CardState(NamedTuple):
    """One card's row at a moment. Numbers as stored (`lapses`, `suspended`, `due_ms` and `due_now`
    may be ints where a bool reads better: `CardStats` turns them into what the reports print)."""

    phase: int  # a `Phase`; 0 (NEW) for a card never studied
    stability: float | None  # None when never studied
    lapses: int
    suspended: int
    due_ms: int | float | None  # epoch ms as stored; None when never studied
    recall: float  # probability of recall now; 0.0 when never studied
    due_now: int  # would a drill started now serve it (ignoring the daily limits)
    ahead: int | None  # study days from today to its due day (0: today or overdue); None: new or suspended


NEW_STATE = CardState(0, None, 0, 0, None, 0.0, 0, None)


@dataclass(frozen=True)
class Moment:
    """What a card's state depends on besides its row: the moment, today's study days, the scheduler's
    recall formula (`recall = (1 + factor·days / stability) ** decay`, days in study days)."""

    now: datetime
    day_end: datetime  # the start of tomorrow's study day
    forecast_ends: tuple[datetime, ...]  # the ends of today and the next six study days
    factor: float
    decay: float
    window: DayWindow  # study days, for the days elapsed since a card's last review

    @property
    def now_us(self) -> int:
        """`now` in whole microseconds since the epoch (exact: datetimes hold microseconds)."""
        return (self.now - _EPOCH) // _US

    @property
    def today_index(self) -> int:
        """Today's index in `window` (its last day)."""
        return len(self.window.bounds) - 2


def moment(
    now: datetime, rollover_hour: int, tz: tzinfo | None, terms: tuple[float, float], window: DayWindow
) -> Moment:
    """The `Moment` of `now`; `terms` is the scheduler's (factor, decay), `window` a `day_window` of now."""
    today = study_day(now, rollover_hour, tz)
    ends = tuple(day_start(today + timedelta(days=i + 1), rollover_hour, tz) for i in range(FORECAST_DAYS))
    if window.end_ms != to_ms(ends[0]):
        raise ValueError("the day window ends on another day than now's")
    return Moment(now, ends[0], ends, terms[0], terms[1], window)


def state_of(
    row: CardRow,
    recall_of: Callable[[Memory], float],
    now: datetime,
    day_end: datetime,
    forecast_ends: Sequence[datetime] = (),
) -> CardState:
    """The reference: one card's state from its `CardRow` (`recall_of`: `Scheduler.recall_at(now)`;
    `day_end`: the start of tomorrow's study day; `forecast_ends`: see `Moment`)."""
    m = row.memory
    if m is None:
        return CardState(0, None, row.lapses, row.suspended, None, 0.0, False, None)
    if row.held_back(now):
        due_now = False
    elif m.phase in (Phase.LEARNING, Phase.RELEARNING):
        due_now = m.due <= now
    else:
        due_now = m.due < day_end
    ahead = None if row.suspended else bisect_right(forecast_ends, m.due)
    due = m.due
    due_ms = to_ms(due) if not due.microsecond % 1000 else (due - _EPOCH) / _MS  # exact either way
    return CardState(
        int(m.phase), m.stability, row.lapses, row.suspended, due_ms, recall_of(m), due_now, ahead
    )


@dataclass(frozen=True)
class CardStates:
    """Every card's state at `at`, by slug (current or former id), as `Store.card_states` reads them."""

    at: Moment
    by_slug: Mapping[str, CardState]
