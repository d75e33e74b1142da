"""Study days roll over at a local hour; streaks count consecutive study days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from interview_drill.domain.clock import day_bounds, study_day
from interview_drill.domain.figures.streaks import streaks
from interview_drill.render.fmt import human_delta

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("utc", "day"),
    [
        (datetime(2026, 3, 2, 2, 59, tzinfo=UTC), date(2026, 3, 1)),  # 03:59 Berlin: still yesterday
        (datetime(2026, 3, 2, 3, 0, tzinfo=UTC), date(2026, 3, 2)),  # 04:00 Berlin: a new day
        (datetime(2026, 3, 2, 22, 59, tzinfo=UTC), date(2026, 3, 2)),  # 23:59 Berlin
    ],
)
def test_study_day_rolls_over_at_local_hour(utc, day):
    assert study_day(utc, 4, BERLIN) == day


def test_day_bounds_span_24_hours_from_the_rollover():
    start, end = day_bounds(datetime(2026, 3, 2, 12, 0, tzinfo=UTC), 4, BERLIN)
    assert start == datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
    assert end - start == timedelta(hours=24)


def test_day_bounds_across_daylight_saving_change():
    # Berlin clocks go forward at 02:00 on 29 March: the study day 28 Mar 04:00 → 29 Mar 04:00 is 23 h
    start, end = day_bounds(datetime(2026, 3, 28, 12, 0, tzinfo=UTC), 4, BERLIN)
    assert end - start == timedelta(hours=23)


@pytest.mark.parametrize(
    ("days", "today", "expected"),
    [
        (set(), date(2026, 3, 5), (0, 0)),
        ({date(2026, 3, 5)}, date(2026, 3, 5), (1, 1)),
        ({date(2026, 3, 3), date(2026, 3, 4)}, date(2026, 3, 5), (2, 2)),  # today not yet drilled
        ({date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 5)}, date(2026, 3, 5), (1, 3)),
        ({date(2026, 3, 1)}, date(2026, 3, 5), (0, 1)),
    ],
)
def test_streaks(days, today, expected):
    assert streaks(days, today) == expected


@pytest.mark.parametrize(
    ("delta", "text"),
    [(timedelta(seconds=30), "30s"), (timedelta(minutes=10), "10m"), (timedelta(hours=5), "5h"),
     (timedelta(days=8), "8d"), (timedelta(days=75), "2.5mo"), (timedelta(days=400), "1.1y")],
)  # fmt: skip
def test_human_delta(delta, text):
    assert human_delta(delta) == text


def test_system_local_time_follows_daylight_saving(monkeypatch):
    """Without IDRILL_TZ the system zone is used with the offset of each moment, not today's."""
    import time

    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        summer = datetime(2025, 7, 1, 2, 30, tzinfo=UTC)  # 04:30 CEST (UTC+2): a new study day
        assert study_day(summer, 4) == date(2025, 7, 1)
        assert day_bounds(summer, 4)[0] == datetime(2025, 7, 1, 2, 0, tzinfo=UTC)
        winter = datetime(2025, 1, 15, 3, 30, tzinfo=UTC)  # 04:30 CET (UTC+1)
        assert study_day(winter, 4) == date(2025, 1, 15)
        assert day_bounds(winter, 4)[0] == datetime(2025, 1, 15, 3, 0, tzinfo=UTC)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
