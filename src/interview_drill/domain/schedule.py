"""Scheduling: the only module that knows py-fsrs exists.

The FSRS adapter (`Scheduler`): the next state for a rating (the four outcomes computed once, so the
interval shown is the interval given), retrievability, replaying a card's history; and what the
optimiser's reports need of FSRS: elapsed days, recall predictions, the bounds of valid weights.
Today's queue is in `queue.py`; fitting personal weights is in `app/optimize.py`.

Three things differ from calling py-fsrs directly, as in Anki:
- Elapsed time between reviews is counted in **study days** (the day rolls over at the user's hour),
  not in 24-hour periods: a card reviewed at 22:00 and again the next study day at 08:00 has waited
  one day. py-fsrs counts `(now - last_review).days`, so the card is handed to it with its last
  review moved to exactly that many whole days before now. Learning steps keep minute precision.
- Fuzz is ours (`fuzz.py`): seeded by the card and its review count, so the same state at the same
  moment always gives the same buttons; py-fsrs's own fuzz (the process-global `random`) is off.
- Review intervals are ordered Hard < Good < Easy after fuzz.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta, tzinfo
from functools import cached_property
from typing import TYPE_CHECKING

from interview_drill.domain.clock import StudyDays, study_day
from interview_drill.domain.fuzz import fuzz_factor, passing_intervals
from interview_drill.domain.review import CardRow, Memory, Phase, Rating
from interview_drill.domain.settings import Settings
from interview_drill.errors import ConfigError, Hint

if TYPE_CHECKING:
    from fsrs import Card as FsrsCard
    from fsrs import Scheduler as FsrsScheduler

History = Sequence[tuple[Rating, datetime]]  # one card's scheduled/mock reviews, oldest first

# py-fsrs's default weights (`fsrs.scheduler.DEFAULT_PARAMETERS`; a test pins them to its own), so a
# scheduler with the default weights needs no py-fsrs until it rates a card: `stats` and `report`
# only read the recall formula's terms, and py-fsrs's import (with typing_extensions) costs ~4 ms.
DEFAULT_PARAMETERS = (
    0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796,
    1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
)  # fmt: skip


def default_parameters() -> tuple[float, ...]:
    return DEFAULT_PARAMETERS


MAXIMUM_INTERVAL = 36500  # days


class Scheduler:
    """FSRS with the user's settings. `fuzz=False` makes intervals exact (tests).

    `tz` is the zone study days are counted in (None: the system's local time), with the day
    starting at `settings.rollover_hour`.
    """

    def __init__(self, settings: Settings | None = None, *, fuzz: bool = True, tz: tzinfo | None = None):
        settings = settings or Settings()
        self.settings = settings
        self.fuzz = fuzz
        self.tz = tz
        self.days = StudyDays(settings.rollover_hour, tz)
        if settings.parameters:  # py-fsrs bounds-checks the weights it is given: at once, as always
            self.parameters = tuple(self._fsrs.parameters)
        else:  # the defaults need no check: py-fsrs is imported at the first rating (`_fsrs`)
            self.parameters = DEFAULT_PARAMETERS
        self._decay = -self.parameters[20]
        self._factor = 0.9 ** (1 / self._decay) - 1

    @cached_property
    def _fsrs(self) -> FsrsScheduler:
        """py-fsrs's scheduler with these settings (made when first needed; see `DEFAULT_PARAMETERS`)."""
        from fsrs import Scheduler as FsrsScheduler

        settings = self.settings
        try:
            return FsrsScheduler(
                parameters=settings.parameters or DEFAULT_PARAMETERS,
                desired_retention=settings.desired_retention,
                learning_steps=tuple(timedelta(minutes=m) for m in settings.learning_steps),
                relearning_steps=tuple(timedelta(minutes=m) for m in settings.relearning_steps),
                maximum_interval=settings.maximum_interval,
                enable_fuzzing=False,  # ours is seeded per card: see fuzz.py
            )
        except ValueError as exc:  # py-fsrs bounds-checks each weight
            raise ConfigError(
                f"parameters: not valid FSRS weights ({exc}); ", Hint.DEFAULT_PARAMETERS
            ) from None

    # ------------------------------------------------------------ one card

    def elapsed_days(self, earlier: datetime, later: datetime) -> int:
        """Study days from `earlier` to `later` (0 within one study day)."""
        return self.days(earlier, later)

    def preview(self, row: CardRow, now: datetime) -> dict[Rating, Memory]:
        """The state each rating would lead to — computed once; persist the chosen one."""
        _require_aware(now)
        factor = fuzz_factor(row.slug, row.reps) if self.fuzz else None
        return self._outcomes(row.memory, now, factor)

    def next_memory(self, row: CardRow, rating: Rating, now: datetime) -> Memory:
        return self.preview(row, now)[rating]

    def _outcomes(self, memory: Memory | None, now: datetime, factor: float | None) -> dict[Rating, Memory]:
        from fsrs import Rating as FsrsRating

        card = self._to_fsrs(memory, now)
        out = {}
        for rating in Rating:
            new, _ = self._fsrs.review_card(card, FsrsRating(int(rating)), review_datetime=now)
            out[rating] = _from_fsrs(new)
        return self._spread(out, memory, now, factor)

    def _spread(
        self, out: dict[Rating, Memory], before: Memory | None, now: datetime, factor: float | None
    ) -> dict[Rating, Memory]:
        """Fuzz the passing outcomes that land in review and keep them Hard < Good < Easy (in days)."""
        passing = [r for r in (Rating.HARD, Rating.GOOD, Rating.EASY) if out[r].phase == Phase.REVIEW]
        if not passing:
            return out
        days = {r: (out[r].due - now) / timedelta(days=1) for r in passing}
        if before is not None and before.phase == Phase.REVIEW and len(passing) == 3:
            hard, good, easy = passing_intervals(days[Rating.HARD], days[Rating.GOOD], days[Rating.EASY],
                                                 factor, self.settings.maximum_interval)  # fmt: skip
            chosen = {Rating.HARD: hard, Rating.GOOD: good, Rating.EASY: easy}
        else:  # graduating from learning: only the ratings that reach review, still in order
            from interview_drill.domain.fuzz import fuzzed

            chosen, floor = {}, 1
            for r in passing:
                chosen[r] = fuzzed(days[r], factor, floor, self.settings.maximum_interval)
                floor = chosen[r] + 1
        for r, ivl in chosen.items():
            out[r] = replace(out[r], due=now + timedelta(days=ivl))
        return out

    def retrievability(self, memory: Memory | None, now: datetime) -> float:
        """Probability of recall now (0 for a card never studied), elapsed time in study days."""
        if memory is None:
            return 0.0
        return self.recall_at(now)(memory)

    @property
    def recall_terms(self) -> tuple[float, float]:
        """(factor, decay) of the recall formula `(1 + factor * study days / stability) ** decay`."""
        return self._factor, self._decay

    def recall_at(self, now: datetime) -> Callable[[Memory], float]:
        """`retrievability(memory, now)` for many cards at one moment: today's study day found once."""
        rollover, tz = self.days.rollover_hour, self.days.tz
        today = study_day(now, rollover, tz)
        factor, decay = self._factor, self._decay

        def recall(memory: Memory) -> float:
            days = max(0, (today - study_day(memory.last_review, rollover, tz)).days)
            return float((1 + factor * days / memory.stability) ** decay)

        return recall

    def replay(
        self, ratings: Sequence[tuple[Rating, datetime]], card_key: str = "", first_reps: int = 0
    ) -> Memory | None:
        """The state a card reaches after these (rating, time) reviews under this scheduler's parameters.

        Each review is applied as the drill applies it (study days, the card's own fuzz seeded by its
        key and review count, the first of these reviews being review number `first_reps`), so a
        reschedule gives the due dates the drill would have given.
        """
        memory: Memory | None = None
        for i, (rating, moment) in enumerate(ratings):
            factor = fuzz_factor(card_key, first_reps + i) if self.fuzz and card_key else None
            memory = self._outcomes(memory, moment, factor)[rating]
        return memory

    def _to_fsrs(self, memory: Memory | None, now: datetime) -> FsrsCard:
        from fsrs import Card as FsrsCard
        from fsrs import State as FsrsState

        if memory is None:  # new: explicit id and due, so py-fsrs never reads the clock or sleeps
            return FsrsCard(card_id=1, state=FsrsState.Learning, step=0, due=now.astimezone(UTC))
        # py-fsrs counts whole 24-hour periods since the last review: hand it the study days instead.
        last = now - timedelta(days=self.elapsed_days(memory.last_review, now))
        return FsrsCard(
            card_id=1,
            state=FsrsState(int(memory.phase)),
            step=memory.step,
            stability=memory.stability,
            difficulty=memory.difficulty,
            due=memory.due.astimezone(UTC),
            last_review=min(last, now).astimezone(UTC),
        )


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: use timezone-aware UTC")


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
    history: History, parameters: Sequence[float] = (), days: StudyDays | None = None
) -> list[tuple[datetime, float, bool]]:
    """(time, predicted recall, recalled?) for each review a study day or more after the previous one.

    The card is stepped through its history with these parameters (empty = FSRS defaults), exactly
    as the drill steps it (study days, no fuzz); the prediction for a review uses only the reviews
    before it.
    """
    days = days or StudyDays()
    settings = Settings(parameters=tuple(parameters), rollover_hour=days.rollover_hour)
    scheduler = Scheduler(settings, fuzz=False, tz=days.tz)
    out: list[tuple[datetime, float, bool]] = []
    memory: Memory | None = None
    for rating, moment in history:
        if memory is not None and days(memory.last_review, moment) >= 1:
            out.append((moment, scheduler.retrievability(memory, moment), rating != Rating.AGAIN))
        memory = scheduler._outcomes(memory, moment, None)[rating]
    return out
