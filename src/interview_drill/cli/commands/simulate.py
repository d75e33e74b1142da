"""`simulate`: desired retention against minutes per day and cards remembered, from your own timings."""

from __future__ import annotations

from typing import Annotated

import typer

from interview_drill.cli.options import Commands, Common, Filters, JsonOpt

commands = Commands()


@commands.command()
def simulate(
    days: Annotated[int, typer.Option("--days", min=7, max=3650, metavar="N", help="Days to simulate.")] = 90,
    filters: Filters = Filters(),
    as_json: JsonOpt = False,
    opts: Common = Common(),
) -> None:
    """What each desired retention costs (minutes a day, from your recorded answer times) and buys."""
    from interview_drill.app.simulate import simulate_retentions
    from interview_drill.render.simulate import render_simulation, simulation_data

    ws = opts.workspace(readonly=True)
    cards = filters.check(ws.bank).apply(ws.bank.cards)
    costs, outcomes = simulate_retentions(ws, cards, days)
    if as_json:
        import json

        typer.echo(json.dumps(simulation_data(outcomes, costs, days, len(cards)), indent=2))
        return
    opts.console().print(render_simulation(outcomes, costs, days, len(cards), ws.settings.desired_retention))
