"""`idrill simulate`: desired retention against minutes per day and cards remembered."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from interview_drill.domain.review import Rating
from interview_drill.domain.simulate import Costs, Outcome, cheapest
from interview_drill.render.fmt import num, pct, plural


def render_simulation(
    outcomes: Sequence[Outcome], costs: Costs, days: int, cards: int, current: float
) -> Group:
    best = cheapest(outcomes)
    table = Table(show_edge=False, pad_edge=False)
    for col in ("retention", "minutes/day", "reviews/day", "remembered", "min per card remembered"):
        table.add_column(col, justify="right")
    table.add_column("")
    for o in outcomes:
        marks = []
        if o is best:
            marks.append("← cheapest")
        if abs(o.retention - current) < 1e-9:
            marks.append("(yours)")
        table.add_row(
            pct(o.retention), num(o.minutes_per_day, 1), num(o.reviews_per_day, 1), num(o.remembered, 1),
            num(o.minutes_per_card, 2), " ".join(marks), style="bold green" if o is best else "",
        )  # fmt: skip
    timing = ", ".join(f"{r.label} {num(costs.review[r], 0)}s" for r in Rating)
    parts: list[Any] = [
        Text(f"{days} days of study over {plural(cards, 'card')}, per desired retention", style="bold"),
        table,
        Text(
            f"Your recorded times ({plural(costs.timed, 'timed review')}): new card {num(costs.new, 0)}s, "
            f"learning step {num(costs.learning, 0)}s; learned cards: {timing}.",
            style="dim",
        ),
        Text(
            "Remembered: the cards you would recall on an average day of the period (predicted recall summed).",
            style="dim",
        ),
        Text("Cheapest: the fewest minutes of study per card remembered.", style="dim"),
    ]
    return Group(*parts)


def simulation_data(outcomes: Sequence[Outcome], costs: Costs, days: int, cards: int) -> dict[str, Any]:
    best = cheapest(outcomes)
    return {
        "days": days,
        "cards": cards,
        "costs_seconds": {
            "new": round(costs.new, 2),
            "learning": round(costs.learning, 2),
            **{r.label.lower(): round(costs.review[r], 2) for r in Rating},
        },
        "timed_reviews": costs.timed,
        "rows": [
            {
                "retention": o.retention,
                "minutes_per_day": round(o.minutes_per_day, 3),
                "reviews_per_day": round(o.reviews_per_day, 3),
                "remembered": round(o.remembered, 3),
                "minutes_per_card_remembered": round(o.minutes_per_card, 4),
                "cheapest": o is best,
            }
            for o in outcomes
        ],
    }
