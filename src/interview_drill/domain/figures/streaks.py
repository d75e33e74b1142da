"""Study days and streaks: the runs of consecutive days with at least one review.

A study day rolls over at the user's local hour (see `domain.clock.study_day`), not at midnight UTC.
Used by the drill's summary and by `stats.compute`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta, tzinfo

from interview_drill.domain.clock import study_day
from interview_drill.domain.review import from_ms


def study_days(review_ms: Iterable[int], rollover_hour: int, tz: tzinfo | None) -> set[date]:
    """The study days on which reviews (epoch ms) were made."""
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
    """The run of study days that ends today (or yesterday, if today has no review yet)."""
    days = study_days(review_ms, rollover_hour, tz)
    return streaks(days, study_day(now, rollover_hour, tz))[0]
