"""`idrill ready`: is the user ready for an interview at a target level? Pure figures and a plan.

Reuses the readiness and weakness figures of `weakness.py`; renders nothing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from interview_drill.domain.cards import SENIORITIES, Card, seniority_rank
from interview_drill.domain.figures import weakness
from interview_drill.domain.review import CardRow, row_for
from interview_drill.domain.schedule import Scheduler

READY = 0.80  # readiness at the target level from which we say "ready"
ALMOST = 0.60


@dataclass(frozen=True)
class Assessment:
    target: str
    readiness: dict[str, float]  # level -> readiness, levels up to the target
    verdict: str  # "ready", "almost" or "not yet"
    weak_topics: list[weakness.GroupStats]  # studied topics, weakest first
    gaps: list[tuple[str, int]]  # (topic, never-studied cards at or below the target)
    weak_cards: list[tuple[Card, float]]  # studied cards with the lowest recall now
    unseen: int  # never-studied cards at or below the target
    plan: list[tuple[str, str]]  # (command, why)


def verdict(readiness: float) -> str:
    return "ready" if readiness >= READY else ("almost" if readiness >= ALMOST else "not yet")


def assess(
    cards: Sequence[Card],
    rows: Mapping[str, CardRow],
    scheduler: Scheduler,
    now: datetime,
    counts: Mapping[str, tuple[int, int]],
    target: str,
    *,
    titles: Mapping[str, str] | None = None,
) -> Assessment:
    """Readiness per level up to `target`, what holds it back, and a week's plan."""
    scope = [c for c in cards if seniority_rank(c.seniority) <= seniority_rank(target)]
    readiness = weakness.readiness_by_level(scope, rows, scheduler, now)
    at_target = readiness.get(target, 0.0)
    topics = weakness.topic_weakness(scope, rows, scheduler, now, counts, titles)
    weak = [t for t in topics if t.weakness is not None][:5]
    gaps = sorted(((t.key, t.new) for t in topics if t.new), key=lambda g: -g[1])
    recalls = []
    for card in scope:
        row = row_for(card, rows)
        if row.memory is not None:
            recalls.append((card, scheduler.retrievability(row.memory, now)))
    recalls.sort(key=lambda pair: pair[1])
    unseen = sum(n for _, n in gaps)
    return Assessment(
        target=target,
        readiness={lv: readiness[lv] for lv in SENIORITIES if lv in readiness},
        verdict=verdict(at_target),
        weak_topics=weak,
        gaps=gaps,
        weak_cards=recalls[:8],
        unseen=unseen,
        plan=week_plan(target, weak, gaps),
    )


def week_plan(
    target: str, weak: Sequence[weakness.GroupStats], gaps: Sequence[tuple[str, int]]
) -> list[tuple[str, str]]:
    """Ready-to-run commands for the next seven days."""
    plan: list[tuple[str, str]] = []
    for topic in weak[:2]:
        assert topic.weakness is not None
        plan.append((f"idrill --cram --topic {topic.key} --max-level {target}",
                     f"{topic.key}: weakest studied topic ({topic.weakness.label})"))  # fmt: skip
    for topic, unseen in gaps[:2]:
        per_day = max(1, math.ceil(unseen / 7))
        plan.append((f"idrill --topic {topic} --max-level {target} --new {per_day}",
                     f"{topic}: {unseen} card(s) never studied — about {per_day} a day covers them this week"))  # fmt: skip
    plan.append((f"idrill mock --target {target}", "a timed mock interview, graded at the end"))
    return plan
