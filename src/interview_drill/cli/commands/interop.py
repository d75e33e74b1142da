"""Interop and personal tuning: `export anki|revlog`, `history export|import`, `optimize`.

The work is done by `interop.py` and `optimize.py`; this module parses options and prints. It is imported when the
CLI starts, so genanki, fsrs-rs and the store are imported inside the commands.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from interview_drill.cli.options import (
    BankOpt,
    Common,
    DbOpt,
    KindOpt,
    LevelOpt,
    MaxLevelOpt,
    NoBuiltinOpt,
    NoColorOpt,
    TagOpt,
    TopicOpt,
    _common,
    card_filter,
    guarded,
    load,
    out,
    workspace,
)
from interview_drill.errors import UsageError
from interview_drill.render.fmt import plural

if TYPE_CHECKING:
    from interview_drill.app.optimize import FitReport
    from interview_drill.storage.history import Store

export_app = typer.Typer(
    help="Write your cards or your review log in other programs' formats.", no_args_is_help=True
)
history_app = typer.Typer(
    help="Back up and restore your whole review history (JSON Lines), e.g. to move machines.",
    no_args_is_help=True,
)

OutOpt = Annotated[Path, typer.Option("--out", "-o", metavar="FILE", help="The file to write.")]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.add_typer(export_app, name="export")
    app.add_typer(history_app, name="history")
    app.command()(guarded(optimize))


def _history_path(opts: Common) -> Path:
    from interview_drill.paths import db_path

    return db_path(opts.db)


def _open_readonly(opts: Common) -> Store:
    from interview_drill.storage.history import Store

    return Store.open_readonly(_history_path(opts))


def _open_for_writing(opts: Common) -> Store:
    from interview_drill.app.workspace import ensure_data_dir
    from interview_drill.storage.history import Store

    path = _history_path(opts)
    ensure_data_dir(path, explicit=bool(opts.db or os.environ.get("IDRILL_DB")))
    return Store.open(path)


# ------------------------------------------------------------------ export


@export_app.command("anki")
@guarded
def export_anki(
    ctx: typer.Context,
    out_file: OutOpt,
    topic: TopicOpt = None,
    level: LevelOpt = None,
    max_level: MaxLevelOpt = None,
    kind: KindOpt = None,
    tag: TagOpt = None,
    bank: BankOpt = None,
    no_builtin: NoBuiltinOpt = False,
    db: DbOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """An Anki deck (.apkg), one note per card; re-importing a newer export updates the same notes."""
    from interview_drill.app.interop import ANKI_DECK_NAME, write_anki
    from interview_drill.app.workspace import env_clock
    from interview_drill.render.anki import note_fields

    opts = _common(ctx, bank, no_builtin, db, no_color)
    loaded = load(opts)
    flt = card_filter(loaded, topic=topic, level=level, max_level=max_level, kind=kind, tag=tag)
    cards = flt.apply(loaded.cards)
    if not cards:
        raise UsageError("no cards match these filters: nothing written")
    n = write_anki(cards, out_file, timestamp=env_clock()().timestamp(), fields=note_fields)
    typer.echo(
        f"wrote {plural(n, 'note')} to {out_file} (Anki deck “{ANKI_DECK_NAME}”)", err=str(out_file) == "-"
    )


@export_app.command("revlog")
@guarded
def export_revlog(
    ctx: typer.Context,
    out_file: OutOpt,
    bank: BankOpt = None,
    no_builtin: NoBuiltinOpt = False,
    db: DbOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """The review log as CSV for the FSRS optimiser tools (cram reviews left out).

    Columns: card_id,review_time,review_rating,review_state,review_duration — times in ms,
    review_state is the state before the review (0 new, 1 learning, 2 review, 3 relearning).
    """
    from interview_drill.app.interop import write_revlog

    opts = _common(ctx, bank, no_builtin, db, no_color)
    with _open_readonly(opts) as store:
        n = write_revlog(store, out_file)
    typer.echo(f"wrote {plural(n, 'review')} to {out_file}", err=str(out_file) == "-")


# ------------------------------------------------------------------ history


@history_app.command("export")
@guarded
def history_export(
    ctx: typer.Context,
    out_file: Annotated[
        Path, typer.Option("--out", "-o", metavar="FILE", help="The .jsonl file to write (`-` for stdout).")
    ],
    bank: BankOpt = None,
    no_builtin: NoBuiltinOpt = False,
    db: DbOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Every card's state and the whole review log as JSON Lines (stable order: diffs well in git)."""
    from interview_drill.app.interop import dump_history, write_history

    opts = _common(ctx, bank, no_builtin, db, no_color)
    with _open_readonly(opts) as store:
        if str(out_file) == "-":
            dump_history(store, sys.stdout)
            return
        counts = write_history(store, out_file)
    typer.echo(
        f"wrote {plural(counts.get('card', 0), 'card state')} and {plural(counts.get('review', 0), 'review')} "
        f"to {out_file}"
    )


