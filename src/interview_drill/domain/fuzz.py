"""Interval fuzz and button order for review cards, as Anki does them (rslib's fuzz.rs and review.rs).

py-fsrs fuzzes with the process-global `random` (a preview, a re-rate after undo and a reschedule
all disagree) and does not keep Hard < Good < Easy. Here the fuzz factor is drawn from a generator
seeded by the card and its review count, so the same state at the same moment always shows the
same buttons, and the passing intervals are fuzzed within bounds that keep them strictly ordered.
Pure functions over whole days; the schedule module applies them to py-fsrs's unfuzzed outcomes.
"""

from __future__ import annotations

import math
import random
import zlib

# (start, end, factor): the fuzz grows by `factor` days per day of interval within each range.
_RANGES = ((2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, math.inf, 0.05))


def fuzz_factor(card_key: str, reps: int) -> float:
    """A number in [0, 1) fixed by the card and how many times it has been reviewed."""
    seed = (zlib.crc32(card_key.encode("utf-8")) << 20) ^ reps
    return random.Random(seed).random()


def fuzz_delta(interval: float) -> float:
    """How many days an interval may move either way (0 below 2.5 days)."""
    if interval < 2.5:
        return 0.0
    return 1.0 + sum(factor * max(0.0, min(interval, end) - start) for start, end, factor in _RANGES)


def fuzz_bounds(interval: float, minimum: int, maximum: int) -> tuple[int, int]:
    """The whole-day range a fuzzed interval falls in, kept within [minimum, maximum]."""
    minimum = min(minimum, maximum)
    interval = min(max(interval, minimum), maximum)
    delta = fuzz_delta(interval)
    lower, upper = round(interval - delta), round(interval + delta)
    lower = min(max(lower, minimum), maximum)
    upper = min(max(upper, minimum), maximum)
    if upper == lower and 2 < upper < maximum:  # a floor pushed both up: leave one day of room
        upper = lower + 1
    return lower, upper


def fuzzed(interval: float, factor: float | None, minimum: int, maximum: int) -> int:
    """`interval` (days) fuzzed by `factor` (None: no fuzz), at least `minimum`, at most `maximum`."""
    if factor is None:
        return int(min(max(round(interval), minimum, 1), maximum))
    lower, upper = fuzz_bounds(interval, max(minimum, 1), maximum)
    return min(lower + math.floor(factor * (1 + upper - lower)), upper)


def passing_intervals(
    hard: float, good: float, easy: float, factor: float | None, maximum: int
) -> tuple[int, int, int]:
    """Hard < Good < Easy in whole days, each fuzzed within bounds that keep the order."""
    h = fuzzed(hard, factor, 1, maximum)
    g = fuzzed(good, factor, h + 1, maximum)
    e = fuzzed(easy, factor, g + 1, maximum)
    return h, g, e
