"""Bringing cards and history in: `import` (Markdown, CSV/TSV, Anki → bank YAML).

The work is done by `app.importers`; this module parses options and prints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from interview_drill.cli.options import Commands, Common
from interview_drill.render.fmt import plural

commands = Commands()


@commands.command("import")
def import_cards(
    files: Annotated[
        list[Path], typer.Argument(metavar="FILE…", help="Markdown (.md), CSV/TSV or Anki (.apkg) files.")
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", metavar="DIR", help="The folder of bank files to write.")
    ],
    topic: Annotated[
        str | None,
        typer.Option("--topic", metavar="SLUG", help="Put every card in this topic (default: one per file)."),
    ] = None,
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help="Leave out cards with problems instead of writing nothing.")
    ] = False,
    prune: Annotated[
        bool, typer.Option("--prune", help="Drop cards of the output files that the sources no longer have.")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would change; write nothing.")] = False,
    opts: Common = Common(),
) -> None:
    """Convert your notes to bank YAML: one card per Markdown heading, CSV/TSV row or Anki note.

    Ids are slugs of the questions; importing an edited source again updates the same cards.
    """
    from interview_drill.app.importers.convert import plan_import, write_plan
    from interview_drill.bank import Bank
    from interview_drill.paths import user_bank_paths

    # With --no-builtin and no other bank there is nothing to collide with: that is fine here.
    loaded = opts.load() if not opts.no_builtin or user_bank_paths(opts.bank) else Bank(cards=[])
    plan = plan_import(files, out, loaded, topic=topic, skip_bad=skip_bad, prune=prune)
    for problem in plan.problems:
        typer.echo(problem, err=True)
    if plan.skipped:
        typer.echo(f"skipped {plural(plan.skipped, 'card')} with problems", err=True)
    if not dry_run:
        write_plan(plan, out)
    for f in plan.files:
        parts = [f"{len(f.added)} added", f"{len(f.updated)} updated", f"{len(f.unchanged)} unchanged"]
        if f.kept:
            parts.append(f"{len(f.kept)} kept (not in the source; --prune drops them)")
        if f.removed:
            parts.append(f"{len(f.removed)} removed")
        verb = "would write" if dry_run and f.changed else "wrote" if f.changed else "unchanged:"
        typer.echo(f"{verb} {f.path} ({', '.join(parts)})")
    if not dry_run and plan.files:
        typer.echo(f"drill them with: idrill --bank {out}")


@commands.command("sync")
def sync(
    folder: Annotated[
        Path,
        typer.Argument(metavar="DIR", help="A folder every machine sees (Syncthing, Dropbox, a USB stick…)."),
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would change; write nothing.")] = False,
    opts: Common = Common(),
) -> None:
    """Merge your history with your other machines' through a shared folder (no server).

    Each machine writes its own file there and reads the others'; ratings are never lost, and
    running it again, or in any order, changes nothing more.
    """
    import os

    from interview_drill.app.sync import device_for, remember_folder, sync_folder
    from interview_drill.app.workspace import env_clock, load_settings
    from interview_drill.domain.schedule import Scheduler
    from interview_drill.paths import db_path

    path = db_path(opts.db)
    scheduler = Scheduler(load_settings(), fuzz=os.environ.get("IDRILL_FUZZ", "1") != "0")
    with opts.history() as store:
        device = device_for(path)
        result = sync_folder(store, folder, device, scheduler, env_clock()(), dry_run=dry_run)
    if not dry_run:
        remember_folder(path, folder)
    for line in result.skipped:
        typer.echo(line, err=True)
    others = ", ".join(result.merged) or "none yet"
    verb = "would add" if dry_run else "added"
    typer.echo(f"this machine: {device.id}; merged: {others}")
    typer.echo(
        f"{verb} {plural(result.reviews_added, 'review')} and {plural(result.number_answers_added, 'numbers answer')}; "
        f"{plural(len(result.cards_changed), 'card')} {'would change' if dry_run else 'changed'}"
    )
    if dry_run:
        typer.echo("dry run: nothing written")
    else:
        typer.echo(f"wrote {folder / (device.id + '.idrill-sync.jsonl')}")
