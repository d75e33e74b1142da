"""Your review history as a whole: `history export|import` (a JSON Lines backup) and `optimize`
(fit your personal FSRS parameters to it and re-schedule with them).

The work is done by `storage.transfer` and `app.optimize`; this module parses options and prints. It is
imported when the CLI starts, so fsrs-rs and the store are imported inside the commands.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from interview_drill.cli.options import Commands, Common, ForceOpt
from interview_drill.render.fmt import plural

if TYPE_CHECKING:
    from rich.console import Console

    from interview_drill.app.optimize import FitReport
    from interview_drill.domain.schedule import Scheduler
    from interview_drill.storage.history import Store

    Reschedule = Callable[[Store, Scheduler, Callable[[int, int], None] | None], int]

commands = Commands()
history = commands.subgroup(
    "history",
    help="Back up and restore your whole review history (JSON Lines), e.g. to move machines.",
    no_args_is_help=True,
)


@history.command("export")
def history_export(
    out_file: Annotated[
        Path, typer.Option("--out", "-o", metavar="FILE", help="The .jsonl file to write (`-` for stdout).")
    ],
    force: ForceOpt = False,
    opts: Common = Common(),
) -> None:
    """Every card's state and the whole review log as JSON Lines (stable order: diffs well in git)."""
    from interview_drill.files import safe_name
    from interview_drill.storage.transfer import dump_history, earlier_history, write_history

    target = opts.out_target(earlier_history, force=force)
    with opts.history(readonly=True) as store:
        _report_damaged(store)
        if str(out_file) == "-":
            dump_history(store, sys.stdout)
            return
        counts = write_history(store, out_file, target=target)
    typer.echo(
        f"wrote {plural(counts.get('card', 0), 'card state')} and {plural(counts.get('review', 0), 'review')} "
        f"to {safe_name(out_file)}"
    )


def _report_damaged(store: Store) -> None:
    """One line on stderr when damaged rows are left out of an export (the rest is still saved)."""
    from interview_drill.cli.hints import words
    from interview_drill.errors import Hint, spell
    from interview_drill.storage.damage import find

    damaged = find(store.conn)
    if damaged:
        ids = ", ".join(f"{d.table} {d.row_id}" for d in damaged[:5]) + (" …" if len(damaged) > 5 else "")
        parts = (
            f"left out {len(damaged)} damaged row(s) ({ids}); everything else is exported — ",
            Hint.REPAIR_HISTORY,
        )
        typer.echo(spell(parts, words), err=True)


@history.command("import")
def history_import(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A file from `idrill history export`.")],
    opts: Common = Common(),
) -> None:
    """Merge an exported history into this one: reviews already here are skipped, so importing
    twice changes nothing. The whole file is checked first; a bad line imports nothing."""
    from interview_drill.app.workspace import env_clock
    from interview_drill.files import safe_name
    from interview_drill.storage.transfer import import_history, read_history

    now = env_clock()()
    data = read_history(file, now=now)
    with opts.history() as store:
        result = import_history(store, data, now=now)
    if not result.changed:
        typer.echo(f"nothing new in {safe_name(file)}: the history already holds all of it")
    else:
        known = f" ({result.reviews_known} already here)" if result.reviews_known else ""
        typer.echo(
            f"imported {plural(result.reviews_added, 'review')}{known}, "
            f"{plural(result.cards_added, 'new card')}, "
            f"{plural(result.cards_updated, 'card state')} updated"
        )
    if result.cards_kept:
        typer.echo(
            f"kept the local state of {plural(result.cards_kept, 'card')}: reviewed here after the exported state"
        )


# ------------------------------------------------------------------ optimize


@commands.command()
def optimize(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Fit and compare, but save nothing and re-schedule nothing.")
    ] = False,
    suggest_retention: Annotated[
        bool,
        typer.Option(
            "--suggest-retention",
            help="Also simulate 90 days of study with your recorded answer times and the new parameters, "
            "and suggest the desired retention with the least work per card remembered (see `idrill simulate`).",
        ),
    ] = False,
    opts: Common = Common(),
) -> None:
    """Fit personal FSRS parameters to your review log, then re-schedule your cards with them.

    Needs the optional extra: pip install 'interview-drill[optimize]'.
    """
    from dataclasses import replace

    from interview_drill.app.optimize import require_optimizer

    require_optimizer()  # before anything else: a one-line message, exit 2

    from interview_drill.app import config
    from interview_drill.app.optimize import card_histories, fit_report, reschedule
    from interview_drill.cli.hints import CONFIG_HEADER
    from interview_drill.domain.schedule import Scheduler
    from interview_drill.paths import config_path

    ws = opts.workspace(readonly=dry_run)
    console = opts.console()
    report = fit_report(card_histories(ws.store), ws.settings.parameters, ws.scheduler.days)
    _print_report(console, report)
    if suggest_retention:
        from interview_drill.app.simulate import simulate_retentions
        from interview_drill.domain.simulate import cheapest

        fitted = replace(ws, settings=replace(ws.settings, parameters=report.parameters), _scheduler=None)
        value = cheapest(simulate_retentions(fitted, ws.bank.cards, 90)[1]).retention
        typer.echo(
            f"Suggested desired retention: {value:.2f} (least study time per card remembered in 90 simulated "
            f"days, from your recorded answer times; yours is {ws.settings.desired_retention:.2f}; "
            "`idrill simulate` shows the whole table). Nearer an interview you may want more: "
            f"`idrill config set desired_retention {value:.2f}`"
        )
    if not report.improves:
        typer.echo(f"Nothing changed: {report.reason_to_keep}.")
        return
    if dry_run:
        typer.echo(f"Dry run: nothing saved. The parameters would be: {list(report.parameters)}")
        return
    scheduler = Scheduler(replace(ws.settings, parameters=report.parameters), fuzz=ws.fuzz, tz=ws.tz)
    path = config_path()
    # Settings first: if that write fails, no card has been moved to the new parameters yet.
    config.save(path, replace(config.load(path), parameters=report.parameters), header=CONFIG_HEADER)
    changed = _reschedule_with_progress(console, ws.store, scheduler, reschedule)
    typer.echo(f"Saved your personal parameters to {path}; re-scheduled {plural(changed, 'card')}.")


def _print_report(console: Console, report: FitReport) -> None:
    from interview_drill.render.terminal import metrics_table

    rows = [("FSRS defaults", report.defaults)]
    if report.current is not None:
        rows.append(("your current ones", report.current))
    rows.append(("fitted to your reviews", report.fitted))
    typer.echo(
        f"Fitted on {plural(report.reviews - report.fitted.n, 'review')} before "
        f"{report.cutoff:%Y-%m-%d %H:%M} UTC; compared on the {report.fitted.n} newest "
        f"({report.cards} cards). Lower is better:"
    )
    console.print(metrics_table([(name, m.log_loss, m.rmse) for name, m in rows]))


def _reschedule_with_progress(
    console: Console, store: Store, scheduler: Scheduler, reschedule: Reschedule
) -> int:
    from interview_drill.render.terminal import progress_bar

    with progress_bar(console, "re-scheduling") as step:
        return reschedule(store, scheduler, step)
