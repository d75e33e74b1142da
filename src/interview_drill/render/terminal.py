"""The terminal's building blocks: the one Console factory, card text as Rich Text (the Rich
emitter of `markup`), whole cards and their parts, and the tables and progress bar of the
commands that list things.

The drill's screens are session.py, `idrill stats` and `ready` are stats.py; these three modules
are the only Rich users besides cli/. Card text is untrusted: it reaches Rich only as Text built
from `markup.parse` spans (controls stripped, never read as Rich markup).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta, tzinfo
from typing import IO, TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

from interview_drill.domain.cards import SENIORITIES, Card
from interview_drill.domain.clock import to_local
from interview_drill.domain.textsafe import strip_controls
from interview_drill.render.markup import parse

if TYPE_CHECKING:  # the browser's entries need fsrs: not on the start-up path
    from rich.panel import Panel

    from interview_drill.domain.browse import Entry

LEVEL_STYLE = {"screen": "green", "mid": "cyan", "senior": "magenta", "staff": "red"}
MARKUP_STYLE = {"code": "bold cyan", "bold": "bold", "emph": "italic"}


class TrimmedLines(io.TextIOBase):
    """A text stream that drops the spaces Rich pads lines with before each newline.

    Rich pads table cells and wrapped lines to the full width; in a pipe or a file that is trailing
    whitespace, and on a terminal it is copied along with the text. Style codes after the padding
    (a reset) are kept. Nothing else changes: no newline is added or removed.
    """

    def __init__(self, raw: IO[str]) -> None:
        self.raw = raw

    def write(self, s: str) -> int:
        self.raw.write(_PADDING.sub(r"\1\n", s))
        return len(s)

    def flush(self) -> None:
        self.raw.flush()

    def isatty(self) -> bool:
        return _isatty(self.raw)

    def fileno(self) -> int:
        return self.raw.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.raw, "encoding", None) or "utf-8"


_PADDING = re.compile(r"[ \t]+((?:\x1b\[[0-9;]*m)*)\n")


def make_console(*, no_color: bool = False, file: IO[str] | None = None, stderr: bool = False) -> Console:
    """The one place a Console is made, so colour, width and NO_COLOR are handled alike everywhere.

    Output loses Rich's trailing padding (see `TrimmedLines`), except on a Windows console, which
    Rich may drive through the Win32 API rather than the stream.
    """
    out = file if file is not None else (sys.stderr if stderr else sys.stdout)
    if os.name != "nt" or not _isatty(out):
        file = TrimmedLines(out)  # type: ignore[assignment]
    return Console(
        file=file,
        stderr=stderr,
        no_color=no_color or "NO_COLOR" in os.environ,
        highlight=False,
        emoji=False,
    )


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed or not a real stream
        return False


def inline(text: str, base: str = "") -> Text:
    """Card text as Rich Text: `code`, **bold** and *emphasis* styled, everything else literal."""
    out = Text(style=base)
    for kind, part in parse(text):
        out.append(part, style=MARKUP_STYLE.get(kind, ""))
    return out


def bullets(items: Iterable[str | Text], marker: str = "•") -> Table:
    """A bulleted list whose wrapped lines hang under the text, not under the marker."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for item in items:
        grid.add_row(Text(f" {marker}"), inline(item) if isinstance(item, str) else item)
    return grid


def coverage_block(outline: Sequence[str], covered: Sequence[bool]) -> Table:
    """Outline bullets marked ✓ covered / ✗ missing by the typed answer."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for bullet, ok in zip(outline, covered, strict=True):
        grid.add_row(Text(" ✓", style="bold green") if ok else Text(" ✗", style="bold red"), inline(bullet))
    return grid


def card_meta(card: Card) -> Text:
    """`topic · level · kind · frequency`, the level in its colour."""
    t = Text()
    t.append(card.topic, style="bold")
    t.append(" · ")
    t.append(card.seniority, style=LEVEL_STYLE.get(card.seniority, ""))
    t.append(f" · {card.kind} · {card.frequency}")
    return t


def numbers_block(card: Card) -> Table:
    """The card's figures to quote, each with what it refers to."""
    return bullets(
        Text.assemble((strip_controls(n.figure), "bold yellow"), " — ", inline(n.about)) for n in card.numbers
    )


