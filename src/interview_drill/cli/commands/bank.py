"""The bank commands: `validate`, `list` (a card browser: it also reads the history), `show`, `topics`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from interview_drill import speedups
from interview_drill.cli.options import CardIdArg, Commands, Common, Filters, JsonOpt, Only
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
    due: Annotated[
        bool, typer.Option("--due", help="Only cards due by the end of today's study day.")
    ] = False,
    state: Annotated[
        list[str] | None,
        typer.Option(
            "--state",
            metavar="STATE",
            help="Only cards in this state: new, learning, review, relearning, suspended (repeatable).",
        ),
    ] = None,  # fmt: skip
    sort: Annotated[
        str | None,
        typer.Option(
            "--sort", metavar="KEY", help="Sort by due, recall (lowest first), lapses or stability."
        ),
    ] = None,
    as_json: JsonOpt = False,
    opts: Common = Common(),
) -> None:
    """List cards, filtered, with their state, due date and recall now (a card browser).

    Piped output is one tab-separated line per card: id, topic, level, kind, question, state, due, recall.
    """
    import json

    from interview_drill.domain.browse import SORTS, STATES, browse
    from interview_drill.domain.filters import check_values

    check_values("state", state or (), STATES)
    if sort is not None:
        check_values("sort", (sort,), SORTS)
    ws = opts.workspace(readonly=True)
    cards = filters.check(ws.bank, search=search).apply(ws.bank.cards)
    now = ws.now()
    entries = browse(
        cards,
        ws.rows(),
        ws.scheduler,
        now,
        day_end=ws.today(now)[1],
        states=state or (),
        due_only=due,
        sort=sort,
    )
    if as_json:
        from interview_drill.domain.textsafe import inert_json

        typer.echo(inert_json(json.dumps([_entry_json(e) for e in entries], indent=2, ensure_ascii=False)))
        return
    console = opts.console()
    if not console.is_terminal:
        from interview_drill.domain.textsafe import tsv_field

        for e in entries:  # one line a card, whatever its text holds: a tab or newline is escaped
            c = e.card
            recall = f"{e.recall:.2f}" if e.recall is not None else ""
            due_at = e.due.isoformat(timespec="minutes") if e.due else ""
            fields = (c.id, c.topic, c.seniority, c.kind, c.question, e.state, due_at, recall)
            typer.echo("\t".join(tsv_field(str(v)) for v in fields))
        return
    from interview_drill.render.terminal import cards_table

    console.print(cards_table([e.card for e in entries], console.width, entries=entries, tz=ws.tz, now=now))
    console.print(plural(len(entries), "card"), style="dim")


def _entry_json(e: Any) -> dict[str, Any]:
    m = e.row.memory
    return {
        **e.card.to_json(),
        "state": e.state,
        "due": e.due.isoformat() if e.due else None,
        "recall": round(e.recall, 4) if e.recall is not None else None,
        "stability": round(m.stability, 4) if m else None,
        "lapses": e.row.lapses,
    }


@commands.command()
def show(
    card_id: CardIdArg,
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
