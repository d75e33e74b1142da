"""Progress and weak-topic reports: `idrill stats` (terminal) and `idrill report` (md/html/json/csv).

The figures come from `domain.figures.stats`; this module picks the cards and the output. It is imported
at start-up, so heavy modules are imported inside the commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from interview_drill import speedups
from interview_drill.cli.options import Commands, Common, Filters, ForceOpt

if TYPE_CHECKING:
    from collections.abc import Iterator

    from interview_drill.app.workspace import Workspace
    from interview_drill.domain.cards import Card
    from interview_drill.domain.figures.stats import Stats
    from interview_drill.domain.filters import CardFilter

commands = Commands()

DaysOpt = Annotated[
    int, typer.Option("--days", min=1, max=3650, metavar="N", help="Days of activity to chart (default 30).")
]


def _stats(ws: Workspace, flt: CardFilter, days: int) -> Stats:
    """The figures of `stats` and `report`, kept to the end of the process (see `speedups.finish`)."""
    filters = {
        "topic": list(flt.topics),
        "level": list(flt.levels),
        "max_level": flt.max_level,
        "kind": list(flt.kinds),
        "tag": list(flt.tags),
    }
    cards = flt.apply(ws.bank.cards)
    with speedups.long_lived():  # the figures of 10,000 cards (and their modules) live until the end
        from interview_drill.app.figures import stats_for

        figures = stats_for(ws, cards, days=days, whole_history=not flt.active, filters=filters)
    speedups.keep_to_the_end(ws, figures)  # never freed: the process ends after the output
    return figures


@commands.command("stats")
def stats_command(filters: Filters = Filters(), days: DaysOpt = 30, opts: Common = Common()) -> None:
    """Progress: totals, streaks, activity, retention, weak topics, readiness per level, forecast."""
    ws = opts.workspace(readonly=True)
    flt = filters.check(ws.bank)
    console = opts.console()
    figures = _stats(ws, flt, days)
    from interview_drill.render.stats import render_stats  # after the bank: its imports are done

    console.print(render_stats(figures))
    found = _leeches(ws, figures)
    if found:
        from interview_drill.render.leeches import render_leeches

        console.print()
        console.print(render_leeches(found, ws.settings.leech_threshold))


def _leeches(ws: Workspace, figures: Stats) -> list[tuple[Card, int]]:
    """The leeches among the cards of the figures (the selected ones), with their lapses."""
    from interview_drill.domain.leech import leeches

    return leeches(((c.card, c.lapses) for c in figures.cards), ws.settings)


@commands.command("report")
def report_command(
    filters: Filters = Filters(),
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="md|html|json|csv",
            help="Output format (default: from the --out suffix, else md).",
            show_default=False,
        ),
    ] = None,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="FILE",
            help="Write to FILE (atomically) instead of stdout; html needs it.",
            show_default=False,
        ),
    ] = None,
    days: DaysOpt = 30,
    per_card: Annotated[
        bool, typer.Option("--cards", help="One row per card (csv), or add a `cards` list (json).")
    ] = False,
    force: ForceOpt = False,
    opts: Common = Common(),
) -> None:
    """The weak-topic report: weakest topics and cards to review, coverage gaps, traps, readiness."""
    from interview_drill.errors import UsageError
    from interview_drill.render.report import FORMATS, SUFFIXES, render

    if fmt is None:
        fmt = SUFFIXES.get(out_file.suffix.lower(), "md") if out_file else "md"
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise UsageError(f"unknown format `{fmt}`; choose one of: {', '.join(FORMATS)}")
    if fmt == "html" and (out_file is None or str(out_file) == "-"):
        raise UsageError("the html report is a file: add --out FILE (e.g. --out report.html)")
    if per_card and fmt not in ("csv", "json"):
        raise UsageError("--cards applies to --format csv or json")
    ws = opts.workspace(readonly=True)
    flt = filters.check(ws.bank)
    figures = _stats(ws, flt, days)
    to_file = None if out_file is None or str(out_file) == "-" else out_file
    if fmt == "json" and to_file is not None:  # UTF-8 as it is made, never the whole text (render.jsontext)
        from interview_drill.render.data import to_json_utf8

        _write(to_file, fmt, to_json_utf8(figures, cards=per_card), ws, force, opts)
        return
    text = render(figures, fmt, cards=per_card)
    if fmt == "md" and (found := _leeches(ws, figures)):
        from interview_drill.render.leeches import leeches_markdown

        text += leeches_markdown(found, ws.settings.leech_threshold)
    if fmt == "html":  # interview plans and leeches, before the end of the page (issue 18)
        from interview_drill.app.plan import plan_views
        from interview_drill.render.plan_html import leeches_section, plan_section

        extra = ""
        if views := plan_views(ws, ws.now()):
            extra += plan_section([(v.active, v.projection, v.scope) for v in views])
        if found := _leeches(ws, figures):
            extra += leeches_section(found, ws.settings.leech_threshold)
        text = text.replace("</body></html>", extra + "</body></html>")
    if to_file is None:
        typer.echo(text, nl=False)
        return
    _write(to_file, fmt, text, ws, force, opts)


def _write(
    out_file: Path, fmt: str, content: str | Iterator[bytes], ws: Workspace, force: bool, opts: Common
) -> None:
    """The report to its file (text, or UTF-8 pieces as they are made), and a line to say so."""
    from interview_drill.files import safe_name, write_bytes, write_text  # only for a file (tempfile, …)
    from interview_drill.render.report import earlier_report

    target = opts.out_target(earlier_report, force=force, bank=ws.bank)
    if isinstance(content, str):
        write_text(out_file, content, what="report", target=target)
    else:
        write_bytes(out_file, content, what="report", target=target)
    typer.echo(f"wrote {safe_name(out_file)} ({fmt})")
