"""Spreading a backlog of due review cards over the next days (`idrill postpone`). Pure.

After a break, hundreds of cards can be due at once. Two ways to spread them, both keeping every
card's memory (stability, difficulty, history) and changing only when it is next due:
- over N days: the weakest cards (lowest recall now) stay due today, the rest move to later days
  in order of recall, as evenly as the days allow;
- until recall R: each card moves to the last day on which its predicted recall is still at least
  R (a card already below R stays due today).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from interview_drill.domain.review import CardRow

MAX_DAYS = 365


@dataclass(frozen=True)
class Move:
    slug: str
    due: datetime  # the new due moment


def over_days(backlog: Sequence[tuple[CardRow, float]], days: int, now: datetime) -> list[Move]:
    """(row, recall now) of each due card → moves spreading them over `days` days (today included)."""
    if days < 1:
        raise ValueError("days must be at least 1")
    ranked = sorted(backlog, key=lambda pair: (pair[1], pair[0].slug))
    per_day = -(-len(ranked) // days)  # ceiling: the first days take the remainder
    moves = []
    for i, (row, _) in enumerate(ranked):
        day = i // per_day if per_day else 0
        if day:
            moves.append(Move(row.slug, now + timedelta(days=day)))
    return moves


def until_recall(
    backlog: Sequence[CardRow], target: float, now: datetime, recall_at: Callable[[CardRow, datetime], float]
) -> list[Move]:
    """Each card moved to the last day (up to MAX_DAYS) its predicted recall is still ≥ `target`."""
    moves = []
    for row in backlog:
        if recall_at(row, now) < target:
            continue
        low, high = 0, MAX_DAYS  # recall only falls with time: search the last good day
        while low < high:
            mid = (low + high + 1) // 2
            if recall_at(row, now + timedelta(days=mid)) >= target:
                low = mid
            else:
                high = mid - 1
        if low:
            moves.append(Move(row.slug, now + timedelta(days=low)))
    return moves
