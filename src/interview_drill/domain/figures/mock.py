"""Mock interviews: which questions to ask (weighted toward weak topics and a target level).
Pure functions; the interview loop itself is `app.loops.MockInterview`, its scorecard
`render.markdown.scorecard`."""

from __future__ import annotations

import random
from collections.abc import Sequence

from interview_drill.domain.cards import Card, seniority_rank

LEVEL_WEIGHT = {0: 1.0, 1: 0.35, 2: 0.15, 3: 0.08}  # by how far below the target a card's level is
FREQ_WEIGHT = {"very-common": 1.3, "common": 1.0, "occasional": 0.6}
SAME_TOPIC_DAMPING = 0.3


def card_weight(card: Card, target: str | None, topic_weakness: float, recall: float) -> float:
    """How likely a card is to be asked: its level vs the target, its topic's weakness, its recall."""
    if target is not None:
        gap = seniority_rank(target) - seniority_rank(card.seniority)
        if gap < 0:
            return 0.0
        level = LEVEL_WEIGHT.get(gap, 0.05)
    else:
        level = 1.0
    return level * FREQ_WEIGHT[card.frequency] * (0.5 + topic_weakness) * (1.5 - recall)


def target_slots(n: int) -> int:
    """How many of `n` questions are at the target level: at least three quarters, rounded up."""
    return n - n // 4


def pick_questions(
    cards: Sequence[Card],
    *,
    n: int,
    target: str | None,
    weakness: dict[str, float],
    recall: dict[str, float],
    rng: random.Random,
) -> list[Card]:
    """Draw `n` cards without replacement, a topic not asked yet while there is one, to mix topics.

    With a target level, `target_slots(n)` questions are at that level and the rest from the levels
    below (while the pool has them; a short side is filled from the other). Weights only order the
    draw within a side, so a large lower level can no longer outnumber the target level.
    `weakness` maps topic -> 0..1 (unstudied topics count as 0.5); `recall` maps card id -> 0..1.
    """
    pool = {
        c.id: (c, card_weight(c, target, weakness.get(c.topic, 0.5), recall.get(c.id, 0.0))) for c in cards
    }
    pool = {k: v for k, v in pool.items() if v[1] > 0}
    slots: list[bool | None] = [None] * n  # True: at the target level, False: below, None: any
    if target is not None:
        at_target = min(target_slots(n), sum(1 for c, _ in pool.values() if c.seniority == target))
        slots = [*[True] * at_target, *[False] * (n - at_target)]
        rng.shuffle(slots)
    chosen: list[Card] = []
    for want in slots:
        if not pool:
            break
        ids = [i for i, (c, _) in pool.items() if want is None or (c.seniority == target) == want]
        ids = ids or list(pool)  # that side ran out: take from the other
        asked = {c.topic for c in chosen}
        ids = [i for i in ids if pool[i][0].topic not in asked] or ids  # a new topic while that side has one
        pick = rng.choices(ids, weights=[pool[i][1] for i in ids], k=1)[0]
        card = pool.pop(pick)[0]
        chosen.append(card)
        for key, (other, w) in pool.items():
            if other.topic == card.topic:
                pool[key] = (other, w * SAME_TOPIC_DAMPING)
    return chosen
