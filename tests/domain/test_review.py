"""The rule for a rating, as pure functions: reps, lapses, burial, cram, a stale screen, undo."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from interview_drill.domain.review import (
    CardRow,
    GivenRating,
    LogEntry,
    Memory,
    Phase,
    Rating,
    apply_rating,
    is_stale,
    kept_outcome,
    restored_row,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def memory(phase: Phase, days: int = 1) -> Memory:
    return Memory(phase, None if phase == Phase.REVIEW else 0, 3.0, 5.0, T0 + timedelta(days=days), T0)


REVIEW = CardRow(
    "c", memory(Phase.REVIEW), reps=4, lapses=1, content_hash="old", buried_until=T0 + timedelta(hours=5)
)
LEARNING = CardRow("c", memory(Phase.LEARNING), reps=1)
NEXT = memory(Phase.REVIEW, days=9)


@pytest.mark.parametrize(
    ("known", "rating", "kind", "reps", "lapses", "content_hash", "buried"),
    [
        (None, Rating.AGAIN, "scheduled", 1, 0, "new", None),  # a new card: no lapse
        (LEARNING, Rating.AGAIN, "scheduled", 2, 0, "new", None),  # learning: no lapse
        (REVIEW, Rating.AGAIN, "scheduled", 5, 2, "new", None),  # a review card forgotten: a lapse
        (REVIEW, Rating.GOOD, "mock", 5, 1, "new", None),  # mock grades schedule too; un-buries
        (REVIEW, Rating.AGAIN, "cram", 4, 1, "old", REVIEW.buried_until),  # cram changes nothing
    ],
)
def test_apply_rating(known, rating, kind, reps, lapses, content_hash, buried):
    given = GivenRating("c", rating, T0, kind, content_hash="new")
    after, entry = apply_rating(known, given, NEXT)
    assert (after.reps, after.lapses, after.content_hash, after.buried_until) == (
        reps,
        lapses,
        content_hash,
        buried,
    )
    assert after.memory == (NEXT if kind != "cram" else (known.memory if known else None))
    assert entry.before == known  # exactly the row before (None: there was none), for undo
    assert entry.phase_before == (known.phase if known else Phase.NEW)
    assert (entry.slug, entry.rating, entry.reviewed_at, entry.kind) == ("c", rating, T0, kind)


def test_apply_rating_keeps_the_content_hash_when_none_is_given_and_sorts_traps():
    after, entry = apply_rating(REVIEW, GivenRating("c", Rating.GOOD, T0, traps_hit=[2, 0]), NEXT)
    assert after.content_hash == "old"
    assert entry.traps_hit == (0, 2)


def test_apply_rating_refuses_what_it_cannot_apply():
    with pytest.raises(ValueError, match="needs the card's new memory"):
        apply_rating(REVIEW, GivenRating("c", Rating.GOOD, T0), None)
    with pytest.raises(ValueError, match="unknown review kind"):
        apply_rating(REVIEW, GivenRating("c", Rating.GOOD, T0, "exam"), NEXT)


@pytest.mark.parametrize(
    ("shown", "outcome", "kind", "current", "stale", "kept"),
    [
        (REVIEW, NEXT, "scheduled", REVIEW, False, NEXT),  # the screen is current: its outcome applies
        (None, NEXT, "scheduled", CardRow("c"), False, NEXT),  # new on screen, still new
        (None, NEXT, "scheduled", LEARNING, True, None),  # rated elsewhere meanwhile: recompute
        (LEARNING, NEXT, "scheduled", REVIEW, True, None),
        (REVIEW, None, "scheduled", REVIEW, False, None),  # nothing was previewed: compute it
        (None, None, "cram", REVIEW, False, None),  # cram never goes stale: it schedules nothing
    ],
)
def test_a_stale_screen_means_recomputing(shown, outcome, kind, current, stale, kept):
    given = GivenRating("c", Rating.GOOD, T0, kind, shown=shown, outcome=outcome)
    assert is_stale(given, current) is stale
    assert kept_outcome(given, current) == kept


def entry(kind: str, before: CardRow | None) -> LogEntry:
    return LogEntry("c", Rating.GOOD, T0, kind, before.phase if before else Phase.NEW, before)


@pytest.mark.parametrize(
    ("logged", "current", "others", "restored"),
    [
        (entry("scheduled", None), LEARNING, False, None),  # the review made the row: it goes
        (entry("cram", None), CardRow("c"), False, None),
        (entry("scheduled", None), LEARNING, True, CardRow("c")),  # other reviews refer to it: new again
        (entry("scheduled", REVIEW), LEARNING, True, REVIEW),  # exactly as before
        (entry("cram", REVIEW), LEARNING, True, LEARNING),  # cram changed nothing: leave it
    ],
)
def test_restored_row_after_undo(logged, current, others, restored):
    assert restored_row(logged, current, others) == restored
