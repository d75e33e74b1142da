"""Scheduling: the only module that knows py-fsrs exists.

The FSRS adapter (`Scheduler`): the next state for a rating (the four outcomes computed once, so the
interval shown is the interval given), retrievability, replaying a card's history; and what the
optimiser's reports need of FSRS: elapsed days as FSRS counts them, recall predictions, the bounds of
valid weights. Today's queue is in `queue.py`; fitting personal weights is in `app/optimize.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from fsrs import Card as FsrsCard
from fsrs import Rating as FsrsRating
from fsrs import ReviewLog as FsrsLog
from fsrs import Scheduler as FsrsScheduler
from fsrs import State as FsrsState

from interview_drill.domain.review import CardRow, Memory, Phase, Rating
from interview_drill.domain.settings import Settings
from interview_drill.errors import ConfigError, Hint

History = Sequence[tuple[Rating, datetime]]  # one card's scheduled/mock reviews, oldest first


def default_parameters() -> tuple[float, ...]:
    return tuple(FsrsScheduler().parameters)


class Scheduler:
    """FSRS with the user's settings. `fuzz=False` makes intervals exact (tests)."""

    def __init__(self, settings: Settings | None = None, *, fuzz: bool = True):
        settings = settings or Settings()
        self.settings = settings
        try:
            self._fsrs = FsrsScheduler(
                parameters=settings.parameters or FsrsScheduler().parameters,
                desired_retention=settings.desired_retention,
                learning_steps=tuple(timedelta(minutes=m) for m in settings.learning_steps),
                relearning_steps=tuple(timedelta(minutes=m) for m in settings.relearning_steps),
                maximum_interval=settings.maximum_interval,
                enable_fuzzing=fuzz,
            )
        except ValueError as exc:  # py-fsrs bounds-checks each weight
            raise ConfigError(
                f"parameters: not valid FSRS weights ({exc}); ", Hint.DEFAULT_PARAMETERS
            ) from None
        self.parameters = tuple(self._fsrs.parameters)
        self._decay = -self.parameters[20]
        self._factor = 0.9 ** (1 / self._decay) - 1

    # ------------------------------------------------------------ one card

    def preview(self, row: CardRow, now: datetime) -> dict[Rating, Memory]:
        """The state each rating would lead to — computed once; persist the chosen one."""
        _require_aware(now)
        card = _to_fsrs(row, now)
        out = {}
        for rating in Rating:
            new, _ = self._fsrs.review_card(card, FsrsRating(int(rating)), review_datetime=now)
            out[rating] = _from_fsrs(new)
        return out

    def next_memory(self, row: CardRow, rating: Rating, now: datetime) -> Memory:
        return self.preview(row, now)[rating]

    def retrievability(self, memory: Memory | None, now: datetime) -> float:
        """Probability of recall now (0 for a card never studied). Same formula as py-fsrs."""
        if memory is None:
            return 0.0
        days = max(0, (now - memory.last_review).days)
        return float((1 + self._factor * days / memory.stability) ** self._decay)

    def replay(self, ratings: Sequence[tuple[Rating, datetime]], card_id: int = 1) -> Memory | None:
        """The state a card reaches after these (rating, time) reviews under this scheduler's parameters."""
        if not ratings:
            return None
        first = ratings[0][1]
        card = FsrsCard(card_id=card_id, due=first)
        logs = [
            FsrsLog(card_id=card_id, rating=FsrsRating(int(r)), review_datetime=t, review_duration=None)
            for r, t in ratings
        ]
        return _from_fsrs(self._fsrs.reschedule_card(card, logs))


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: use timezone-aware UTC")


def _to_fsrs(row: CardRow, now: datetime) -> FsrsCard:
    m = row.memory
    if m is None:  # new: explicit id and due, so py-fsrs never reads the clock or sleeps
        return FsrsCard(card_id=1, state=FsrsState.Learning, step=0, due=now.astimezone(UTC))
    return FsrsCard(
        card_id=1,
        state=FsrsState(int(m.phase)),
        step=m.step,
        stability=m.stability,
        difficulty=m.difficulty,
        due=m.due.astimezone(UTC),
        last_review=m.last_review.astimezone(UTC),
    )


def _from_fsrs(card: FsrsCard) -> Memory:
    assert card.stability is not None and card.difficulty is not None and card.last_review is not None
    return Memory(
        phase=Phase(int(card.state)),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )


# ---------------------------------------------------------------- for the optimiser (`idrill optimize`)


def elapsed_days(earlier: datetime, later: datetime) -> int:
    """Whole days between two reviews, counted the way py-fsrs counts them when it schedules."""
    return (later - earlier).days


def within_bounds(values: Sequence[float]) -> tuple[float, ...]:
    """Rounded for a readable config file and clamped to what py-fsrs accepts."""
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    if len(values) != len(LOWER_BOUNDS_PARAMETERS):
        raise ValueError(f"the optimiser returned {len(values)} parameters, expected 21")
    return tuple(
        min(hi, max(lo, round(float(v), 6)))
        for v, lo, hi in zip(values, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)
    )


def recall_predictions(
    history: History, parameters: Sequence[float] = ()
) -> list[tuple[datetime, float, bool]]:
    """(time, predicted recall, recalled?) for each review a day or more after the previous one.

    The card is stepped through its history with these parameters (empty = FSRS defaults); the
    prediction for a review uses only the reviews before it.
    """
    scheduler = FsrsScheduler(parameters=tuple(parameters) or default_parameters(), enable_fuzzing=False)
    out: list[tuple[datetime, float, bool]] = []
    card = FsrsCard(card_id=1, due=history[0][1]) if history else None
    for rating, moment in history:
        assert card is not None
        if card.last_review is not None and elapsed_days(card.last_review, moment) >= 1:
            out.append((moment, scheduler.get_card_retrievability(card, moment), rating != Rating.AGAIN))
        card, _ = scheduler.review_card(card, FsrsRating(int(rating)), review_datetime=moment)
    return out
