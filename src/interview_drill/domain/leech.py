"""Leeches: cards forgotten again and again (`leech_threshold` lapses, 8 by default as in Anki)."""

from __future__ import annotations

from collections.abc import Iterable

from interview_drill.domain.cards import Card
from interview_drill.domain.review import CardRow
from interview_drill.domain.settings import Settings


def is_leech(row: CardRow, settings: Settings) -> bool:
    """A card with at least `leech_threshold` lapses (0 turns leeches off)."""
    return settings.leech_threshold > 0 and row.lapses >= settings.leech_threshold


def became_leech(before: CardRow, after: CardRow, settings: Settings) -> bool:
    """This rating made the card a leech (its lapses reached the threshold just now)."""
    return is_leech(after, settings) and not is_leech(before, settings)


def leeches(cards: Iterable[tuple[Card, int]], settings: Settings) -> list[tuple[Card, int]]:
    """The leeches among (card, its lapses) pairs, most lapses first (`leech_threshold` 0: none)."""
    threshold = settings.leech_threshold
    if threshold <= 0:
        return []
    return sorted(((c, n) for c, n in cards if n >= threshold), key=lambda pair: (-pair[1], pair[0].id))
