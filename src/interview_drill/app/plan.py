"""Interview plans as use cases: make one, list them with their projection, apply them to a queue.

The rules are in `domain/plan.py`, the table in `storage/plans.py`. No Typer, no Rich.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from interview_drill.domain.clock import day_start, study_day
from interview_drill.domain.filters import CardFilter
from interview_drill.domain.plan import INTERVIEW_HOUR, ActivePlan, Plan, Projection, plan_queue, project
from interview_drill.errors import UsageError
from interview_drill.storage.plans import delete_plan, introduced_since, load_plans, save_plan

if TYPE_CHECKING:
    from interview_drill.app.workspace import Workspace
    from interview_drill.domain.cards import Card
    from interview_drill.domain.queue import Queue


def activate(ws: Workspace, plan: Plan, now: datetime) -> ActivePlan:
    """`plan` as it stands today: days left, the moment recall is predicted for, the target."""
    today = study_day(now, ws.settings.rollover_hour, ws.tz)
    on_day = day_start(plan.day, INTERVIEW_HOUR, ws.tz)
    return ActivePlan(plan, today, on_day, plan.target_recall(ws.settings.desired_retention))


def active_plans(ws: Workspace, now: datetime) -> list[ActivePlan]:
    """Plans whose interview is today or later."""
    out = [activate(ws, p, now) for p in load_plans(ws.store)]
    return [a for a in out if a.days_left >= 0]


def with_plans(
    ws: Workspace, cards: Sequence[Card], queue: Queue, now: datetime, new_limit: int | None = None
) -> Queue:
    """Today's queue over `cards` with the active plans applied (unchanged when there are none)."""
    plans = [a for a in active_plans(ws, now) if a.adjusts]
    if not plans:
        return queue
    start, end = ws.today(now)
    return plan_queue(
        queue, cards, ws.rows(), ws.scheduler, now, day_end=end, plans=plans,
        introduced_today=introduced_since(ws.store, start), new_limit=new_limit,
    )  # fmt: skip


def make_plan(
    ws: Workspace,
    *,
    day: date,
    recall: float | None,
    target: str | None,
    scope: CardFilter,
    name: str | None,
    now: datetime,
) -> tuple[Plan, bool]:
    """Check and store a plan (one of the same name is replaced). Returns it, and whether it replaced one."""
    today = study_day(now, ws.settings.rollover_hour, ws.tz)
    if day <= today:
        raise UsageError(f"the interview date {day.isoformat()} must be after today ({today.isoformat()})")
    if recall is not None and not 0.7 <= recall <= 0.99:
        raise UsageError(f"the recall wanted on the day must be from 0.70 to 0.99 (got {recall})")
    plan = Plan(name or day.isoformat(), day, recall, target, scope)
    if not [c for c in ws.bank.cards if plan.covers(c)]:
        raise UsageError("no cards match this plan's filters")
    replaced = save_plan(ws.store, plan, now)
    return plan, replaced


def clear_plan(ws: Workspace, name: str | None) -> str:
    """Remove the plan called `name`, or the only plan there is. Returns the name removed."""
    plans = load_plans(ws.store)
    if name is None:
        if not plans:
            raise UsageError("there is no plan to clear")
        if len(plans) > 1:
            raise UsageError(
                f"there are {len(plans)} plans ({', '.join(p.name for p in plans)}); name the one to clear"
            )
        name = plans[0].name
    if not delete_plan(ws.store, name):
        known = ", ".join(p.name for p in plans) or "none"
        raise UsageError(f"no plan called `{name}` (plans: {known})")
    return name


@dataclass(frozen=True)
class PlanView:
    active: ActivePlan
    projection: Projection
    scope: list[Card]


def plan_views(ws: Workspace, now: datetime, names: Sequence[str] = ()) -> list[PlanView]:
    """Each active plan (or those named) with its projection from now to the interview."""
    out: list[PlanView] = []
    actives = [a for a in active_plans(ws, now) if not names or a.plan.name in names]
    if not actives:  # the usual case: no history to read
        return out
    start, _ = ws.today(now)
    rows = ws.rows()
    new_today, reviews_today = ws.store.today_counts(start)
    introduced = introduced_since(ws.store, start)
    rollover, tz = ws.settings.rollover_hour, ws.tz

    def bounds(day: date) -> tuple[datetime, datetime]:
        return day_start(day, rollover, tz), day_start(day + timedelta(days=1), rollover, tz)

    for active in actives:
        scope = [c for c in ws.bank.cards if active.plan.covers(c)]
        projection = project(
            active, scope, rows, ws.scheduler, now, day_bounds=bounds,
            new_today=new_today, reviews_today=reviews_today, introduced_today=introduced,
        )  # fmt: skip
        out.append(PlanView(active, projection, scope))
    return out


def stored_plans(ws: Workspace) -> list[Plan]:
    return load_plans(ws.store)
