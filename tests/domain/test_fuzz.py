"""Fuzz is reproducible per card and review count, stays in Anki's ranges and keeps buttons ordered."""

from __future__ import annotations

import pytest

from interview_drill.domain.fuzz import fuzz_bounds, fuzz_factor, fuzzed, passing_intervals


def test_the_factor_depends_only_on_card_and_review_count():
    assert fuzz_factor("lora-rank", 3) == fuzz_factor("lora-rank", 3)
    assert fuzz_factor("lora-rank", 3) != fuzz_factor("lora-rank", 4)
    assert fuzz_factor("lora-rank", 3) != fuzz_factor("lora-alpha", 3)
    assert all(0 <= fuzz_factor(f"c{i}", i % 7) < 1 for i in range(1000))


@pytest.mark.parametrize(
    ("interval", "bounds"),
    [
        (1, (1, 1)),
        (2, (2, 2)),  # no fuzz under 2.5 days
        (3, (2, 4)),  # delta 1 + 0.15 × 0.5 = 1.075
        (7, (5, 9)),  # delta 1.675
        (20, (17, 23)),  # delta 1 + 0.675 + 1.3 = 2.975
        (100, (93, 107)),  # + 0.05 × 80 = 6.975
        (36500, (34673, 36500)),  # the upper end capped by the maximum
    ],
)
def test_bounds_follow_ankis_ranges(interval: int, bounds: tuple[int, int]):
    assert fuzz_bounds(interval, 1, 36500) == bounds


def test_a_fuzzed_interval_stays_in_its_bounds_and_covers_them():
    seen = {fuzzed(20, fuzz_factor(f"card-{i}", 0), 1, 36500) for i in range(2000)}
    assert seen == set(range(17, 24))


@pytest.mark.parametrize("maximum", [36500, 10])
def test_buttons_are_strictly_ordered_for_any_factor(maximum: int):
    for i in range(500):
        factor = fuzz_factor("c", i)
        for hard, good, easy in [(1.0, 1.0, 1.0), (9.0, 7.0, 7.0), (5.0, 5.3, 5.1), (30.0, 31.0, 80.0)]:
            h, g, e = passing_intervals(hard, good, easy, factor, maximum)
            assert 1 <= h <= g <= e <= maximum
            assert h < g < e or e == maximum, (hard, good, easy, factor, (h, g, e))  # only the cap ties


def test_a_floor_above_the_range_leaves_a_day_of_room():
    assert fuzz_bounds(3, 5, 36500) == (5, 6)


def test_without_fuzz_ties_are_broken_by_one_day():
    assert passing_intervals(1.0, 1.0, 1.0, None, 36500) == (1, 2, 3)
    assert passing_intervals(3.0, 7.0, 7.0, None, 36500) == (3, 7, 8)
    assert passing_intervals(3.2, 7.6, 20.1, None, 36500) == (3, 8, 20)
