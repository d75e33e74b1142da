"""Mock interviews: which questions to ask (weighted toward weak topics and a target level) and
the scorecard. Pure functions; the interview loop itself is `session.MockInterview`."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from interview_drill.domain.cards import Card, seniority_rank
from interview_drill.domain.review import Rating
from interview_drill.domain.textsafe import markdown_inline

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


def pick_questions(
    cards: Sequence[Card],
    *,
    n: int,
    target: str | None,
    weakness: dict[str, float],
    recall: dict[str, float],
    rng: random.Random,
) -> list[Card]:
    """Draw `n` cards without replacement; each pick makes its topic less likely, to mix topics.

    `weakness` maps topic -> 0..1 (unstudied topics count as 0.5); `recall` maps card id -> 0..1.
    """
    pool = {
        c.id: (c, card_weight(c, target, weakness.get(c.topic, 0.5), recall.get(c.id, 0.0))) for c in cards
    }
    pool = {k: v for k, v in pool.items() if v[1] > 0}
    chosen: list[Card] = []
    while pool and len(chosen) < n:
        ids = list(pool)
        weights = [pool[i][1] for i in ids]
        pick = rng.choices(ids, weights=weights, k=1)[0]
        card = pool.pop(pick)[0]
        chosen.append(card)
        for key, (other, w) in pool.items():
            if other.topic == card.topic:
                pool[key] = (other, w * SAME_TOPIC_DAMPING)
    return chosen


def scorecard_markdown(result: Any, *, title: str = "Mock interview scorecard") -> str:
    """The scorecard of an `app.loops.MockResult` as GitHub-flavoured Markdown.

    `result` is typed Any: domain may not import app (this Markdown belongs with the renderers).
    """
    lines = [f"# {title}", ""]
    if result.started:
        lines += [f"{result.started:%Y-%m-%d %H:%M} UTC · {len(result.answers)} questions · "
                  f"{result.budget / 60:g} min per question", ""]  # fmt: skip
    lines += ["| # | card | topic | level | grade | time | traps hit |", "|---|---|---|---|---|---|---|"]
    for i, a in enumerate(result.answers, 1):
        card = a.item.card
        grade = a.rating.label if a.rating else "not graded"
        minutes, seconds = divmod(int(a.seconds), 60)
        over = " ⏰" if a.over_budget else ""
        traps = "; ".join(markdown_inline(card.traps[t]) for t in a.traps_hit if t < len(card.traps)) or "—"
        lines.append(
            f"| {i} | `{card.id}` | {card.topic} | {card.seniority} | {grade} | {minutes}:{seconds:02d}{over} | {traps} |"
        )
    graded = [a for a in result.answers if a.rating]
    if graded:
        good = sum(1 for a in graded if a.rating >= Rating.GOOD)
        lines += ["", f"**{good}/{len(graded)}** answered well (Good or Easy)."]
    lines += ["", "## Questions", ""]
    for i, a in enumerate(result.answers, 1):
        lines.append(f"{i}. {markdown_inline(a.item.card.question)}")
        if a.follow_up:
            lines.append(f"   - follow-up: {markdown_inline(a.follow_up)}")
        if a.answer:
            lines.append(f"   - your answer: {markdown_inline(a.answer)}")
    return "\n".join(lines) + "\n"
