"""Numbers, counts and durations as text: the one implementation of each, for every output.

Percentages, fixed-point figures, "1 card / 2 cards", `m:ss` clocks, short human durations and
the eight-step block levels of sparklines live here, so the terminal, the Markdown and HTML
reports and the CLI's one-line messages say the same thing the same way. Pure functions of the
standard library only: the drill's start-up path imports this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

NONE = "—"  # a figure that does not exist yet (nothing studied, no reviews)
BLOCKS = "▁▂▃▄▅▆▇█"


def pct(x: float | None) -> str:
    """0.954 → `95%`; None → `—`."""
    return NONE if x is None else f"{x * 100:.0f}%"


def num(x: float | None, digits: int = 2) -> str:
    """A fixed-point figure (`0.29`, `7.5` with digits=1); None → `—`."""
    return NONE if x is None else f"{x:.{digits}f}"


def plural(n: int, word: str, many: str | None = None) -> str:
    """`1 card`, `2 cards`; `many` for words whose plural is not word + s."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def mmss(seconds: float) -> str:
    """Whole seconds as a clock: 65.9 → `1:05`."""
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}:{secs:02d}"


def minutes_seconds(seconds: float) -> str:
    """Whole seconds spelled out: 65.9 → `1m 05s` (a session's total time)."""
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m {secs:02d}s"


def human_delta(delta: timedelta) -> str:
    """A short human duration: 45s, 10m, 3h, 4d, 2.5mo, 1.2y."""
    seconds = round(delta.total_seconds())
    if seconds < 60:
        return f"{max(0, round(seconds))}s"
    if seconds < 3600:
        return f"{round(seconds / 60)}m"
    if seconds < 86400:
        return f"{round(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"


def block_level(value: int, peak: int) -> int:
    """Which of the eight BLOCKS draws `value` (> 0) on a scale whose top is `peak`."""
    return min(7, (value * 8 - 1) // max(peak, 1))


def sparkline(values: Sequence[int]) -> str:
    """One block per value, `·` for zero: `▁▃█·▂`."""
    top = max(values, default=0)
    if top == 0:
        return "·" * len(values)
    return "".join("·" if v == 0 else BLOCKS[block_level(v, top)] for v in values)
