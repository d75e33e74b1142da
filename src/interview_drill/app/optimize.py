"""Personal FSRS parameters (`idrill optimize`): collect long-term review histories, fit them with
fsrs-rs (the optional `optimize` extra, imported only here and only when needed), compare on held-out
reviews, and reschedule every card with the new parameters.

py-fsrs itself is reached only through `domain/schedule.py` (recall predictions, weight bounds,
replaying a card). No Typer, no Rich.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import ModuleType
from typing import TYPE_CHECKING

from interview_drill.domain.clock import StudyDays
from interview_drill.domain.review import Phase, Rating
from interview_drill.errors import Hint, UsageError

if TYPE_CHECKING:  # fsrs loads only when fitting or replaying: `idrill optimize --help` stays quick
    from interview_drill.domain.schedule import Scheduler
    from interview_drill.storage.history import Store

MIN_REVIEWS = 400  # long-term reviews (a day or more after the previous one): fsrs-rs needs a few hundred
MIN_CARDS = 20
HOLDOUT = 0.2  # the newest fifth of the long-term reviews is held out to compare parameters
BINS = 20

History = list[tuple[Rating, datetime]]

OPTIMIZE_EXTRA = (Hint.OPTIMIZE, " needs the optimize extra: pip install 'interview-drill[optimize]'")


class OptimizerMissing(UsageError):
    """`fsrs-rs-python` (the optional `optimize` extra) is not installed."""

    def __init__(self) -> None:
        super().__init__(*OPTIMIZE_EXTRA)


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


@dataclass(frozen=True)
class Metrics:
    """How well predicted recall matched what happened (lower is better for both)."""

    log_loss: float
    rmse: float
    n: int


def calibration(pairs: Sequence[tuple[float, bool]], bins: int = BINS) -> Metrics:
    """Log-loss and RMSE(bins) of predicted recall probabilities against actual recall.

    log-loss: the mean of -[y ln p + (1 - y) ln(1 - p)], p clipped to [1e-6, 1 - 1e-6].
    RMSE(bins): reviews are grouped into `bins` equal-width bins of p; the root of the mean, weighted
    by bin size, of (mean p − recall rate)² over the bins.
    """
    if not pairs:
        return Metrics(math.nan, math.nan, 0)
    eps = 1e-6
    loss = 0.0
    sums: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])  # n, sum p, sum y
    for p, recalled in pairs:
        q = min(1 - eps, max(eps, p))
        loss -= math.log(q) if recalled else math.log(1 - q)
        b = sums[min(bins - 1, max(0, int(p * bins)))]
        b[0] += 1
        b[1] += p
        b[2] += float(recalled)
    squares = sum(n * (sp / n - sy / n) ** 2 for n, sp, sy in sums.values())
    return Metrics(loss / len(pairs), math.sqrt(squares / len(pairs)), len(pairs))


def card_histories(store: Store) -> dict[str, list[History]]:
    """Each card's scheduled and mock reviews, split where the card was new again (after a reset)."""
    out: dict[str, list[History]] = defaultdict(list)
    for review in store.reviews(kinds=("scheduled", "mock")):
        segments = out[review.slug]
        if not segments or review.phase_before == Phase.NEW:
            segments.append([])
        segments[-1].append((review.rating, review.reviewed_at))
    return dict(out)


def long_term_times(history: History, days: StudyDays | None = None) -> list[datetime]:
    """Times of the reviews made a study day or more after the card's previous review."""
    days = days or StudyDays()
    return [t for (_, prev), (_, t) in itertools.pairwise(history) if days(prev, t) >= 1]


class NotEnoughHistory(UsageError):
    """Too few long-term reviews, or cards, to fit parameters worth having."""


@dataclass(frozen=True)
class FitReport:
    parameters: tuple[float, ...]  # fitted on every review: what gets saved
    defaults: Metrics  # FSRS defaults on the held-out reviews
    current: Metrics | None  # the user's current personal parameters (if any) on the held-out reviews
    fitted: Metrics  # parameters fitted on the older reviews only, on the held-out reviews
    current_all: Metrics  # the parameters in use (personal or default) on every review
    fitted_all: Metrics  # the saved parameters on every review
    reviews: int  # long-term reviews used
    cards: int
    cutoff: datetime  # held-out reviews are those at or after this moment

    @property
    def reason_to_keep(self) -> str | None:
        """Why the parameters in use should stay, or None when the new ones should replace them.

        The held-out comparison guards against a fit that does not generalise (too little or odd data);
        the comparison on every review (as Anki does) against parameters already fitted to these reviews.
        """
        if self.fitted.log_loss > self.defaults.log_loss:
            return (
                "parameters fitted to your older reviews predicted your newest ones worse than the FSRS "
                "defaults (try again when you have more reviews)"
            )
        if self.fitted_all.log_loss >= self.current_all.log_loss:
            return "the parameters in use already fit your reviews at least as well"
        return None

    @property
    def improves(self) -> bool:
        return self.reason_to_keep is None


