"""Weakness and readiness of cards, topics and levels: the formula, the figures it is computed over, the ranking.

Owns WEAKNESS_FORMULA (`weakness`), the per-card figures (`CardStats`: recall now, review and Again
counts, due or not), their aggregation into a topic's or a level's figures (`GroupStats`), the
ranking of topics weakest first with never-studied topics last (a gap, not a weakness), and the
readiness of each seniority level. Pure functions over plain data; `stats.compute` and
`readiness.assess` build on them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, NamedTuple

from interview_drill.domain.cards import SENIORITIES, Card
from interview_drill.domain.figures.states import NEW_STATE, CardState, state_of
from interview_drill.domain.review import CardRow, Phase, row_for

if TYPE_CHECKING:
    from interview_drill.domain.schedule import Scheduler

WEIGHTS = {"recall": 0.5, "again": 0.3, "lapses": 0.2}
RECALL_ON_TARGET = 0.85  # mean recall from which "low recall" would mislead (default retention: 90 %)
REASONS = {"recall": "low recall", "again": "high Again rate", "lapses": "many lapses"}
WEAKNESS_FORMULA = (
    "weakness = 0.5 × (1 − mean recall) + 0.3 × Again rate + 0.2 × min(1, lapses per studied card)"
)


@dataclass(frozen=True)
class Weakness:
    """A weakness score in [0, 1] (higher is weaker) and the term that contributes most to it."""

    score: float
    reason: str  # "recall", "again" or "lapses": a key of REASONS
    terms: tuple[tuple[str, float], ...] = ()

    @property
    def label(self) -> str:
        """The reason in words. Recall that is the largest term yet at or above `RECALL_ON_TARGET`
        is no weakness: it is named with its value (`recall 93 %, on target`), not "low recall"."""
        if self.reason == "recall" and self.terms:
            recall = 1.0 - self.terms[0][1] / WEIGHTS["recall"]
            if recall >= RECALL_ON_TARGET:
                return f"recall {recall * 100:.0f} %, on target"
        return REASONS[self.reason]


def weakness_score(mean_recall: float, again_rate: float, lapses_per_card: float) -> float:
    """`weakness(...).score` alone, float for float (the same terms added in the same order)."""
    return (
        WEIGHTS["recall"] * (1.0 - mean_recall)
        + WEIGHTS["again"] * again_rate
        + WEIGHTS["lapses"] * min(1.0, lapses_per_card)
    )


def weakness(mean_recall: float, again_rate: float, lapses_per_card: float) -> Weakness:
    """The weakness formula (see WEAKNESS_FORMULA); the reason is its largest weighted term."""
    terms = (
        ("recall", WEIGHTS["recall"] * (1.0 - mean_recall)),
        ("again", WEIGHTS["again"] * again_rate),
        ("lapses", WEIGHTS["lapses"] * min(1.0, lapses_per_card)),
    )
    reason = max(terms, key=lambda t: t[1])[0]  # ties go to the first: recall, then Again rate
    return Weakness(sum(v for _, v in terms), reason, terms)


# ---------------------------------------------------------------- cards and groups


class CardStats(NamedTuple):
    """One card of the selection: its state now (`states.CardState`) and its review counts (a named
    tuple of plain values: 10,000 of them are made for a report)."""

    card: Card
    state: CardState
    reviews: int
    again: int

    @property
    def recall(self) -> float:
        """Probability of recall now; 0 for a card never studied."""
        return self.state.recall

    @property
    def due_now(self) -> bool:
        return bool(self.state.due_now)

    @property
    def studied(self) -> bool:
        return self.state.phase != 0

    @property
    def phase(self) -> Phase:
        return Phase(self.state.phase)

    @property
    def suspended(self) -> bool:
        return bool(self.state.suspended)

    @property
    def due(self) -> datetime | None:
        ms = self.state.due_ms
        return None if ms is None else datetime.fromtimestamp(ms / 1000, UTC)

    @property
    def stability(self) -> float | None:
        return self.state.stability

    @property
    def lapses(self) -> int:
        return self.state.lapses

    @property
    def again_rate(self) -> float | None:
        return self.again / self.reviews if self.reviews else None

    @property
    def weakness(self) -> Weakness | None:
        """The topic formula applied to this one card (None when never studied)."""
        if not self.studied:
            return None
        return weakness(self.recall, self.again_rate or 0.0, float(self.lapses))


@dataclass(frozen=True)
class GroupStats:
    """Figures of a topic or a seniority level."""

    key: str
    title: str
    cards: int
    seen: int
    suspended: int
    mean_stability: float | None  # days, over studied cards
    mean_recall: float | None  # over studied cards
    reviews: int  # of studied cards
    again: int
    lapses: int
    due_now: int
    weakness: Weakness | None  # None when no card was ever studied: a gap, not a weakness
    readiness: float  # mean recall over all cards, never-studied ones counting 0

    @property
    def new(self) -> int:
        return self.cards - self.seen

    @property
    def coverage(self) -> float:
        return self.seen / self.cards if self.cards else 0.0

    @property
    def again_rate(self) -> float | None:
        return self.again / self.reviews if self.reviews else None

    @property
    def lapses_per_card(self) -> float | None:
        return self.lapses / self.seen if self.seen else None


def card_stats(
    cards: Sequence[Card],
    rows: Mapping[str, CardRow],
    scheduler: Scheduler,
    now: datetime,
    counts: Mapping[str, tuple[int, int]],
    day_end: datetime | None = None,
    forecast_ends: Sequence[datetime] = (),
) -> list[CardStats]:
    """Per-card figures from the cards' `CardRow`s (the reference `Store.card_states` is tested
    against); `counts` maps a slug (current or former) to (reviews, Again ratings)."""
    return stats_of(cards, states_from_rows(cards, rows, scheduler, now, day_end, forecast_ends), counts)


def states_from_rows(
    cards: Sequence[Card],
    rows: Mapping[str, CardRow],
    scheduler: Scheduler,
    now: datetime,
    day_end: datetime | None = None,
    forecast_ends: Sequence[datetime] = (),
) -> dict[str, CardState]:
    """Each card's state, by its id, from its `CardRow` (under its id or a former one)."""
    day_end = day_end or now
    recall_of = scheduler.recall_at(now)
    states = {}
    for card in cards:
        row = rows.get(card.id) or row_for(card, rows)
        states[card.id] = state_of(row, recall_of, now, day_end, forecast_ends)
    return states


