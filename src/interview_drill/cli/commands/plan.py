"""Aiming at the interview: `plan` (make, show, clear a date-driven plan)."""

from __future__ import annotations

from typing import Annotated

import typer

from interview_drill.cli.complete import complete_level
from interview_drill.cli.options import Commands, Common, Filters, JsonOpt
from interview_drill.errors import UsageError

commands = Commands()


def _date(value: str | None) -> object:
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--date: `{value}` is not a date; use YYYY-MM-DD, e.g. 2026-12-20") from None


@commands.command()
def plan(
    date: Annotated[
        str | None,
        typer.Option("--date", metavar="YYYY-MM-DD", help="The interview's date: make (or replace) a plan."),
    ] = None,
    recall: Annotated[
        float | None,
        typer.Option(
            "--recall", metavar="R", help="Recall wanted on the day, 0.70-0.99 (default: desired_retention)."
        ),
    ] = None,
    target: Annotated[
        str | None,
        typer.Option(
            "--target",
            metavar="LEVEL",
            help="Interview level: cards above it are out of scope.",
            autocompletion=complete_level,
        ),
    ] = None,  # fmt: skip
    name: Annotated[
        str | None,
        typer.Option("--name", metavar="NAME", help="Which plan (several may exist; default: its date)."),
    ] = None,
    clear: Annotated[
        bool, typer.Option("--clear", help="Remove the plan (named by --name if several).")
    ] = False,
    filters: Filters = Filters(),
    as_json: JsonOpt = False,
    opts: Common = Common(),
) -> None:
    """A date-driven plan: every card in scope introduced in time and recalled on the interview day."""
    from interview_drill.app.plan import clear_plan, make_plan, plan_views, stored_plans
    from interview_drill.render.plan import plan_data, render_plan

    day = _date(date)
    if clear:
        if day is not None or recall is not None or target is not None:
            raise UsageError("--clear takes only --name")
        ws = opts.workspace()
        removed = clear_plan(ws, name)
        typer.echo(f"removed plan {removed}; normal scheduling applies to its cards")
        return
    if target is not None:
        from interview_drill.cli.commands.practice import _check_level

        _check_level(target)
    names: list[str] = []
    if day is not None:
        from datetime import date as Date

        assert isinstance(day, Date)
        ws = opts.workspace()
        flt = filters.check(ws.bank)
        made, replaced = make_plan(
            ws, day=day, recall=recall, target=target, scope=flt, name=name, now=ws.now()
        )
        names = [made.name]
        if not as_json:
            typer.echo(f"{'replaced' if replaced else 'saved'} plan {made.name}")
    else:
        if recall is not None or target is not None:
            raise UsageError("--recall and --target go with --date (a new plan)")
        ws = opts.workspace(readonly=True)
        if name is not None:
            if name not in {p.name for p in stored_plans(ws)}:
                raise UsageError(f"no plan called `{name}`")
            names = [name]
    views = plan_views(ws, ws.now(), names)
    if as_json:
        import json

        typer.echo(json.dumps({"plans": [plan_data(v.active, v.projection) for v in views]}, indent=2))
        return
    console = opts.console()
    if not views:
        past = len(stored_plans(ws))
        console.print("No active plan." + (f" ({past} past plan(s) kept.)" if past else ""))
        console.print("Make one: idrill plan --date YYYY-MM-DD [--recall 0.95] [--target senior]")
        return
    for i, view in enumerate(views):
        if i:
            console.print()
        console.print(render_plan(view.active, view.projection))
