"""Scheduling: the only module that knows py-fsrs exists.

Next state for a rating (the four outcomes computed once, so the interval shown is the interval
given), retrievability in bulk, and today's queue: due cards first, then new cards up to the limits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import ModuleType

from fsrs import Card as FsrsCard
from fsrs import Rating as FsrsRating
from fsrs import ReviewLog as FsrsLog
from fsrs import Scheduler as FsrsScheduler
from fsrs import State as FsrsState

from interview_drill.domain.cards import FREQUENCIES, Card, seniority_rank
from interview_drill.domain.review import CardRow, Memory, Phase, Rating, row_for
from interview_drill.domain.settings import Settings
from interview_drill.errors import ConfigError, UsageError

LEARN_AHEAD = timedelta(minutes=20)  # like Anki: a learning card due this soon may be shown early


def default_parameters() -> tuple[float, ...]:
    return tuple(FsrsScheduler().parameters)


class Scheduler:
    """FSRS with the user's settings. `fuzz=False` makes intervals exact (tests)."""

    def __init__(self, settings: Settings | None = None, *, fuzz: bool = True):
        settings = settings or Settings()
        self.settings = settings
        kwargs = {}
        if settings.parameters:
            kwargs["parameters"] = settings.parameters
        try:
            self._fsrs = FsrsScheduler(
                desired_retention=settings.desired_retention,
                learning_steps=tuple(timedelta(minutes=m) for m in settings.learning_steps),
                relearning_steps=tuple(timedelta(minutes=m) for m in settings.relearning_steps),
                enable_fuzzing=fuzz,
                **kwargs,
            )
        except ValueError as exc:  # py-fsrs bounds-checks each weight
            raise ConfigError(
                f"parameters: not valid FSRS weights ({exc}); `idrill config set parameters []` restores the defaults"
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
        return (1 + self._factor * days / memory.stability) ** self._decay

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


# ---------------------------------------------------------------- the daily queue


@dataclass(frozen=True)
class QueueItem:
    card: Card
    row: CardRow
    retrievability: float
    overdue: timedelta  # how late the card is (zero for new cards)

    @property
    def phase(self) -> Phase:
        return self.row.phase

    @property
    def edited(self) -> bool:
        """The card's text changed since it was last reviewed."""
        return bool(
            self.row.memory and self.row.content_hash and self.row.content_hash != self.card.content_hash
        )


@dataclass(frozen=True)
class Queue:
    due: list[QueueItem]
    new: list[QueueItem]
    later: list[QueueItem]  # learning cards not yet due (may come back within a session)
    next_due: datetime | None  # the earliest future due time among the filtered cards

    @property
    def items(self) -> list[QueueItem]:
        return self.due + self.new


def build_queue(
    cards: Iterable[Card],
    rows: dict[str, CardRow],
    scheduler: Scheduler,
    now: datetime,
    *,
    day_end: datetime,
    new_today: int = 0,
    reviews_today: int = 0,
    new_limit: int | None = None,
) -> Queue:
    """Today's queue over already-filtered cards.

    Due: learning cards due now, then review cards due before the day ends, lowest recall first,
    capped by the review limit. New: up to the new limit (minus those introduced today), most common
    first, topics interleaved, lower seniority first within a topic.
    """
    settings = scheduler.settings
    due: list[QueueItem] = []
    later: list[QueueItem] = []
    fresh: list[tuple[int, Card, CardRow]] = []
    next_due: datetime | None = None
    for order, card in enumerate(cards):
        row = row_for(card, rows)
        if row.suspended or (row.buried_until is not None and row.buried_until > now):
            continue
        m = row.memory
        if m is None:
            fresh.append((order, card, row))
            continue
        learning = m.phase in (Phase.LEARNING, Phase.RELEARNING)
        is_due = m.due <= now if learning else m.due < day_end
        if is_due:
            due.append(QueueItem(card, row, scheduler.retrievability(m, now), max(now - m.due, timedelta(0))))
        else:
            if learning and m.due - now <= LEARN_AHEAD:
                later.append(QueueItem(card, row, scheduler.retrievability(m, now), timedelta(0)))
            if next_due is None or m.due < next_due:
                next_due = m.due
    due.sort(key=lambda it: (it.phase == Phase.REVIEW, it.retrievability, -it.overdue.total_seconds()))
    # The daily review limit caps review-state cards only: learning steps due now are always served.
    review_left = max(0, settings.reviews_per_day - reviews_today)
    due = [it for it in due if it.phase != Phase.REVIEW] + [it for it in due if it.phase == Phase.REVIEW][
        :review_left
    ]
    later.sort(key=lambda it: it.row.memory.due if it.row.memory else now)
    new_left = max(0, new_limit) if new_limit is not None else max(0, settings.new_per_day - new_today)
    new = [QueueItem(c, r, 0.0, timedelta(0)) for c, r in order_new(fresh)[:new_left]]
    return Queue(due=due, new=new, later=later, next_due=next_due)


def order_new(fresh: list[tuple[int, Card, CardRow]]) -> list[tuple[Card, CardRow]]:
    """Very-common before occasional; within a frequency, topics take turns; lower seniority first."""
    out: list[tuple[Card, CardRow]] = []
    for freq in FREQUENCIES:
        by_topic: dict[str, list[tuple[int, Card, CardRow]]] = defaultdict(list)
        for item in fresh:
            if item[1].frequency == freq:
                by_topic[item[1].topic].append(item)
        lanes = [
            sorted(v, key=lambda it: (seniority_rank(it[1].seniority), it[0])) for v in by_topic.values()
        ]
        for i in range(max((len(lane) for lane in lanes), default=0)):
            out += [(lane[i][1], lane[i][2]) for lane in lanes if i < len(lane)]
    return out


# ---------------------------------------------------------------- personal parameters (`idrill optimize`)

OPTIMIZE_EXTRA = "idrill optimize needs the optimize extra: pip install 'interview-drill[optimize]'"

History = Sequence[tuple[Rating, datetime]]  # one card's scheduled/mock reviews, oldest first


class OptimizerMissing(UsageError):
    """`fsrs-rs-python` (the optional `optimize` extra) is not installed."""

    def __init__(self) -> None:
        super().__init__(OPTIMIZE_EXTRA)


def _fsrs_rs() -> ModuleType:
    """The optional optimiser module, imported only when needed."""
    try:
        import fsrs_rs_python
    except ImportError:
        raise OptimizerMissing() from None
    return fsrs_rs_python


def require_optimizer() -> None:
    """Raise OptimizerMissing (exit 2, one line) unless the optimiser can be imported."""
    _fsrs_rs()


def elapsed_days(earlier: datetime, later: datetime) -> int:
    """Whole days between two reviews, counted the way py-fsrs counts them when it schedules."""
    return (later - earlier).days


def fit_parameters(histories: Iterable[History]) -> tuple[float, ...]:
    """Personal FSRS weights fitted to these review histories with fsrs-rs (no PyTorch).

    Each review a day or more after the previous one becomes one training item (the history up to
    it), as the FSRS tools do; same-day reviews feed the short-term part of the model.
    """
    fsrs_rs = _fsrs_rs()
    dated = []
    for history in histories:
        reviews = []
        for i, (rating, moment) in enumerate(history):
            gap = elapsed_days(history[i - 1][1], moment) if i else 0
            reviews.append(fsrs_rs.FSRSReview(int(rating), gap))
            if gap > 0:
                dated.append((moment, fsrs_rs.FSRSItem(list(reviews))))
    dated.sort(key=lambda pair: pair[0])
    fitted = fsrs_rs.FSRS(fsrs_rs.DEFAULT_PARAMETERS).compute_parameters([item for _, item in dated])
    return _within_bounds(fitted)


def _within_bounds(values: Sequence[float]) -> tuple[float, ...]:
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
    kwargs = {"parameters": tuple(parameters)} if parameters else {}
    scheduler = FsrsScheduler(enable_fuzzing=False, **kwargs)
    out: list[tuple[datetime, float, bool]] = []
    card = FsrsCard(card_id=1, due=history[0][1]) if history else None
    for rating, moment in history:
        assert card is not None
        if card.last_review is not None and elapsed_days(card.last_review, moment) >= 1:
            out.append((moment, scheduler.get_card_retrievability(card, moment), rating != Rating.AGAIN))
        card, _ = scheduler.review_card(card, FsrsRating(int(rating)), review_datetime=moment)
    return out


def suggest_retention(parameters: Sequence[float], settings: Settings, deck_size: int) -> float:
    """The desired retention that costs least study time per card remembered, by fsrs-rs simulation."""
    fsrs_rs = _fsrs_rs()
    config = fsrs_rs.default_simulator_config()
    config.deck_size = max(1, deck_size)
    config.learn_span = 365
    config.learn_limit = max(1, settings.new_per_day)
    config.review_limit = max(1, settings.reviews_per_day)
    config.learning_step_count = len(settings.learning_steps)
    config.relearning_step_count = len(settings.relearning_steps)
    return round(float(fsrs_rs.optimal_retention(config, list(parameters or default_parameters()))), 2)