def stats_of(
    cards: Sequence[Card], states: Mapping[str, CardState], counts: Mapping[str, tuple[int, int]]
) -> list[CardStats]:
    """Per-card figures from each card's state (by its id, else by the first former id that has one;
    never studied without either) and review counts (slug, current or former → (reviews, Again))."""
    out: list[CardStats] = []
    # 10,000 cards: keep the loop lean (`tuple.__new__` is what the named tuple's constructor calls)
    append, state_of_slug, counted, new = out.append, states.get, counts.get, tuple.__new__
    for card in cards:
        cid = card.id
        if card.aliases:
            state, n, again = with_aliases(card, states, counts)
        else:
            state = state_of_slug(cid, NEW_STATE)
            n, again = counted(cid, _NONE)
        append(new(CardStats, (card, state, n, again)))
    return out


def with_aliases(
    card: Card, states: Mapping[str, CardState], counts: Mapping[str, tuple[int, int]]
) -> tuple[CardState, int, int]:
    """(state, reviews, Again) of a card with former ids, as `stats_of` reads them: its own state,
    else the first former id's that has one; its own counts plus those of each former id."""
    cid = card.id
    state = states.get(cid)
    if state is None:
        state = next((states[a] for a in card.aliases if a in states), NEW_STATE)
    n, again = counts.get(cid, _NONE)
    for alias in card.aliases:
        if alias in counts and alias != cid:
            n, again = n + counts[alias][0], again + counts[alias][1]
    return state, n, again


