"""Scheduling commands: today's `drill` (also `idrill` alone), `due`, `undo`, `suspend`, `unsuspend`,
`unbury`, `reset`. The session loop itself is `app.loops.Session`; this module wires it to the terminal.
"""

from __future__ import annotations

import sys
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from interview_drill import speedups
from interview_drill.cli.complete import complete_card_id
from interview_drill.cli.keys import key_reader, line_reader
from interview_drill.cli.options import Commands, Common, DrillOpts, Filters, JsonOpt, NewOpt
from interview_drill.errors import UsageError
from interview_drill.render.fmt import plural

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from rich.console import Console

    from interview_drill.app.loops.coding import CodingRound
    from interview_drill.app.workspace import Workspace

commands = Commands()

IdsArg = Annotated[
    list[str], typer.Argument(metavar="ID...", help="Card ids.", autocompletion=complete_card_id)
]


@commands.command()
def drill(filters: Filters = Filters(), session: DrillOpts = DrillOpts(), opts: Common = Common()) -> None:
    """Today's drill: due cards first, then new ones. Single keys; press ? for help."""
    with speedups.long_lived():  # what the session is built from lives as long as it: never scanned
        from interview_drill.app.loops.drill import Session
        from interview_drill.domain.queue import as_item, cram_items
        from interview_drill.domain.review import row_for
        from interview_drill.render.session import TerminalInteraction, render_summary

        ws = opts.workspace()
        flt = filters.check(ws.bank)
        console = opts.console()
        now = ws.now()
        later = []
        if session.cram:
            rows = ws.rows()
            items = cram_items(
                [as_item(c, row_for(c, rows), ws.scheduler, now) for c in flt.apply(ws.bank.cards)]
            )
            if not items:
                raise UsageError("no cards match these filters")
        else:
            if flt.active and not flt.apply(ws.bank.cards):
                raise UsageError("no cards match these filters")
            queue = ws.queue(flt, new_limit=session.new, now=now)
            items, later = queue.items, queue.later
            if not items and not later:
                _nothing_due(console, ws, queue.next_due, now)
                return
        from interview_drill.app.ai.grading import grader_for
        from interview_drill.cli.hints import words

        read_key = key_reader(console)
        ui = TerminalInteraction(console, read_key, line_reader(), clear=console.is_terminal)
        loop = Session(
            ws.store, ws.scheduler, ws.clock, ui, items,
            mode="cram" if session.cram else "drill", later=later, limit=session.limit, minutes=session.minutes,
            bury_until=lambda moment: ws.today(moment)[1], write=session.write,
            grader=grader_for(ws.settings, words=words),
            coding=_coding_round(ws, console, read_key),
        )  # fmt: skip
    result = loop.run()
    console.print(render_summary(result, due_tomorrow=ws.tomorrow_due(), streak=_streak(ws)))
    if result.interrupted:
        raise typer.Exit(130)


def _coding_round(ws: Workspace, console: Console, read_key: Callable[[], str]) -> CodingRound | None:
    """The `c` key on coding cards with a runnable exercise (see `idrill code`)."""
    if not ws.bank.exercises:
        return None
    from interview_drill.app.loops.coding import CodingRound

    def edit(path: Path) -> bool:  # `idrill code`'s module is imported when a round starts
        from interview_drill.cli.commands.code import drill_editor

        return drill_editor(console, read_key)(path)

    return CodingRound(ws.store, ws.bank.exercises, ws.clock, edit)


def _streak(ws: Workspace) -> int:
    from interview_drill.app.streak import drill_streak  # not via figures.stats: ~5 ms to import

    return drill_streak(ws)


def _nothing_due(console: Console, ws: Workspace, next_due: datetime | None, now: datetime) -> None:
    from interview_drill.domain.clock import to_local
    from interview_drill.render.fmt import human_delta

    console.print("Nothing due right now. Well done.", style="bold green")
    if next_due is not None:
        local = to_local(next_due, ws.tz)
        console.print(f"Next card due in {human_delta(next_due - now)} ({local:%a %d %b %H:%M}).")
    console.print("Want more? `idrill --new 5` adds new cards; `idrill --cram` practises without scheduling.")


@commands.command()
def due(
    filters: Filters = Filters(), new: NewOpt = None, as_json: JsonOpt = False, opts: Common = Common()
) -> None:
    """What today's session would serve, counted by topic and state."""
    import json

    ws = opts.workspace(readonly=True)
    queue = ws.queue(filters.check(ws.bank), new_limit=new)
    states = ("new", "learning", "review", "relearning")
    counts: dict[str, dict[str, int]] = {}
    served = queue.items or queue.ahead  # with nothing else due, the drill learns ahead: say so here too
    for item in served:
        per = counts.setdefault(item.card.topic, dict.fromkeys(states, 0))
        per[item.phase.label] += 1
    if as_json:
        payload = {
            "total": len(served),
            "by_topic": counts,
            "cards": [{"id": it.card.id, "topic": it.card.topic, "state": it.phase.label} for it in served],
            "next_due": queue.next_due.isoformat() if queue.next_due else None,
        }
        typer.echo(json.dumps(payload, indent=2))
        return
    from interview_drill.render.terminal import due_table

    console = opts.console()
    if not served:
        _nothing_due(console, ws, queue.next_due, ws.now())
        return
    console.print(due_table(counts, states))
    ahead = " (learning steps due within 20 minutes, served early)" if not queue.items else ""
    console.print(f"{plural(len(served), 'card')} in today's session{ahead}")


