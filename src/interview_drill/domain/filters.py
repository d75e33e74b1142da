"""Which cards a command works on: topic, seniority, kind, tag and text filters."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from interview_drill.domain.cards import KINDS, SENIORITIES, Card, seniority_rank
from interview_drill.errors import Hint, UsageError


@dataclass(frozen=True)
class CardFilter:
    """Filters combine with AND across kinds of filter and OR within one (repeatable) filter."""

    topics: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    max_level: str | None = None
    kinds: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    search: str | None = None

    def matches(self, card: Card) -> bool:
        if self.topics and card.topic not in self.topics:
            return False
        if self.levels and card.seniority not in self.levels:
            return False
        if self.max_level and seniority_rank(card.seniority) > seniority_rank(self.max_level):
            return False
        if self.kinds and card.kind not in self.kinds:
            return False
        if self.tags and not set(self.tags) & set(card.tags):
            return False
        if self.search:
            needle = self.search.lower()
            haystack = " ".join([card.id, card.question, *card.outline]).lower()
            if needle not in haystack:
                return False
        return True

    def apply(self, cards: Iterable[Card]) -> list[Card]:
        if not self.active:  # the usual case: every card, without a call per card
            return list(cards)
        return [c for c in cards if self.matches(c)]

    def check(self, topics: Iterable[str], tags: Iterable[str]) -> None:
        """Raise UsageError for a filter value that matches nothing that exists."""
        check_values("topic", self.topics, sorted(topics))
        check_values("level", self.levels, SENIORITIES)
        if self.max_level:
            check_values("max-level", (self.max_level,), SENIORITIES)
        check_values("kind", self.kinds, KINDS)
        check_values("tag", self.tags, sorted(tags))

    @property
    def active(self) -> bool:
        return any([self.topics, self.levels, self.max_level, self.kinds, self.tags, self.search])


def check_values(name: str, given: Iterable[str], valid: Iterable[str]) -> None:
    valid = list(valid)
    for value in given:
        if value not in valid:
            close = difflib.get_close_matches(value, valid, n=1)
            hint = f" Did you mean `{close[0]}`?" if close else ""
            message = f"unknown {name} `{value}`.{hint} Valid: {', '.join(valid[:20])}"
            if len(valid) > 20:
                raise UsageError(f"{message}, … ({len(valid)} in all; ", Hint.LIST_CARDS, ")")
            raise UsageError(message)


def make_filter(
    topic: list[str] | None = None,
    level: list[str] | None = None,
    max_level: str | None = None,
    kind: list[str] | None = None,
    tag: list[str] | None = None,
    search: str | None = None,
) -> CardFilter:
    return CardFilter(
        topics=tuple(topic or ()),
        levels=tuple(level or ()),
        max_level=max_level,
        kinds=tuple(kind or ()),
        tags=tuple(tag or ()),
        search=search,
    )
