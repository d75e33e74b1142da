"""Plain data shared by the store, the scheduler and the session: no fsrs, no SQL, no Rich."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any

KINDS_OF_REVIEW = ("scheduled", "cram", "mock")


class Rating(IntEnum):
    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def label(self) -> str:
        return self.name.capitalize()


class Phase(IntEnum):
    """FSRS card states, plus NEW (py-fsrs has none: a card with no review yet)."""

    NEW = 0
    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Memory:
    """The FSRS scheduling state of a card that has been reviewed at least once."""

    phase: Phase
    step: int | None
    stability: float
    difficulty: float
    due: datetime
    last_review: datetime


@dataclass(frozen=True)
class CardRow:
    """What the history knows about one card (by slug). `memory is None` means new."""

    slug: str
    memory: Memory | None = None
    reps: int = 0
    lapses: int = 0
    content_hash: str | None = None
    buried_until: datetime | None = None
    suspended: bool = False

    @property
    def phase(self) -> Phase:
        return self.memory.phase if self.memory else Phase.NEW

    def with_memory(self, memory: Memory | None, **changes: Any) -> CardRow:
        return replace(self, memory=memory, **changes)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if self.memory:
            data["memory"] = {**asdict(self.memory), "phase": int(self.memory.phase)}
            for key in ("due", "last_review"):
                data["memory"][key] = to_ms(getattr(self.memory, key))
        data["buried_until"] = to_ms(self.buried_until) if self.buried_until else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CardRow:
        mem = data.get("memory")
        memory = None
        if mem:
            memory = Memory(
                phase=Phase(mem["phase"]),
                step=mem["step"],
                stability=mem["stability"],
                difficulty=mem["difficulty"],
                due=from_ms(mem["due"]),
                last_review=from_ms(mem["last_review"]),
            )
        return cls(
            slug=data["slug"],
            memory=memory,
            reps=data.get("reps", 0),
            lapses=data.get("lapses", 0),
            content_hash=data.get("content_hash"),
            buried_until=from_ms(data["buried_until"]) if data.get("buried_until") else None,
            suspended=bool(data.get("suspended", False)),
        )


def row_for(card: Any, rows: Mapping[str, CardRow]) -> CardRow:
    """A card's history row (by `card.id`), also when still stored under one of `card.aliases`."""
    row = rows.get(card.id)
    if row is not None:
        return row
    for alias in card.aliases:
        if alias in rows:
            return replace(rows[alias], slug=card.id)
    return CardRow(card.id)


def to_ms(moment: datetime) -> int:
    """A timezone-aware datetime as integer milliseconds since the epoch."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: every time in interview-drill is timezone-aware UTC")
    return round(moment.timestamp() * 1000)


def from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


@dataclass(frozen=True)
class Review:
    """One line of the review log."""

    id: int
    slug: str
    rating: Rating
    reviewed_at: datetime
    duration_ms: int | None
    kind: str
    phase_before: Phase
    session_id: int | None = None
