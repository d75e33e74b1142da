"""Card-level insight and upkeep: `card ID` (one card's memory and review log, as Anki's card info) and
`reschedule` (apply changed settings to the cards already scheduled).
"""

from __future__ import annotations

from typing import Annotated

import typer

from interview_drill.cli.options import CardIdArg, Commands, Common, Filters, JsonOpt

commands = Commands()


@commands.command()
def card(
    card_id: CardIdArg,
    as_json: JsonOpt = False,
    opts: Common = Common(),
) -> None:
    """One card's memory: state, stability, difficulty, recall now, due, lapses, and its review log."""
    from interview_drill.domain.cardinfo import card_info
    from interview_drill.domain.leech import is_leech
    from interview_drill.domain.review import row_for
    from interview_drill.render.cardinfo import card_info_data, render_card_info
    from interview_drill.storage.cardlog import card_log

    ws = opts.workspace(readonly=True)
    found = ws.card(card_id)
    row = row_for(found, ws.rows())
    info = card_info(row, card_log(ws.store, row.slug), ws.scheduler, ws.now())
    leech = is_leech(row, ws.settings)
    from interview_drill.storage.checks import checks_of

    checks = [check for check, _ in checks_of(ws.store, found.id)] if found.exercise else []
    if as_json:
        data = card_info_data(found, info, leech)
        if found.exercise:
            data["coding_checks"] = [
                {"at": c.at.isoformat(), "passed": c.passed, "total": c.total, "error": c.error}
                for c in checks
            ]
        import json

        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    console = opts.console()
    console.print(render_card_info(found, info, ws.tz, leech))
    if found.exercise:  # the coding exercise: its checks, newest last
        from interview_drill.domain.clock import to_local

        if not checks:
            console.print(f"coding exercise: not checked yet (`idrill code {found.id}`)", markup=False)
        for c in checks[-5:]:
            result = c.error or f"{c.passed}/{c.total} tests passed"
            console.print(f"coding check {to_local(c.at, ws.tz):%Y-%m-%d %H:%M}: {result}", markup=False)


@commands.command()
def reschedule(
    filters: Filters = Filters(),
    undo: Annotated[
        bool, typer.Option("--undo", help="Put back the states the last reschedule replaced.")
    ] = False,
    opts: Common = Common(),
) -> None:
    """Apply changed settings (desired retention, parameters, maximum interval) to scheduled cards."""
    from interview_drill.app.reschedule import reschedule_cards, undo_reschedule
    from interview_drill.render.fmt import plural
    from interview_drill.render.terminal import progress_bar

    ws = opts.workspace()
    if undo:
        undone = undo_reschedule(ws)
        if undone is None:
            typer.echo("nothing to undo: no reschedule is recorded")
            return
        typer.echo(f"restored {plural(undone.restored, 'card')} to their states before the last reschedule")
        if undone.kept:
            typer.echo(
                f"kept the newer state of {plural(len(undone.kept), 'card')} reviewed since: {', '.join(undone.kept)}"
            )
        return
    cards = filters.check(ws.bank).apply(ws.bank.cards)
    with progress_bar(opts.console(), "re-scheduling") as step:
        changed = reschedule_cards(ws, cards, step)
    typer.echo(
        f"re-scheduled {plural(changed, 'card')} with the current settings"
        + ("; `idrill reschedule --undo` puts them back" if changed else "")
    )
