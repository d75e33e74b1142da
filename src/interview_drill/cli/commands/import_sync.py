"""Bringing cards and history in: `import` (Markdown, CSV/TSV, Anki → bank YAML).

The work is done by `app.importers`; this module parses options and prints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from interview_drill.cli.options import Commands, Common, Only
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
    with opts.history(readonly=dry_run) as store:
        device = device_for(path, create=not dry_run)
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


@commands.command("new")
def new_card(
    bank: Annotated[
        Path | None,
        typer.Option(
            "--bank", metavar="DIR", help="The folder of your bank files (default: the first of IDRILL_BANK)."
        ),
    ] = None,
    topic: Annotated[
        str, typer.Option("--topic", metavar="SLUG", help="The topic file to add the card to.")
    ] = "my-cards",
    opts: Annotated[Common, Only("no_builtin", "db", "no_color")] = Common(),
) -> None:
    """Write a new card: a scaffold with every field explained opens in $VISUAL / $EDITOR, is checked
    on save and re-opened with the problems until it is right. With no editor, reads the card from stdin.
    """
    import os
    import shlex
    import subprocess
    import sys
    import tempfile

    from interview_drill.app.authoring import SCAFFOLD, add_card, check_card, with_problems
    from interview_drill.app.importers.drafts import slugify
    from interview_drill.bank import load_bank
    from interview_drill.errors import UsageError
    from interview_drill.paths import user_bank_paths

    if slugify(topic) != topic:
        raise UsageError(f"topic `{topic}` is not a slug: use lowercase letters, digits and hyphens")
    paths = user_bank_paths(None)
    folder = bank or (paths[0] if paths else None)
    if folder is None:
        raise UsageError("say which folder the card goes to: --bank DIR (or set IDRILL_BANK)")
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder}: is not a folder; give the folder of your bank files")
    target = folder / f"{topic}.yaml"
    extra = [folder] if folder.is_dir() and any(folder.glob("*.yaml")) and folder not in paths else []
    others = [p for p in user_bank_paths(opts.bank) if p != folder] + extra
    loaded = load_bank(others, include_builtin=not opts.no_builtin) if others or not opts.no_builtin else None
    from interview_drill.bank import Bank

    loaded = loaded or Bank(cards=[])
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        if sys.stdin.isatty():
            typer.echo(SCAFFOLD, nl=False)
            raise UsageError(
                "no editor: set $EDITOR, or pipe the card in (idrill new --bank DIR < card.yaml)"
            )
        text = sys.stdin.read()
        card, problems = check_card(text, Path("<stdin>"), loaded, target)
        if card is None:
            for p in problems:
                typer.echo(p, err=True)
            raise typer.Exit(2)
    else:
        text = SCAFFOLD
        with tempfile.TemporaryDirectory(prefix="idrill-new-") as work:
            draft = Path(work) / f"{topic}-new-card.yaml"
            while True:
                draft.write_text(text, encoding="utf-8")
                try:
                    subprocess.run([*shlex.split(editor), str(draft)], check=False)
                except OSError as exc:
                    raise UsageError(f"cannot run the editor `{editor}` ({exc.strerror or exc})") from None
                saved = draft.read_text(encoding="utf-8")
                if saved == text:
                    typer.echo("nothing changed: no card added", err=True)
                    raise typer.Exit(1)
                card, problems = check_card(saved, draft, loaded, target)
                if card is not None:
                    break
                for p in problems:
                    typer.echo(p, err=True)
                text = with_problems(saved, problems)
    if not folder.exists():
        folder.mkdir(parents=True)
    add_card(target, topic, card)
    typer.echo(f"added `{card.id}` to {target}")
