"""What a rating is and what it does to a card: the data the store, the scheduler and the loops
share (Rating, Phase, Memory, CardRow, the log's entries) and the one rule for applying a rating
(`apply_rating`: reps, lapses, burial, cram, a stale screen) and for undoing it (`restored_row`).
Pure: no fsrs (the new memory comes in as a value), no SQL, no clock, no Rich.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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

    def held_back(self, now: datetime) -> bool:
        """Out of every queue at `now`: suspended, or buried until later."""
        return self.suspended or (self.buried_until is not None and self.buried_until > now)

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


# ---------------------------------------------------------------- applying a rating


@dataclass(frozen=True)
class GivenRating:
    """A rating as the user gave it, with what the session showed them when they gave it."""

    slug: str
    rating: Rating
    at: datetime
    kind: str = "scheduled"  # one of KINDS_OF_REVIEW
    shown: CardRow | None = None  # the card's state on screen (None: new); `outcome` came from it
    outcome: Memory | None = None  # the state the screen offered for this rating (None: not computed)
    content_hash: str | None = None
    duration_ms: int | None = None
    session_id: int | None = None
    answer: str | None = None  # typed before revealing
    traps_hit: Sequence[int] | None = None  # indices into the card's traps

    @property
    def changes_schedule(self) -> bool:
        """Cram is logged for the stats of the day but moves no due date."""
        return self.kind != "cram"


@dataclass(frozen=True)
class LogEntry:
    """One line of the review log as written: with the exact state before it, so undo can restore it."""

    slug: str
    rating: Rating
    reviewed_at: datetime
    kind: str
    phase_before: Phase
    before: CardRow | None  # None: the history did not know the card before this review
    duration_ms: int | None = None
    session_id: int | None = None
    answer: str | None = None
    traps_hit: tuple[int, ...] | None = None


def is_stale(given: GivenRating, current: CardRow) -> bool:
    """The card changed since the session showed it (another session rated it): its outcomes no longer apply."""
    shown = given.shown.memory if given.shown else None
    return given.changes_schedule and shown != current.memory


def kept_outcome(given: GivenRating, current: CardRow) -> Memory | None:
    """The outcome the screen offered, if it still applies to `current`; None when it must be computed
    from `current` (never computed, or the card changed meanwhile). Never a stale state's outcome."""
    return None if is_stale(given, current) else given.outcome


def apply_rating(
    known: CardRow | None, given: GivenRating, memory: Memory | None
) -> tuple[CardRow, LogEntry]:
    """The card's row after a rating, and the log entry that records it.

    `known` is the card's current row (None: the history has none yet); `memory` is the state the
    scheduler gives `known` for this rating (see `kept_outcome`), unused for cram. A rating counts a
    rep, a lapse when a review card is forgotten, un-buries the card and notes the text it was given
    on; cram changes nothing.
    """
    if given.kind not in KINDS_OF_REVIEW:
        raise ValueError(f"unknown review kind {given.kind!r}")
    before = known or CardRow(given.slug)
    after = before
    if given.changes_schedule:
        if memory is None:
            raise ValueError("a scheduled or mock rating needs the card's new memory")
        lapsed = given.rating == Rating.AGAIN and before.phase == Phase.REVIEW
        after = before.with_memory(
            memory,
            reps=before.reps + 1,
            lapses=before.lapses + int(lapsed),
            content_hash=given.content_hash or before.content_hash,
            buried_until=None,
        )
    entry = LogEntry(
        slug=given.slug,
        rating=given.rating,
        reviewed_at=given.at,
        kind=given.kind,
        phase_before=before.phase,
        before=known,
        duration_ms=given.duration_ms,
        session_id=given.session_id,
        answer=given.answer,
        traps_hit=tuple(sorted(given.traps_hit)) if given.traps_hit is not None else None,
    )
    return after, entry


def restored_row(entry: LogEntry, current: CardRow | None, other_reviews: bool) -> CardRow | None:
    """The card's row once `entry` is undone: exactly its state before the review.

    None: the review created the row and nothing else refers to the card, so the row goes. A cram
    review changed no state, so the row stays as it is now.
    """
    if entry.before is None and not other_reviews:
        return None
    if entry.kind == "cram":
        return current or CardRow(entry.slug)
    return entry.before or CardRow(entry.slug)