@history_app.command("import")
@guarded
def history_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A file from `idrill history export`.")],
    bank: BankOpt = None,
    no_builtin: NoBuiltinOpt = False,
    db: DbOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Merge an exported history into this one: reviews already here are skipped, so importing
    twice changes nothing. The whole file is checked first; a bad line imports nothing."""
    from interview_drill.app.interop import import_history, read_history

    opts = _common(ctx, bank, no_builtin, db, no_color)
    data = read_history(file)
    with _open_for_writing(opts) as store:
        result = import_history(store, data)
    if not result.changed:
        typer.echo(f"nothing new in {file}: the history already holds all of it")
    else:
        typer.echo(
            f"imported {plural(result.reviews_added, 'review')} "
            f"({result.reviews_known} already here), {result.cards_added} new card(s), "
            f"{result.cards_updated} card state(s) updated"
        )
    if result.cards_kept:
        typer.echo(
            f"kept the local state of {plural(result.cards_kept, 'card')}: reviewed here after the exported state"
        )


# ------------------------------------------------------------------ optimize


def optimize(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Fit and compare, but save nothing and re-schedule nothing.")
    ] = False,
    suggest_retention: Annotated[
        bool,
        typer.Option(
            "--suggest-retention",
            help="Also simulate a year of study and suggest the desired retention with the least work "
            "per card remembered.",
        ),
    ] = False,
    bank: BankOpt = None,
    no_builtin: NoBuiltinOpt = False,
    db: DbOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Fit personal FSRS parameters to your review log, then re-schedule your cards with them.

    Needs the optional extra: pip install 'interview-drill[optimize]'.
    """
    from dataclasses import replace

    from interview_drill.domain.schedule import require_optimizer

    require_optimizer()  # before anything else: a one-line message, exit 2

    from interview_drill.app import config
    from interview_drill.app.optimize import card_histories, fit_report, reschedule
    from interview_drill.domain.schedule import Scheduler
    from interview_drill.domain.schedule import suggest_retention as suggest
    from interview_drill.paths import config_path

    opts = _common(ctx, bank, no_builtin, db, no_color)
    ws = workspace(opts, readonly=dry_run)
    console = out(opts)
    report = fit_report(card_histories(ws.store), ws.settings.parameters)
    _print_report(console, report)
    if suggest_retention:
        value = suggest(report.parameters, ws.settings, len(ws.bank.cards))
        typer.echo(
            f"Suggested desired retention: {value:.2f} (least study time per card remembered in a simulated "
            f"year; yours is {ws.settings.desired_retention:.2f}). Nearer an interview you may want more: "
            f"`idrill config set desired_retention {value:.2f}`"
        )
    if not report.improves:
        typer.echo(f"Nothing changed: {report.reason_to_keep}.")
        return
    if dry_run:
        typer.echo(f"Dry run: nothing saved. The parameters would be: {list(report.parameters)}")
        return
    scheduler = Scheduler(replace(ws.settings, parameters=report.parameters), fuzz=ws.fuzz)
    path = config_path()
    # Settings first: if that write fails, no card has been moved to the new parameters yet.
    config.save(path, replace(config.load(path), parameters=report.parameters))
    changed = _reschedule_with_progress(console, ws.store, scheduler, reschedule)
    typer.echo(f"Saved your personal parameters to {path}; re-scheduled {plural(changed, 'card')}.")


def _print_report(console, report: FitReport) -> None:
    from interview_drill.render.terminal import metrics_table

    rows = [("FSRS defaults", report.defaults)]
    if report.current is not None:
        rows.append(("your current ones", report.current))
    rows.append(("fitted to your reviews", report.fitted))
    typer.echo(
        f"Fitted on {plural(report.reviews - report.fitted.n, 'review')} before "
        f"{report.cutoff:%Y-%m-%d %H:%M} UTC; compared on the {report.fitted.n} newest "
        f"({plural(report.cards, 'card')}). Lower is better:"
    )
    console.print(metrics_table([(name, m.log_loss, m.rmse) for name, m in rows]))


def _reschedule_with_progress(console, store, scheduler, reschedule) -> int:
    from interview_drill.render.terminal import progress_bar

    with progress_bar(console, "re-scheduling") as step:
        return reschedule(store, scheduler, step)