_NONE = (0, 0)  # the counts of a card never reviewed


def group_stats(key: str, title: str, members: Sequence[CardStats]) -> GroupStats:
    """Aggregate cards into a topic's or a level's figures (the weakness over studied cards only)."""
    seen = suspended = reviews = again = lapses = due_now = 0
    recall_studied = recall_all = stability = 0.0
    for c in members:  # one pass: a report groups 10,000 cards several ways
        st = c.state
        if st.suspended:
            suspended += 1
        if st.due_now:
            due_now += 1
        recall_all += st.recall
        if st.phase:  # studied
            seen += 1
            reviews += c.reviews
            again += c.again
            lapses += st.lapses
            recall_studied += st.recall
            stability += st.stability  # type: ignore[operator]
    mean_recall = recall_studied / seen if seen else None
    weak = None
    if mean_recall is not None:
        weak = weakness(mean_recall, again / reviews if reviews else 0.0, lapses / seen)
    return GroupStats(
        key=key,
        title=title,
        cards=len(members),
        seen=seen,
        suspended=suspended,
        mean_stability=stability / seen if seen else None,
        mean_recall=mean_recall,
        reviews=reviews,
        again=again,
        lapses=lapses,
        due_now=due_now,
        weakness=weak,
        readiness=recall_all / len(members) if members else 0.0,
    )


def rank_topics(topics: Iterable[GroupStats]) -> list[GroupStats]:
    """Studied topics weakest first (ties by name), then topics nobody started, by name."""
    topics = list(topics)
    studied = sorted((t for t in topics if t.weakness), key=lambda t: (-t.weakness.score, t.key))  # type: ignore[union-attr]
    gaps = sorted((t for t in topics if t.weakness is None), key=lambda t: t.key)
    return studied + gaps


def by_field(stats: Sequence[CardStats], key: str) -> dict[str, list[CardStats]]:
    """Cards grouped by a field of their card (`topic`, `seniority`), groups in order of first card."""
    groups: dict[str, list[CardStats]] = defaultdict(list)
    for c in stats:
        groups[getattr(c.card, key)].append(c)
    return groups


def topic_weakness(
    cards: Sequence[Card],
    rows: Mapping[str, CardRow],
    scheduler: Scheduler,
    now: datetime,
    counts: Mapping[str, tuple[int, int]],
    titles: Mapping[str, str] | None = None,
) -> list[GroupStats]:
    """Every topic of `cards`, ranked weakest first; never-studied topics last with `weakness=None`.

    `counts` is slug → (reviews, Again ratings), e.g. from `Store.review_counts()`. The score is
    WEAKNESS_FORMULA over the topic's studied cards; `weakness.label` names the dominant term.
    """
    return ranked_topics(card_stats(cards, rows, scheduler, now, counts), titles or {})


def ranked_topics(stats: Sequence[CardStats], titles: Mapping[str, str]) -> list[GroupStats]:
    """Each topic's figures over its cards (titled from `titles`, else the slug), in `rank_topics` order."""
    return rank_topics(
        group_stats(t, titles.get(t, t), members) for t, members in by_field(stats, "topic").items()
    )


def readiness_by_level(
    cards: Sequence[Card], rows: Mapping[str, CardRow], scheduler: Scheduler, now: datetime
) -> dict[str, float]:
    """Mean probability of recall now over each seniority level's cards, never-studied cards counting 0.

    Only levels that have cards appear, in seniority order (screen, mid, senior, staff).
    """
    sums: dict[str, list[float]] = {}
    for card in cards:
        row = row_for(card, rows)
        acc = sums.setdefault(card.seniority, [0.0, 0])
        acc[0] += scheduler.retrievability(row.memory, now) if row.memory else 0.0
        acc[1] += 1
    return {lv: sums[lv][0] / sums[lv][1] for lv in SENIORITIES if lv in sums}
