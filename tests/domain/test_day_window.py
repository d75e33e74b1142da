"""The study days a log spans (`log.day_window`): each bound is `day_start` of its day, in any zone
and at any rollover hour (clock changes, half-hour shifts, historical offsets in seconds)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest

from interview_drill.domain.clock import day_start
from interview_drill.domain.figures.log import day_window
from interview_drill.domain.review import to_ms

NOW = datetime(2026, 3, 30, 2, 30, tzinfo=UTC)
ZONES: list[tzinfo] = [
    UTC,
    timezone(timedelta(hours=-3, minutes=-30)),
    timezone(timedelta(hours=5, minutes=45, microseconds=7)),  # an offset finer than seconds
    *(ZoneInfo(name) for name in ("UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kathmandu",
                                   "Australia/Lord_Howe", "Europe/Amsterdam", "Pacific/Apia")),
]  # fmt: skip


class Jumpy(tzinfo):
    """A zone whose offset changes every few days, by seconds, sometimes with microseconds."""

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        assert dt is not None
        k = dt.toordinal() // 3 % 5
        return timedelta(hours=k - 2, seconds=k * 7, microseconds=(k == 3) * 500)

    def dst(self, dt: datetime | None) -> timedelta | None:
        return timedelta(0)

    def tzname(self, dt: datetime | None) -> str:
        return "jumpy"


@pytest.mark.parametrize("tz", [*ZONES, Jumpy()], ids=str)
@pytest.mark.parametrize("first", [NOW - timedelta(days=800), datetime(1890, 6, 1, tzinfo=UTC)])
def test_every_bound_is_the_start_of_its_study_day(tz: tzinfo, first: datetime):
    for rollover in range(24):
        window = day_window(to_ms(first), NOW, rollover, tz)
        days = len(window.bounds)
        assert days > 700
        want = [to_ms(day_start(window.first_day + timedelta(days=i), rollover, tz)) for i in range(days)]
        assert window.bounds == want, rollover


def test_the_system_time_zone_is_read_day_by_day():
    window = day_window(to_ms(NOW - timedelta(days=30)), NOW, 4, None)
    want = [
        to_ms(day_start(window.first_day + timedelta(days=i), 4, None)) for i in range(len(window.bounds))
    ]
    assert window.bounds == want and len(want) == 32
