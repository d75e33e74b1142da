"""Everything that draws on the terminal. The only module that imports Rich."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from typing import IO

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from interview_drill.models import SENIORITIES, Card
from interview_drill.textsafe import strip_controls

LEVEL_STYLE = {"screen": "green", "mid": "cyan", "senior": "magenta", "staff": "red"}
_INLINE = re.compile(r"(`[^`]+`|\*\*[^*]+\*\*)")


def make_console(*, no_color: bool = False, file: IO[str] | None = None, stderr: bool = False) -> Console:
    """The one place a Console is made, so colour, width and NO_COLOR are handled alike everywhere."""
    return Console(
        file=file,
        stderr=stderr,
        no_color=no_color or "NO_COLOR" in os.environ,
        highlight=False,
        emoji=False,
    )


def inline(text: str, base: str = "") -> Text:
    """Card text as Rich Text: `code` and **bold** styled, everything else literal (no markup)."""
    out = Text(style=base)
    for part in _INLINE.split(strip_controls(text)):
        if part.startswith("`") and part.endswith("`") and len(part) > 2:
            out.append(part[1:-1], style="bold cyan")
        elif part.startswith("**") and part.endswith("**") and len(part) > 4:
            out.append(part[2:-2], style="bold")
        else:
            out.append(part)
    return out


def bullets(items: Iterable[str | Text], marker: str = "•") -> Group:
    rows = []
    for item in items:
        t = Text(f" {marker} ")
        t.append(inline(item) if isinstance(item, str) else item)
        rows.append(t)
    return Group(*rows)


def card_meta(card: Card) -> Text:
    t = Text()
    t.append(card.topic, style="bold")
    t.append(" · ")
    t.append(card.seniority, style=LEVEL_STYLE.get(card.seniority, ""))
    t.append(f" · {card.kind} · {card.frequency}")
    return t


def numbers_block(card: Card) -> Group:
    return bullets(
        Text.assemble((strip_controls(n.figure), "bold yellow"), " — ", inline(n.about)) for n in card.numbers
    )


def follow_ups_block(card: Card) -> Group:
    rows = []
    for f in card.follow_ups:
        q = Text(" ? ", style="bold")
        q.append(inline(f.question))
        rows.append(q)
        if f.answer:
            a = Text("   → ", style="dim")
            a.append(inline(f.answer, "dim"))
            rows.append(a)
    return Group(*rows)


def section(title: str, body: Group | Text, style: str = "bold") -> Group:
    return Group(Text(title, style=style), body)


def render_card(card: Card, *, parts: Sequence[str] = ("outline", "numbers", "follow_ups", "traps")) -> Panel:
    """A whole card (or the revealed parts of it) as a panel."""
    body: list = [inline(card.question, "bold"), Text("")]
    if "outline" in parts:
        body.append(section("Answer outline", bullets(card.outline), "bold green"))
    if "numbers" in parts and card.numbers:
        body.append(section("Numbers to drop", numbers_block(card), "bold yellow"))
    if "follow_ups" in parts and card.follow_ups:
        body.append(section("Follow-ups", follow_ups_block(card), "bold blue"))
    if "traps" in parts and card.traps:
        body.append(section("Traps", bullets(card.traps, "!"), "bold red"))
    if "meta" in parts:
        extra = []
        if card.tags:
            extra.append(f"tags: {', '.join(card.tags)}")
        if card.related:
            extra.append(f"related: {', '.join(card.related)}")
        if card.source:
            extra.append(f"source: {strip_controls(card.source)}")
        if extra:
            body.append(Text("\n".join(extra), style="dim"))
    return Panel(Group(*body), title=Text(card.id), subtitle=card_meta(card), title_align="left")


def cards_table(cards: Sequence[Card]) -> Table:
    table = Table(show_edge=False, pad_edge=False, expand=False)
    table.add_column("id", style="bold", no_wrap=True)
    table.add_column("topic")
    table.add_column("level")
    table.add_column("kind")
    table.add_column("question", ratio=1)
    for c in cards:
        table.add_row(
            c.id, c.topic, Text(c.seniority, style=LEVEL_STYLE[c.seniority]), c.kind, inline(c.question)
        )
    return table


def topics_table(counts: dict[str, dict[str, int]], titles: dict[str, str]) -> Table:
    """Cards per topic × seniority."""
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("topic", style="bold")
    table.add_column("title")
    for level in SENIORITIES:
        table.add_column(level, justify="right", style=LEVEL_STYLE[level])
    table.add_column("total", justify="right", style="bold")
    totals = dict.fromkeys(SENIORITIES, 0)
    for topic, per_level in counts.items():
        for level in SENIORITIES:
            totals[level] += per_level.get(level, 0)
        table.add_row(
            topic,
            strip_controls(titles.get(topic, "")),
            *[str(per_level.get(level, 0) or "·") for level in SENIORITIES],
            str(sum(per_level.values())),
        )
    table.add_section()
    table.add_row("all", "", *[str(totals[level]) for level in SENIORITIES], str(sum(totals.values())))
    return table


def print_error_lines(console: Console, lines: Iterable[str]) -> None:
    for line in lines:
        console.print(Text(strip_controls(line), style="red"), soft_wrap=True)