def fit_parameters(histories: Iterable[History], days: StudyDays | None = None) -> tuple[float, ...]:
    """Personal FSRS weights fitted to these review histories with fsrs-rs (no PyTorch).

    Each review a day or more after the previous one becomes one training item (the history up to
    it), as the FSRS tools do; same-day reviews feed the short-term part of the model. Elapsed time is
    counted in study days, as the drill counts it.
    """
    from interview_drill.domain.schedule import within_bounds

    days = days or StudyDays()
    fsrs_rs = _fsrs_rs()
    dated = []
    for history in histories:
        reviews = []
        for i, (rating, moment) in enumerate(history):
            gap = days(history[i - 1][1], moment) if i else 0
            reviews.append(fsrs_rs.FSRSReview(int(rating), gap))
            if gap > 0:
                dated.append((moment, fsrs_rs.FSRSItem(list(reviews))))
    dated.sort(key=lambda pair: pair[0])
    fitted = fsrs_rs.FSRS(fsrs_rs.DEFAULT_PARAMETERS).compute_parameters([item for _, item in dated])
    return within_bounds(fitted)


def fit_report(
    histories: dict[str, list[History]], current: Sequence[float] = (), days: StudyDays | None = None
) -> FitReport:
    """Fit on the older reviews and compare on the newest ones, then refit on all of them.

    Raises NotEnoughHistory below MIN_REVIEWS long-term reviews or MIN_CARDS cards.
    """
    segments = [h for per_card in histories.values() for h in per_card]
    times = sorted(t for h in segments for t in long_term_times(h, days))
    cards = sum(1 for per_card in histories.values() if any(long_term_times(h, days) for h in per_card))
    if len(times) < MIN_REVIEWS or cards < MIN_CARDS:
        raise NotEnoughHistory(
            "not enough history to fit personal parameters: ",
            Hint.OPTIMIZE,
            f" needs at least {MIN_REVIEWS} reviews made a day or more after the card's previous review, "
            f"over at least {MIN_CARDS} cards (you have {len(times)} over {cards}); "
            "keep drilling and try again later",
        )
    cutoff = times[int(len(times) * (1 - HOLDOUT))]
    train = [kept for h in segments if (kept := [(r, t) for r, t in h if t < cutoff])]
    on_train = fit_parameters(train, days)
    final = fit_parameters(segments, days)
    tested = [h for h in segments if h and h[-1][1] >= cutoff]
    current = tuple(current)
    return FitReport(
        parameters=final,
        defaults=held_out_metrics(tested, (), cutoff, days),
        current=held_out_metrics(tested, current, cutoff, days) if current else None,
        fitted=held_out_metrics(tested, on_train, cutoff, days),
        current_all=held_out_metrics(segments, current, times[0], days),
        fitted_all=held_out_metrics(segments, final, times[0], days),
        reviews=len(times),
        cards=cards,
        cutoff=cutoff,
    )


def held_out_metrics(
    histories: Iterable[History], parameters: Sequence[float], cutoff: datetime, days: StudyDays | None = None
) -> Metrics:
    from interview_drill.domain.schedule import recall_predictions

    pairs = [
        (p, recalled)
        for h in histories
        for t, p, recalled in recall_predictions(h, parameters, days)
        if t >= cutoff
    ]
    return calibration(pairs)


def reschedule(
    store: Store, scheduler: Scheduler, on_progress: Callable[[int, int], None] | None = None
) -> int:
    """Replay every scheduled card's reviews (since it was last new) under `scheduler`; one transaction.

    Cards that are new (never reviewed, or reset) stay new. Returns how many cards changed.
    """
    changed = 0
    with store.transaction():
        histories = card_histories(store)
        for done, (slug, segments) in enumerate(sorted(histories.items()), 1):
            card_id, row = store.read_for_update(slug)
            if row is not None and row.memory is not None and segments:
                first = max(0, row.reps - len(segments[-1]))  # the drill seeds fuzz by review count
                memory = scheduler.replay(segments[-1], slug, first)
                if memory is not None and memory != row.memory:
                    store.upsert_row(card_id, row.with_memory(memory))
                    changed += 1
            if on_progress is not None:
                on_progress(done, len(histories))
    return changed
