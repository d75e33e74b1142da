"""The drill's streak from the figure tallies equals the streak from every review's time."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from interview_drill.app.streak import drill_streak
from interview_drill.domain.figures.log import day_window
from interview_drill.domain.figures.streaks import current_streak
from interview_drill.domain.review import Rating
from interview_drill.storage.history import Store

from ..conftest import rate_as_user

SLUGS = ["card-1", "card-2", "card-3"]


def workspace(store: Store, now: datetime, tz, rollover: int = 4) -> SimpleNamespace:
    return SimpleNamespace(
        store=store, now=lambda: now, tz=tz, settings=SimpleNamespace(rollover_hour=rollover)
    )


def by_review_times(store: Store, now: datetime, tz, rollover: int = 4) -> int:
    return current_streak(store.review_times(), now, rollover, tz)


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kathmandu"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_tallied_streak_is_the_streak_of_the_review_times(zone: str, seed: int):
    tz = ZoneInfo(zone)
    rng = random.Random(seed)
    now = datetime(2026, 3, 30, 7, 30, tzinfo=UTC)  # a clock change behind it in Berlin
    with Store.memory() as store:
        at = now - timedelta(days=60)
        while at < now:  # runs of daily sessions with gaps, at any hour (around the rollover too)
            at += timedelta(hours=rng.choice([3, 20, 24, 24, 26, 50, 90]), minutes=rng.randint(0, 59))
            if at < now:
                kind = rng.choice(["scheduled", "scheduled", "mock", "cram"])
                rate_as_user(store, rng.choice(SLUGS), Rating(rng.randint(1, 4)), at, kind=kind)
        rate_as_user(store, "card-1", Rating.GOOD, now - timedelta(minutes=5))  # today: the run is alive
        for rollover in (0, 4):
            ws = workspace(store, now, tz, rollover)
            window = day_window(store.first_review_ms(), now, rollover, tz)
            assert store.study_day_indexes(window) is not None  # read from the tallies
            expected = by_review_times(store, now, tz, rollover)
            assert expected >= 1
            assert drill_streak(ws) == expected


def test_an_odd_offset_reads_the_review_times():
    """Liberia kept -0:44:30 until 1972: its study days do not start on slot boundaries."""
    tz = ZoneInfo("Africa/Monrovia")
    now = datetime(1972, 1, 10, 12, tzinfo=UTC)
    with Store.memory() as store:
        for day in range(6):
            rate_as_user(store, SLUGS[day % 3], Rating.GOOD, now - timedelta(days=day, hours=1))
        window = day_window(store.first_review_ms(), now, 4, tz)
        assert store.study_day_indexes(window) is None
        assert drill_streak(workspace(store, now, tz)) == by_review_times(store, now, tz) == 6


def test_without_the_tally_table_the_streak_reads_the_review_times():
    now = datetime(2026, 3, 30, 12, tzinfo=UTC)
    with Store.memory() as store:
        for day in range(4):
            rate_as_user(store, SLUGS[day % 3], Rating.GOOD, now - timedelta(days=day, hours=1))
        store.conn.execute("DROP TABLE tally_slots")
        assert store.study_day_indexes(day_window(store.first_review_ms(), now, 4, UTC)) is None
        assert drill_streak(workspace(store, now, UTC)) == 4
