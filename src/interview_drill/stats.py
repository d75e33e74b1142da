"""Figures computed from the history and the bank: streaks, retention, per-topic weakness, readiness.

Pure functions over plain data; `report.py` renders them, `cli.py` prints them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta, tzinfo

from interview_drill.clock import study_day
from interview_drill.state import from_ms


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