@commands.command()
def undo(opts: Common = Common()) -> None:
    """Undo the last rating (also after a restart): the card's state and log are restored exactly."""
    from interview_drill.app.rate import undo_last
    from interview_drill.paths import db_path
    from interview_drill.storage.history import Store

    with Store.open(db_path(opts.db)) as store:
        undone = undo_last(store)
    if undone is None:
        typer.echo("nothing to undo: no rating was given on this device (imported reviews are not undone)")
        return
    from interview_drill.app.workspace import env_tz
    from interview_drill.domain.clock import to_local

    when = f", rated {to_local(undone.reviewed_at, env_tz()):%Y-%m-%d %H:%M}" if undone.reviewed_at else ""
    typer.echo(f"undid {undone.rating.label} ({undone.kind}) on {undone.slug}{when}")


def _set_suspended(opts: Common, ids: list[str], suspended: bool) -> None:
    ws = opts.workspace()
    wanted = [ws.card(i).id for i in ids]
    changed = ws.store.set_suspended(wanted, suspended)
    verb = "suspended" if suspended else "unsuspended"
    same = [i for i in wanted if i not in changed]
    if changed:
        typer.echo(f"{verb} {plural(len(changed), 'card')}: {', '.join(changed)}")
    if same:
        typer.echo(f"already {verb}: {', '.join(same)}")


@commands.command()
def suspend(ids: IdsArg, opts: Common = Common()) -> None:
    """Keep cards out of the queue until unsuspended (history is kept)."""
    _set_suspended(opts, ids, True)


@commands.command()
def unsuspend(ids: IdsArg, opts: Common = Common()) -> None:
    """Put suspended cards back into the queue."""
    _set_suspended(opts, ids, False)


@commands.command()
def unbury(
    ids: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[ID...]", help="Card ids; none: every buried card.", autocompletion=complete_card_id
        ),
    ] = None,
    opts: Common = Common(),
) -> None:
    """Bring buried cards back into today's queue (all of them without ids)."""
    ws = opts.workspace()
    wanted = [ws.card(i).id for i in ids] if ids else ws.store.buried(ws.now())
    if not wanted:
        typer.echo("no buried cards")
        return
    changed = ws.store.unbury(wanted)
    if changed:
        typer.echo(f"unburied {plural(len(changed), 'card')}: {', '.join(changed)}")
    same = [i for i in wanted if i not in changed]
    if same:
        typer.echo(f"not buried: {', '.join(same)}")


@commands.command()
def reset(
    card_id: Annotated[
        str, typer.Argument(metavar="ID", help="The card to make new again.", autocompletion=complete_card_id)
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    opts: Common = Common(),
) -> None:
    """Forget one card's schedule on purpose: it becomes new again (its review log is kept)."""
    ws = opts.workspace()
    card = ws.card(card_id)
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError("reset asks for confirmation; add --yes to run it without a terminal")
        typer.confirm(f"Forget the schedule of {card.id}?", abort=True)
    if ws.store.reset(card.id):
        typer.echo(f"reset {card.id}: it is new again (its review log is kept)")
    else:
        typer.echo(f"{card.id} has no schedule to reset (never reviewed)")


@commands.command()
def postpone(
    days: Annotated[
        int | None,
        typer.Option("--days", min=1, max=365, metavar="N", help="Spread today's due reviews over N days."),
    ] = None,
    until_recall: Annotated[
        float | None,
        typer.Option(
            "--until-recall",
            min=0.5,
            max=0.99,
            metavar="R",
            help="Move each due review to the last day its predicted recall is still at least R.",
        ),
    ] = None,
    undo: Annotated[bool, typer.Option("--undo", help="Put back the cards of the last postpone.")] = False,
    filters: Filters = Filters(),
    opts: Common = Common(),
) -> None:
    """Spread a backlog of due reviews over the next days; history and memory are kept (undoable)."""
    from interview_drill.app.postpone import apply_moves, undo_newest
    from interview_drill.domain import postpone as plan
    from interview_drill.domain.review import Phase

    if undo:
        if days is not None or until_recall is not None:
            raise UsageError("--undo takes no --days or --until-recall")
        ws = opts.workspace()
        restored = undo_newest(ws.store)
        if restored is None:
            typer.echo("nothing to undo: no postpone is on record")
        else:
            typer.echo(f"put back {plural(len(restored), 'card')} where the last postpone found them")
        return
    if (days is None) == (until_recall is None):
        raise UsageError("give one of --days N or --until-recall R (or --undo)")
    ws = opts.workspace()
    now = ws.now()
    _, day_end = ws.today(now)
    rows = ws.rows()
    backlog = []
    from interview_drill.domain.review import row_for

    for card in filters.check(ws.bank).apply(ws.bank.cards):
        row = row_for(card, rows)
        m = row.memory
        if m is not None and m.phase == Phase.REVIEW and m.due < day_end and not row.suspended:
            backlog.append(row)
    if days is not None:
        moves = plan.over_days([(r, ws.scheduler.retrievability(r.memory, now)) for r in backlog], days, now)
    else:
        assert until_recall is not None
        moves = plan.until_recall(
            backlog, until_recall, now, lambda r, t: ws.scheduler.retrievability(r.memory, t)
        )
    moved = apply_moves(ws.store, moves, now)
    typer.echo(
        f"{plural(len(backlog), 'review')} due today; moved {plural(moved, 'card')} to later days "
        f"({len(backlog) - moved} stay due today). Undo with `idrill postpone --undo`."
    )
