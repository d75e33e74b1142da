"""The bank commands: `validate`, `list`, `show`, `topics` (they read cards, never the history)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from interview_drill import speedups
from interview_drill.cli.complete import complete_card_id
from interview_drill.cli.options import Commands, Common, Filters, JsonOpt, Only
from interview_drill.render.fmt import plural

commands = Commands()


@commands.command()
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files or folders to check (default: every loaded bank).", show_default=False),
    ] = None,
    opts: Annotated[Common, Only("bank", "no_builtin", "no_color")] = Common(),
) -> None:
    """Check bank files: every problem as `file:line: field: message`; exit 2 if any."""
    from interview_drill.bank import bank_files, load_files
    from interview_drill.paths import builtin_bank_dir, user_bank_paths

    roots = ([] if opts.no_builtin else [builtin_bank_dir()]) + user_bank_paths(opts.bank) + list(paths or [])
    files, problems = bank_files(roots)
    with speedups.long_lived():
        loaded = load_files(files, extra_problems=problems)
    per_topic: dict[str, int] = {}
    for c in loaded.cards:
        per_topic[c.topic] = per_topic.get(c.topic, 0) + 1
    summary = ", ".join(f"{t} {n}" for t, n in per_topic.items())
    typer.echo(f"ok: {plural(len(loaded.cards), 'card')} in {plural(len(files), 'file')} ({summary})")


@commands.command("list")
def list_cards(
    filters: Filters = Filters(),
    search: Annotated[
        str | None, typer.Option("--search", "-s", metavar="TEXT", help="Text in the question or outline.")
    ] = None,
    as_json: JsonOpt = False,
    opts: Common = Common(),
) -> None:
    """List cards, filtered. Piped output is one tab-separated line per card."""
    import json

    loaded = opts.load()
    cards = filters.check(loaded, search=search).apply(loaded.cards)
    if as_json:
        from interview_drill.domain.textsafe import inert_json

        typer.echo(inert_json(json.dumps([c.to_json() for c in cards], indent=2, ensure_ascii=False)))
        return
    console = opts.console()
    if not console.is_terminal:
        from interview_drill.domain.textsafe import tsv_field

        for c in cards:  # one line a card, whatever its text holds: a tab or newline is escaped
            typer.echo("\t".join(tsv_field(str(v)) for v in (c.id, c.topic, c.seniority, c.kind, c.question)))
        return
    from interview_drill.render.terminal import cards_table

    console.print(cards_table(cards, console.width))
    console.print(plural(len(cards), "card"), style="dim")


@commands.command()
def show(
    card_id: Annotated[
        str,
        typer.Argument(metavar="ID", help="The card's id (or a former id).", autocompletion=complete_card_id),
    ],
    as_json: JsonOpt = False,
    opts: Common = Common(),
) -> None:
    """Show one whole card: question, outline, numbers, follow-ups, traps."""
    import json

    card = opts.load().require(card_id)
    if as_json:
        from interview_drill.domain.textsafe import inert_json

        typer.echo(inert_json(json.dumps(card.to_json(), indent=2, ensure_ascii=False)))
        return
    from interview_drill.render.terminal import render_card

    opts.console().print(render_card(card, parts=("outline", "numbers", "follow_ups", "traps", "meta")))


@commands.command()
def topics(opts: Common = Common()) -> None:
    """Cards per topic and seniority."""
    loaded = opts.load()
    counts: dict[str, dict[str, int]] = {}
    for c in loaded.cards:
        per = counts.setdefault(c.topic, {})
        per[c.seniority] = per.get(c.seniority, 0) + 1
    from interview_drill.render.terminal import topics_table

    opts.console().print(topics_table(counts, loaded.topics))
