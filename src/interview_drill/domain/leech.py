"""Leeches: cards forgotten again and again (`leech_threshold` lapses, 8 by default as in Anki)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from interview_drill.domain.cards import Card
from interview_drill.domain.review import CardRow, row_for
from interview_drill.domain.settings import Settings


def is_leech(row: CardRow, settings: Settings) -> bool:
    """A card with at least `leech_threshold` lapses (0 turns leeches off)."""
    return settings.leech_threshold > 0 and row.lapses >= settings.leech_threshold


def became_leech(before: CardRow, after: CardRow, settings: Settings) -> bool:
    """This rating made the card a leech (its lapses reached the threshold just now)."""
    return is_leech(after, settings) and not is_leech(before, settings)


def leeches(
    cards: Iterable[Card], rows: Mapping[str, CardRow], settings: Settings
) -> list[tuple[Card, CardRow]]:
    """The leeches among `cards`, most lapses first."""
    found = [(c, r) for c in cards if is_leech(r := row_for(c, rows), settings)]
    return sorted(found, key=lambda pair: (-pair[1].lapses, pair[0].id))
