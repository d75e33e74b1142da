"""Leeches in `idrill stats` and the Markdown report: each with its lapses and the traps to watch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Group
from rich.text import Text

from interview_drill.domain.cards import Card
from interview_drill.domain.textsafe import strip_controls
from interview_drill.render.terminal import inline


def render_leeches(found: Sequence[tuple[Card, int]], threshold: int) -> Group:
    parts: list[Any] = [Text(f"Leeches (forgotten {threshold} times or more)", style="bold")]
    for card, lapses in found:
        parts.append(
            Text.assemble(f"  {lapses:>3} lapses  ", (card.id, "bold"), "  ", inline(card.question, "dim"))
        )
        for trap in card.traps:
            parts.append(Text.assemble("        trap: ", inline(trap)))
    return Group(*parts)


def leeches_markdown(found: Sequence[tuple[Card, int]], threshold: int) -> str:
    lines = ["", f"## Leeches (forgotten {threshold} times or more)", ""]
    for card, lapses in found:
        lines.append(f"- **{card.id}** ({lapses} lapses): {strip_controls(card.question)}")
        lines += [f"  - trap: {strip_controls(trap)}" for trap in card.traps]
    return "\n".join(lines) + "\n"