def follow_ups_block(card: Card) -> Table:
    """Follow-up questions, each with its answer when the card gives one."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for f in card.follow_ups:
        grid.add_row(Text(" ?", style="bold"), inline(f.question, "bold"))
        if f.answer:
            grid.add_row(Text("  →", style="dim"), inline(f.answer))
    return grid


def section(title: str, body: RenderableType, style: str = "bold") -> Group:
    """A titled part of a card."""
    return Group(Text(title, style=style), body)


class FitTable(Table):
    """A borderless Table that draws itself directly when every cell is one line that fits.

    Rich's Table measures each cell, wraps it and pads it through several layers of renderables
    (~50 µs a cell; `idrill stats` draws ~200). When the table (or grid) has no box, its cells are
    single lines of printable text and their natural (or fixed) widths fit, there is nothing to
    measure or wrap: the segments are made here as Rich makes them (same text, styles and segment
    boundaries, so the same bytes with or without colour; tested against Table on random tables and
    grids at many widths). Any other table or width, and every measurement, is Rich's Table.
    """

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        fast = self._fast_segments(console, options)
        if fast is None:
            yield from super().__rich_console__(console, options)
        else:
            yield from fast

    def _fast_segments(self, console: Console, options: ConsoleOptions) -> list[Segment] | None:
        """The table's segments, or None when this table or width needs Rich's full layout."""
        columns = self.columns
        if not self._simple() or options.overflow == "ignore":
            return None
        get_style = console.get_style
        last = len(columns) - 1
        _, right, _, left = self.padding
        pads = [(0 if i == 0 and not self.pad_edge else left, 0 if i == last and not self.pad_edge else right)
                for i in range(len(columns))]  # fmt: skip
        header_style = get_style(self.header_style or "")
        grid: list[list[tuple[str | Text, Style, int]]] = []  # per column: (cell, its style, cells wide)
        widths: list[int] = []
        for column, (pad_left, pad_right) in zip(columns, pads, strict=True):
            cells: list[tuple[RenderableType, Style]] = []
            if self.show_header:
                cells.append((column.header, header_style + get_style(column.header_style)))
            body_style = get_style(column.style or "")
            cells += [(cell, body_style) for cell in column.cells]
            if not cells:
                return None
            lines: list[tuple[str | Text, Style, int]] = []
            for cell, style in cells:
                line = _one_line(console, options, cell)
                if line is None:
                    return None
                lines.append((line, style, cell_len(line if isinstance(line, str) else line.plain)))
            natural = max(length for _, _, length in lines)
            if column.width is not None:  # a fixed width: the cells must fit it, or Rich wraps them
                if column.width + pad_left + pad_right < 1 or (column.width and natural > column.width):
                    return None
                width = column.width
            elif natural < 1 or (column.max_width is not None and natural > column.max_width):
                return None
            else:
                width = natural
            widths.append(width + pad_left + pad_right)
            grid.append(lines)
        table_width = sum(widths)
        if table_width > options.max_width:
            return None
        out: list[Segment] = []
        if self.title:
            if not isinstance(self.title, str):
                return None
            title_style = self.title_style if self.title_style is not None else "table.title"
            title = _one_line(
                console, options, console.render_str(self.title, style=title_style, highlight=False)
            )
            if not isinstance(title, Text) or cell_len(title.plain) > table_width:
                return None
            title = title.copy()
            title.pad_right(table_width - cell_len(title.plain))
            out += Text("\n").join([title]).render(console, end="\n")
        null = Style.null()
        for row in zip(*grid, strict=True):
            for column, (pad_left, pad_right), width, (line, style, length) in zip(
                columns, pads, widths, row, strict=True
            ):
                pad_style = style or null
                gap = width - pad_left - pad_right - length
                if width == pad_left + pad_right:  # a column of fixed width 0: Rich draws a blank
                    out.append(Segment(" " * width, pad_style))
                    continue
                if pad_left:
                    out.append(Segment(" " * pad_left, pad_style))
                if isinstance(line, str) or not line.spans:
                    # Text.render of one line without spans: one segment, in the Text's own style
                    # (a line without one has none), the cell's style over it
                    plain = line if isinstance(line, str) else line.plain
                    plain = " " * gap + plain if column.justify == "right" else plain + " " * gap
                    own = (
                        None
                        if isinstance(line, str) or not line.style
                        else get_style(line.style, default=null)
                    )
                    out.append(Segment(plain, (style + own) if own is not None else (style or None)))
                else:
                    text = line.copy()
                    if column.justify == "right":
                        text.pad_left(gap)
                    else:
                        text.pad_right(gap)
                    for segment in Text("\n").join([text]).render(console):
                        out.append(Segment(segment.text, style + segment.style) if style else segment)
                if pad_right:
                    out.append(Segment(" " * pad_right, pad_style))
            out.append(Segment.line())
        return out

    def _simple(self) -> bool:
        """Whether the table uses only what `_fast_segments` draws (no box, caption, row styles...;
        the table's own style colours only a box)."""
        return (
            bool(self.columns)
            and self.box is None
            and not self.show_footer
            and not self.caption
            and not self.row_styles
            and not self.expand
            and self.width is None
            and self.min_width is None
            and (
                not self.collapse_padding or self.padding[3] == 0
            )  # (grids collapse: no left padding, no-op)
            and self.padding[0] == self.padding[2] == 0
            and (not self.title or self.title_justify == "left")
            and all(row.style is None for row in self.rows)
            and all(
                c.min_width is None
                and c.justify in ("left", "right")
                and c.overflow in ("fold", "crop", "ellipsis")
                and not c.highlight
                for c in self.columns
            )
        )


class FitGroup(Group):
    """A Group whose lines of text that fit the width are drawn directly.

    Rich wraps every Text it draws (splitting it into words, copying it, dividing and justifying
    it); a line without a newline, tab or setting of its own that fits the width is one wrapped line
    already, so its segments are the ones Rich makes of it without wrapping. Everything else is
    drawn by Rich, as in a Group (tested against Group with the tables of `stats`).
    """

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        direct = options.justify in (None, "default")
        for part in self.renderables:
            if direct and type(part) is Text and _fits(part, options.max_width):
                yield from Text("\n").join([part]).render(console, end=part.end)
            else:
                yield from console.render(part, options)


def _fits(text: Text, width: int) -> bool:
    """Whether Rich's wrapping leaves `text` as it is: one printable line, no settings, that fits."""
    plain = text.plain
    return (
        not (text.justify or text.overflow or text.no_wrap is not None)
        and plain.isprintable()
        and 0 < width >= cell_len(plain)
    )


def _one_line(console: Console, options: ConsoleOptions, cell: object) -> str | Text | None:
    """A cell as Rich draws it, when that is one line of printable text without settings of its own
    (justify, overflow, end) or trailing whitespace (right-justifying strips it): a str without markup
    or emoji codes as it is, else the Text Rich makes of it; None for anything else."""
    if isinstance(cell, str):
        if "[" in cell or ":" in cell:
            cell = console.render_str(cell, highlight=False, markup=options.markup)
        elif cell.isprintable() and cell == cell.rstrip():
            return cell
        else:
            return None
    if type(cell) is not Text:
        return None
    plain = cell.plain
    if (
        cell.justify
        or cell.overflow
        or cell.no_wrap is not None
        or cell.end != "\n"
        or not plain.isprintable()
        or plain != plain.rstrip()
    ):
        return None
    return cell


def render_card(card: Card, *, parts: Sequence[str] = ("outline", "numbers", "follow_ups", "traps")) -> Panel:
    """A whole card (or the revealed parts of it) as a panel."""
    body: list[RenderableType] = [inline(card.question, "bold"), Text("")]
    if "outline" in parts:
        body.append(section("Answer outline", bullets(card.outline), "bold green"))
    if "numbers" in parts and card.numbers:
        body.append(section("Numbers to drop", numbers_block(card), "bold yellow"))
    if "follow_ups" in parts and card.follow_ups:
        body.append(section("Follow-ups", follow_ups_block(card), "bold blue"))
    if "traps" in parts and card.traps:
        body.append(section("Traps", bullets(card.traps, "!"), "bold red"))
    if "meta" in parts:
        extra: list[str] = []
        if card.tags:
            extra.append(f"tags: {', '.join(card.tags)}")
        if card.related:
            extra.append(f"related: {', '.join(card.related)}")
        if card.source:
            extra.append(f"source: {strip_controls(card.source)}")
        if extra:
            body.append(Text("\n".join(extra), style="dim"))
    from rich.panel import Panel  # only cards are panels: not imported by `stats` or `report`

    return Panel(Group(*body), title=Text(card.id), subtitle=card_meta(card), title_align="left")


LIST_DROP_ORDER = ("kind", "topic", "level")  # what `idrill list` gives up first on a narrow terminal
QUESTION_MIN = 20  # the question column shrinks to this before a column is dropped
COLUMN_GAP = 3  # " │ " between two columns


def list_columns(cards: Sequence[Card], width: int) -> list[str]:
    """The columns of `idrill list` at this width: ids always whole, then the question (cut first),
    then the optional columns while they fit, given up in `LIST_DROP_ORDER`."""
    need = {
        "id": max((len(c.id) for c in cards), default=2),
        "topic": max((len(c.topic) for c in cards), default=5),
        "level": max((len(c.seniority) for c in cards), default=5),
        "kind": max((len(c.kind) for c in cards), default=4),
    }
    columns = ["id", "topic", "level", "kind"]
    for drop in (None, *LIST_DROP_ORDER):
        if drop is not None:
            columns.remove(drop)
        used = sum(need[c] + COLUMN_GAP for c in columns)
        if width - used >= QUESTION_MIN:
            return [*columns, "question"]
    return ["id", "question"] if width - need["id"] - COLUMN_GAP >= 8 else ["id"]


def cards_table(
    cards: Sequence[Card],
    width: int = 100,
    *,
    entries: Sequence[Entry] | None = None,
    tz: tzinfo | None = None,
    now: datetime | None = None,
) -> Table:
    """One line per card, fitted to `width`: whole ids, the question cut with an ellipsis, and topic,
    level and kind while there is room (see `list_columns`). With `entries` (the card browser), also
    each card's state, when it is due and its recall now."""
    if entries is not None:
        return _browser_table(cards, width, entries, tz, now)
    columns = list_columns(cards, width)
    table = Table(show_edge=False, pad_edge=False, expand="question" in columns, width=width)
    for name in columns:
        if name == "question":
            table.add_column(name, ratio=1, no_wrap=True, overflow="ellipsis")
        else:
            table.add_column(name, style="bold" if name == "id" else "", no_wrap=True)
    for c in cards:
        cells: dict[str, str | Text] = {
            "id": c.id,
            "topic": c.topic,
            "level": Text(c.seniority, style=LEVEL_STYLE[c.seniority]),
            "kind": c.kind,
            "question": inline(c.question),
        }
        table.add_row(*[cells[name] for name in columns])
    return table


def _browser_table(
    cards: Sequence[Card],
    width: int,
    entries: Sequence[Entry] | None,
    tz: tzinfo | None,
    now: datetime | None,
) -> Table:
    """`idrill list` as a card browser: state, due and recall columns, the level when there is room."""
    assert entries is not None
    wide = width >= 110
    table = Table(show_edge=False, pad_edge=False, expand=False)
    browser = entries is not None
    show_level = not browser or wide  # the browser's columns take the level's room on a narrow screen
    table.add_column("id", style="bold", no_wrap=True, min_width=max((len(c.id) for c in cards), default=2))
    table.add_column("topic", no_wrap=True, min_width=max([5, *(len(c.topic) for c in cards)]))
    if show_level:
        table.add_column("level", no_wrap=True, min_width=6 if browser else None)
    if wide:
        table.add_column("kind", no_wrap=True, min_width=10 if browser else None)
    if entries is not None:
        table.add_column("state", no_wrap=True, min_width=10)
        table.add_column("due", no_wrap=True, min_width=10)
        table.add_column("recall", no_wrap=True, justify="right", min_width=6)
    if browser:  # Rich squeezes a narrow column to nothing before the flexible one: leave the others room
        taken = sum((col.min_width or 0) + 3 for col in table.columns)
        table.add_column(
            "question", no_wrap=True, overflow="ellipsis", min_width=12, max_width=max(12, width - taken - 3)
        )
    else:
        table.add_column("question", ratio=1, no_wrap=True, overflow="ellipsis", min_width=20)
    for i, c in enumerate(cards):
        level = Text(c.seniority, style=LEVEL_STYLE[c.seniority])
        cells: list[str | Text] = [
            c.id,
            c.topic,
            *([level] if show_level else []),
            *([c.kind] if wide else []),
        ]
        if entries is not None:
            e = entries[i]
            due = ""
            if e.due is not None:
                soon = now is not None and e.due - now < timedelta(hours=12)
                due = (
                    "now"
                    if now is not None and e.due <= now
                    else f"{to_local(e.due, tz):{'%H:%M' if soon else '%Y-%m-%d'}}"
                )
            cells += [e.state, due, f"{e.recall * 100:.0f}%" if e.recall is not None else ""]
        table.add_row(*cells, inline(c.question))
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
    """Problems in red, one a line (soft wrap: Rich adds no line breaks of its own)."""
    for line in lines:
        console.print(Text(strip_controls(line), style="red"), soft_wrap=True)


# ------------------------------------------------------------------ tables and progress for commands


def metrics_table(rows: Sequence[tuple[str, float, float]]) -> Table:
    """(name, log-loss, RMSE) rows of `idrill optimize`."""
    table = Table(show_edge=False, pad_edge=False, title_justify="left")
    table.add_column("parameters")
    table.add_column("log-loss", justify="right")
    table.add_column("RMSE (bins)", justify="right")
    for name, log_loss, rmse in rows:
        table.add_row(name, f"{log_loss:.4f}", f"{rmse:.4f}")
    return table


@contextlib.contextmanager
def progress_bar(console: Console, label: str) -> Iterator[Callable[[int, int | None], None] | None]:
    """Yields `step(done, total)` on a terminal (drawing a bar), None elsewhere (nothing to draw)."""
    if not console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), console=console, transient=True
    ) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def due_table(counts: dict[str, dict[str, int]], states: Sequence[str]) -> Table:
    """`idrill due`: cards per topic and state."""
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("topic", style="bold")
    for st in states:
        table.add_column(st, justify="right")
    table.add_column("total", justify="right", style="bold")
    for topic, per in sorted(counts.items()):
        table.add_row(topic, *[str(per[st] or "·") for st in states], str(sum(per.values())))
    return table
