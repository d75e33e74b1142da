"""What the weak-topic report says, whatever its format: its title and sections, how much each
section lists, the columns and cells of its two tables, and the sentences it shares with
`idrill stats` (filters, trend, retention, one card's figures).

Plain text only: each format (markdown.py, html.py, the terminal's stats.py) escapes and styles
these pieces itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from interview_drill.domain.textsafe import strip_controls
from interview_drill.render.fmt import num, pct, plural

if TYPE_CHECKING:
    from interview_drill.domain.figures.stats import CardStats, CodingFigures, GroupStats, Stats

TITLE = "Interview-drill report"
SECTIONS = (
    ("weak-topics", "Weak topics"),
    ("review-tonight", "Review tonight"),
    ("coverage-gaps", "Coverage gaps"),
    ("traps", "Traps you keep falling for"),
    ("levels", "Seniority levels"),
    ("activity", "Activity"),
)
WEAK_TOPICS_DETAILED = 5  # topics that get a "review tonight" list
CARDS_PER_TOPIC = 3
TRAPS_SHOWN = 20  # in md and html; json and csv users can slice for themselves

WEAK_TOPIC_HEAD = (
    "#", "topic", "weakness", "why", "recall", "Again rate", "lapses", "studied", "stability (d)", "due",
)  # fmt: skip
LEVEL_HEAD = ("level", "cards", "studied", "coverage", "readiness", "recall", "Again rate", "lapses", "due")


def level_row(g: GroupStats, name: str) -> list[str]:
    """One row of the seniority-levels table; `name` comes already formatted for md or html."""
    return [
        name, str(g.cards), str(g.seen), pct(g.coverage), pct(g.readiness), pct(g.mean_recall),
        pct(g.again_rate), str(g.lapses), str(g.due_now),
    ]  # fmt: skip


def weak_topic_row(i: int, g: GroupStats, name: str, why: str) -> list[str]:
    """One row of the weak-topics table; `name` and `why` come already formatted for md or html."""
    return [
        str(i), name, num(g.weakness.score if g.weakness else None), why, pct(g.mean_recall), pct(g.again_rate),
        str(g.lapses), f"{g.seen}/{g.cards}", num(g.mean_stability, 1), str(g.due_now),
    ]  # fmt: skip


def filters_text(filters: dict[str, Any]) -> str:
    """`topic=lora level=mid`, or `none (every card)`."""
    parts = []
    for key, value in filters.items():
        if value:
            shown = ",".join(value) if isinstance(value, (list, tuple)) else str(value)
            parts.append(f"{key}={strip_controls(shown)}")
    return " ".join(parts) or "none (every card)"


def trend_text(stats: Stats) -> str:
    """Reviews in the last 7 days against the 7 before, with an arrow."""
    a = stats.activity
    prev = a.previous_7
    if prev is None:
        return f"last 7 days: {plural(a.last_7, 'review')}"
    arrow = "↑" if a.last_7 > prev else ("↓" if a.last_7 < prev else "→")
    return f"last 7 days: {plural(a.last_7, 'review')} vs {prev} the 7 days before ({arrow})"


def retention_text(stats: Stats) -> str:
    """True retention per window: `7 days 100% (5 reviews), 30 days 89% (9 reviews)`."""
    return ", ".join(f"{r.days} days {pct(r.rate)} ({plural(r.reviews, 'review')})" for r in stats.retention)


def card_figures_text(c: CardStats) -> str:
    """One card's figures under its question: recall, Again count, lapses, stability."""
    return (
        f"recall {pct(c.recall)}, Again {c.again}/{c.reviews}, "
        f"{plural(c.lapses, 'lapse')}, stability {num(c.stability, 1)} d"
    )


def coding_text(c: CodingFigures | None) -> str | None:
    """`coding: 7/10 exercises passing (9 tried)`, or None when no selected card has an exercise."""
    if c is None:
        return None
    return f"coding: {c.passing}/{plural(c.exercises, 'exercise')} passing ({c.tried} tried)"


def numbers_quiz_text(stats: Stats) -> str | None:
    """`numbers quiz (last 30 days): 3/4 correct (75%)`, or None without quiz answers."""
    q = stats.numbers
    if not q:
        return None
    return f"numbers quiz (last {q.days} days): {q.correct}/{q.answers} correct ({pct(q.accuracy)})"
