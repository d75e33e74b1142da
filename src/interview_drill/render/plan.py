"""`idrill plan` on a terminal and as data: the plan, its predicted recall on the day, reviews per day."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from interview_drill.domain.filters import CardFilter
from interview_drill.domain.plan import ActivePlan, DayLoad, Projection
from interview_drill.render.fmt import pct, plural

CHART_WIDTH = 30
DAILY_ROWS = 21  # longer plans are charted by week


def scope_text(scope: CardFilter, target: str | None) -> str:
    parts = []
    for label, values in (
        ("topic", scope.topics),
        ("level", scope.levels),
        ("kind", scope.kinds),
        ("tag", scope.tags),
    ):
        if values:
            parts.append(f"{label} {'/'.join(values)}")
    if scope.max_level:
        parts.append(f"up to {scope.max_level}")
    if target:
        parts.append(f"{target} interview (up to {target})")
    return ", ".join(parts) or "every card"


def _rows(days: Sequence[DayLoad]) -> list[tuple[str, int, int]]:
    if len(days) <= DAILY_ROWS:
        return [(f"{d.day:%a %d %b}", d.reviews, d.new) for d in days]
    out = []
    for i in range(0, len(days), 7):
        week = days[i : i + 7]
        out.append(
            (f"{week[0].day:%d %b}+{len(week)}d", sum(d.reviews for d in week), sum(d.new for d in week))
        )
    return out


def render_plan(active: ActivePlan, p: Projection) -> Group:
    plan = active.plan
    left = active.days_left
    when = "today" if left == 0 else f"in {plural(left, 'day')}"
    parts: list[Any] = [
        Text.assemble(
            ("Plan ", "bold"), (plan.name, "bold cyan"), f": interview on {plan.day:%a %d %b %Y} ({when})"
        ),
        Text(
            f"scope: {scope_text(plan.scope, plan.target)}: {plural(p.cards, 'card')}, {p.new} never studied"
        ),
        Text(f"target: recall {pct(p.target)} on the day", style="dim"),
        Text(""),
    ]
    grid = Table.grid(padding=(0, 2, 0, 0))
    grid.add_row(Text("predicted recall on the day", style="bold"), Text("mean"), Text("below target"))
    if left >= 1:
        grid.add_row(
            Text("  following the plan"), Text(pct(p.recall_follow), style="green"), Text(str(p.below_follow))
        )
    grid.add_row(
        Text("  doing nothing more"), Text(pct(p.recall_nothing), style="yellow"), Text(str(p.below_nothing))
    )
    parts.append(grid)
    if p.days:
        parts += [
            Text(""),
            Text("Reviews per day, following the plan (forgetting as FSRS predicts)", style="bold"),
        ]
        rows = _rows(p.days)
        peak = max((r for _, r, _ in rows), default=0)
        chart = Table.grid(padding=(0, 1, 0, 0))
        for label, reviews, new in rows:
            width = round(reviews / peak * CHART_WIDTH) if peak else 0
            chart.add_row(
                Text(label, style="dim"),
                Text("█" * width or "·", style="cyan"),
                Text(f"{reviews}" + (f" ({new} new)" if new else "")),
            )
        parts.append(chart)
        last = p.days[-1].day
        parts.append(
            Text(f"The {last:%a %d %b} session is the final pass over every card below target.", style="dim")
        )
    elif left == 0:
        parts.append(
            Text("The interview is today: good luck. Normal scheduling resumes tomorrow.", style="dim")
        )
    return Group(*parts)


def plan_data(active: ActivePlan, p: Projection) -> dict[str, Any]:
    plan = active.plan
    scope = {
        k: list(v) if isinstance(v, tuple) else v
        for k in ("topics", "levels", "max_level", "kinds", "tags")
        if (v := getattr(plan.scope, k))
    }
    return {
        "name": plan.name,
        "date": plan.day.isoformat(),
        "days_left": active.days_left,
        "target_recall": round(p.target, 4),
        "target_level": plan.target,
        "scope": scope,
        "cards": p.cards,
        "new": p.new,
        "predicted_recall": {"follow": round(p.recall_follow, 4), "nothing": round(p.recall_nothing, 4)},
        "below_target": {"follow": p.below_follow, "nothing": p.below_nothing},
        "per_day": [{"date": d.day.isoformat(), "reviews": d.reviews, "new": d.new} for d in p.days],
    }


def render_plan_status(active: ActivePlan, p: Projection, by_topic: dict[str, tuple[float, float]]) -> Group:
    """A plan inside `idrill ready`: days left, predicted recall on the day per topic, on track or not."""
    plan = active.plan
    left = active.days_left
    track = Text("on track", style="bold green") if p.on_track else Text("behind", style="bold red")
    head = Text.assemble(
        ("Plan ", "bold"),
        (plan.name, "bold cyan"),
        f": {plan.day:%a %d %b} ({'today' if left == 0 else plural(left, 'day') + ' left'}) — ",
        track,
    )
    why = []
    if p.overdue:
        why.append(f"{plural(p.overdue, 'card')} overdue")
    if p.recall_follow < p.target:
        why.append(f"following the plan reaches {pct(p.recall_follow)} of the {pct(p.target)} wanted")
    grid = Table.grid(padding=(0, 2, 0, 0))
    grid.add_row(
        Text("predicted recall on the day", style="dim"),
        Text("plan", style="dim"),
        Text("as now", style="dim"),
    )
    for topic, (follow, nothing) in sorted(by_topic.items(), key=lambda kv: kv[1][0]):
        grid.add_row(Text(f"  {topic}"), Text(pct(follow)), Text(pct(nothing)))
    parts: list[Any] = [head]
    if why:
        parts.append(Text("  " + "; ".join(why), style="dim"))
    parts.append(grid)
    return Group(*parts)
