"""Readiness: is the user ready for an interview at a target level? Pure figures and a week's plan.

Reuses the readiness and weakness figures of `weakness.py`; renders nothing. The plan is a list of
structured steps: the command line words each one as a command to run.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from interview_drill.domain.cards import SENIORITIES, Card, seniority_rank
from interview_drill.domain.figures import weakness
from interview_drill.domain.review import CardRow, row_for
from interview_drill.domain.schedule import Scheduler

READY = 0.80  # readiness at the target level from which we say "ready"
ALMOST = 0.60


@dataclass(frozen=True)
class PlanStep:
    """One kind of session to run this week, and why."""

    why: str
    target: str  # the interview level: nothing above it
    topic: str | None = None
    cram: bool = False  # go over studied cards again, whatever their schedule
    new_per_day: int | None = None  # introduce this many new cards a day
    mock: bool = False  # a timed mock interview instead of a drill


@dataclass(frozen=True)
class Assessment:
    target: str
    readiness: dict[str, float]  # level -> readiness, levels up to the target
    verdict: str  # "ready", "almost" or "not yet"
    weak_topics: list[weakness.GroupStats]  # studied topics, weakest first
    gaps: list[tuple[str, int]]  # (topic, never-studied cards at or below the target)
    weak_cards: list[tuple[Card, float]]  # studied cards with the lowest recall now
    unseen: int  # never-studied cards at or below the target
    steps: list[PlanStep]  # this week's plan
    # (command, why) per step, as the command line words them (only cli/ names commands)
    plan: list[tuple[str, str]] = field(default_factory=list)


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
        steps=week_plan(target, weak, gaps),
    )


def week_plan(
    target: str, weak: Sequence[weakness.GroupStats], gaps: Sequence[tuple[str, int]]
) -> list[PlanStep]:
    """Sessions for the next seven days: the weakest studied topics again, the largest gaps, a mock."""
    plan: list[PlanStep] = []
    for topic in weak[:2]:
        assert topic.weakness is not None
        why = f"{topic.key}: weakest studied topic ({topic.weakness.label})"
        plan.append(PlanStep(why, target, topic=topic.key, cram=True))
    for key, unseen in gaps[:2]:
        per_day = max(1, math.ceil(unseen / 7))
        why = f"{key}: {unseen} card(s) never studied — about {per_day} a day covers them this week"
        plan.append(PlanStep(why, target, topic=key, new_per_day=per_day))
    plan.append(PlanStep("a timed mock interview, graded at the end", target, mock=True))
    return plan
