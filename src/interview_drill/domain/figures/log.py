"""The review log as the figures read it: plain review tuples (`History`), or already aggregated per
card and per study day (`LogSummary`, what `Store.figures_summary` computes in SQL), and the study
days a log spans (`DayWindow`). Pure data; no pydantic, so the storage layer imports it cheaply.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo

from interview_drill.domain.clock import day_start, study_day
from interview_drill.domain.figures.coding import LastCheck
from interview_drill.domain.review import Phase, Rating, from_ms, to_ms


@dataclass(frozen=True)
class History:
    """The parts of the log the figures need, as plain tuples (fast for 100k rows)."""

    # (slug, rating, reviewed_at ms, phase_before), scheduled and mock only, in any order
    reviews: Sequence[tuple[str, int, int, int]] = ()
    # (slug, JSON list of trap indices) for reviews where traps were marked
    traps: Sequence[tuple[str, str]] = ()
    # (slug, correct 0/1, answered_at ms) of the numbers quiz
    numbers: Sequence[tuple[str, int, int]] = ()
    # slug -> the newest check of its coding exercise attempt
    checks: Mapping[str, LastCheck] = field(default_factory=dict)


@dataclass(frozen=True)
class LogSummary:
    """The log already aggregated (by SQL, see `Store.figures_summary`), so no review is materialised.

    Built over the study days of `day_window(first_ms, ...)`: `days` counts reviews per day index
    (0 = the first review's study day), `per_slug` per card; both leave out cram and anything at or
    after `end_ms` (the start of tomorrow's study day).
    """

    first_ms: int | None  # the first scheduled or mock review, None for an empty log
    end_ms: int
    per_slug: Mapping[str, tuple[int, int]] = field(default_factory=dict)  # slug -> (reviews, Again)
    # (day index, reviews, Again, reviews of review-state cards, of which Again), any order
    days: Sequence[tuple[int, int, int, int, int]] = ()
    traps: Sequence[tuple[str, str]] = ()
    numbers: Sequence[tuple[str, int, int]] = ()
    checks: Mapping[str, LastCheck] = field(default_factory=dict)  # slug -> newest coding check


@dataclass(frozen=True)
class DayWindow:
    """The study days from the first review's to today, as epoch-ms bounds (the last: tomorrow's start)."""

    first_ms: int | None  # the first scheduled or mock review, None for an empty log
    first_day: date
    bounds: list[int]

    @property
    def end_ms(self) -> int:
        return self.bounds[-1]

    def segments(self) -> list[tuple[int, int, int]]:
        """(start ms, day index, day length ms) runs of equally long days: a day's index is
        `index + (ms - start) // length` in the run that holds it. One run unless the clocks change."""
        runs: list[tuple[int, int, int]] = []
        b = self.bounds
        for i in range(len(b) - 1):
            length = b[i + 1] - b[i]
            if not runs or runs[-1][2] != length:
                runs.append((b[i], i, length))
        return runs


def day_window(first_ms: int | None, now: datetime, rollover_hour: int, tz: tzinfo | None) -> DayWindow:
    """The study days a log whose first review is at `first_ms` spans, up to today's (see `DayWindow`)."""
    today = study_day(now, rollover_hour, tz)
    first = first_day(first_ms, now, rollover_hour, tz)
    span = (today - first).days + 1
    if tz is None:  # the system's local time: day by day
        bounds = [to_ms(day_start(first + timedelta(days=i), rollover_hour, tz)) for i in range(span + 1)]
        return DayWindow(first_ms, first, bounds)
    # `day_start` of each day (~2 µs a day: two years of history are ~1.5 ms), computed only when
    # the zone's offset at the rollover differs from the day before's: otherwise the day starts
    # exactly 24 hours after the one before (whole seconds in UTC: `to_ms` is exact on them).
    wall = datetime(first.year, first.month, first.day, rollover_hour, tzinfo=tz)  # as `day_start`
    bounds = []
    known: timedelta | None = None  # the offset of the day before, when whole seconds
    ms = 0
    for _ in range(span + 1):
        offset = wall.utcoffset()
        if offset is not None and offset == known:
            ms += _DAY_MS
        else:
            ms = to_ms(wall.astimezone(UTC))
            known = offset if offset is not None and not offset.microseconds else None
        bounds.append(ms)
        wall += _DAY
    return DayWindow(first_ms, first, bounds)


_DAY = timedelta(days=1)
_DAY_MS = 86_400_000


def first_day(first_ms: int | None, now: datetime, rollover_hour: int, tz: tzinfo | None) -> date:
    """The first study day of `day_window(first_ms, now, ...)`: the first review's, today's at the latest."""
    today = study_day(now, rollover_hour, tz)
    return min(study_day(from_ms(first_ms if first_ms is not None else to_ms(now)), rollover_hour, tz), today)


def summarise(history: History, window: DayWindow, slugs: set[str] | None = None) -> LogSummary:
    """A `History` of plain review tuples aggregated in one pass, as `Store.figures_summary` does in SQL.

    `slugs`: only reviews of these slugs (None: every review).
    """
    bounds = window.bounds
    end = window.end_ms
    per_slug: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    days: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for slug, rating, at, phase_before in history.reviews:
        if at >= end or (slugs is not None and slug not in slugs):
            continue
        again = rating == Rating.AGAIN
        acc = per_slug[slug]
        acc[0] += 1
        acc[1] += again
        d = days[bisect_right(bounds, at) - 1]
        d[0] += 1
        d[1] += again
        if phase_before == Phase.REVIEW:
            d[2] += 1
            d[3] += again
    return LogSummary(
        first_ms=window.first_ms,
        end_ms=end,
        per_slug={k: (v[0], v[1]) for k, v in per_slug.items()},
        days=[(i, *v) for i, v in days.items()],  # type: ignore[misc]
        traps=history.traps,
        numbers=history.numbers,
        checks=history.checks,
    )
