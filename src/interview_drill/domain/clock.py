"""Time: an injectable clock and the study-day arithmetic (the day rolls over at a local hour)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def fixed_clock(moment: datetime) -> Clock:
    """A clock that always says `moment` (tests)."""
    if moment.tzinfo is None:
        raise ValueError("fixed_clock needs a timezone-aware datetime")
    return lambda: moment.astimezone(UTC)


def to_local(moment: datetime, tz: tzinfo | None = None) -> datetime:
    """`moment` in `tz`, or in the system's local time with the UTC offset in force *at that moment*."""
    return moment.astimezone(tz) if tz is not None else moment.astimezone()


def study_day(moment: datetime, rollover_hour: int, tz: tzinfo | None = None) -> date:
    """The study day `moment` belongs to: local date, where days start at `rollover_hour`."""
    return (to_local(moment, tz) - timedelta(hours=rollover_hour)).date()


def day_start(day: date, rollover_hour: int, tz: tzinfo | None = None) -> datetime:
    """When study day `day` begins, in UTC (daylight saving time included)."""
    wall = datetime(day.year, day.month, day.day, rollover_hour)
    local = wall.replace(tzinfo=tz) if tz is not None else wall.astimezone()  # naive = system local time
    return local.astimezone(UTC)


def day_bounds(moment: datetime, rollover_hour: int, tz: tzinfo | None = None) -> tuple[datetime, datetime]:
    """Start and end (UTC) of the study day containing `moment`."""
    day = study_day(moment, rollover_hour, tz)
    return day_start(day, rollover_hour, tz), day_start(day + timedelta(days=1), rollover_hour, tz)


@dataclass(frozen=True)
class StudyDays:
    """Counts elapsed time in study days: `StudyDays(4, tz)(a, b)` is 1 from 22:00 to 08:00 next day."""

    rollover_hour: int = 4
    tz: tzinfo | None = None

    def __call__(self, earlier: datetime, later: datetime) -> int:
        days = study_day(later, self.rollover_hour, self.tz) - study_day(earlier, self.rollover_hour, self.tz)
        return max(0, days.days)
