"""The coding round in figures: each card's last check of an attempt, and how many exercises pass.

A check is what running an exercise's hidden tests on the user's attempt gave (`app.exercises`); the
history keeps every one (`storage.checks`). Here only the newest per card counts: "coding: 7/10
exercises passing" means 7 of the 10 selected cards with an exercise had every test pass last time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from interview_drill.domain.cards import Card


@dataclass(frozen=True)
class LastCheck:
    """The newest check of a card's attempt."""

    slug: str
    at: datetime
    passed: int
    total: int
    error: str | None = None  # the tests could not run at all (syntax error, endless loop…)

    @property
    def all_passed(self) -> bool:
        return self.error is None and self.total > 0 and self.passed == self.total


@dataclass(frozen=True)
class CodingFigures:
    exercises: int  # selected cards with a runnable exercise
    tried: int  # of them, checked at least once
    passing: int  # of them, every test passed at the last check


def latest_for(card: Card, last: Mapping[str, LastCheck]) -> LastCheck | None:
    """A card's last check, also when it was made under a former id of the card."""
    found = [c for c in (last.get(s) for s in (card.id, *card.aliases)) if c is not None]
    return max(found, key=lambda c: c.at) if found else None


def coding_figures(cards: Sequence[Card], last: Mapping[str, LastCheck]) -> CodingFigures | None:
    """How the selected cards' exercises stand; None when no selected card has one."""
    runnable = [c for c in cards if c.exercise]
    if not runnable:
        return None
    latest = [latest_for(c, last) for c in runnable]
    return CodingFigures(
        exercises=len(runnable),
        tried=sum(1 for c in latest if c is not None),
        passing=sum(1 for c in latest if c is not None and c.all_passed),
    )
