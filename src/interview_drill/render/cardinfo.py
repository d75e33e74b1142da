"""`idrill card ID`: one card's memory and review log, on a terminal and as data."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from interview_drill.domain.cardinfo import CardInfo
from interview_drill.domain.cards import Card
from interview_drill.domain.clock import to_local
from interview_drill.domain.textsafe import strip_controls
from interview_drill.render.fmt import NONE, human_delta, mmss, num, pct
from interview_drill.render.terminal import inline


def _interval(info_interval: Any) -> str:
    return NONE if info_interval is None else human_delta(info_interval)


def render_card_info(card: Card, info: CardInfo, tz: tzinfo | None, leech: bool = False) -> Group:
    row, m = info.row, info.memory
    title = Text.assemble((card.id, "bold"), f"  {card.topic} · {card.seniority} · {card.kind}")
    if leech:
        title.append("  LEECH", style="bold red")
    if row.suspended:
        title.append("  suspended", style="yellow")
    facts = Table.grid(padding=(0, 2, 0, 0))
    facts.add_row(Text("state", style="dim"), Text(row.phase.label))
    if m is not None:
        facts.add_row(Text("stability", style="dim"), Text(f"{num(m.stability, 1)} days"))
        facts.add_row(Text("difficulty", style="dim"), Text(f"{num(m.difficulty, 1)} / 10"))
        facts.add_row(Text("recall now", style="dim"), Text(pct(info.recall_now)))
        facts.add_row(Text("due", style="dim"), Text(f"{to_local(m.due, tz):%Y-%m-%d %H:%M}"))
        facts.add_row(Text("last review", style="dim"), Text(f"{to_local(m.last_review, tz):%Y-%m-%d %H:%M}"))
    facts.add_row(Text("reviews", style="dim"), Text(str(row.reps)))
    facts.add_row(Text("lapses", style="dim"), Text(str(row.lapses)))
    parts: list[Any] = [title, inline(card.question, "italic"), Text(""), facts]
    if info.log:
        log = Table(title=None, show_edge=False, pad_edge=False)
        for col in ("when", "kind", "state", "rating", "interval", "time"):
            log.add_column(col, no_wrap=True)
        log.add_column("typed answer", overflow="fold")
        for line in info.log:
            log.add_row(
                f"{to_local(line.at, tz):%Y-%m-%d %H:%M}",
                line.kind,
                line.phase_before.label,
                line.rating.label,
                _interval(line.interval),
                mmss(line.duration_ms / 1000) if line.duration_ms is not None else NONE,
                strip_controls(line.answer) if line.answer else "",
            )
        parts += [Text(""), Text("Review log", style="bold"), log]
    else:
        parts += [Text(""), Text("Never reviewed.", style="dim")]
    return Group(*parts)


def card_info_data(card: Card, info: CardInfo, leech: bool = False) -> dict[str, Any]:
    row, m = info.row, info.memory
    return {
        "id": card.id,
        "topic": card.topic,
        "state": row.phase.label,
        "stability": round(m.stability, 4) if m else None,
        "difficulty": round(m.difficulty, 4) if m else None,
        "recall_now": round(info.recall_now, 4) if info.recall_now is not None else None,
        "due": m.due.isoformat() if m else None,
        "last_review": m.last_review.isoformat() if m else None,
        "reviews": row.reps,
        "lapses": row.lapses,
        "leech": leech,
        "suspended": row.suspended,
        "log": [
            {
                "at": line.at.isoformat(),
                "kind": line.kind,
                "state_before": line.phase_before.label,
                "rating": line.rating.label.lower(),
                "interval_seconds": round(line.interval.total_seconds()) if line.interval else None,
                "duration_ms": line.duration_ms,
                "answer": line.answer,
            }
            for line in info.log
        ],
    }
