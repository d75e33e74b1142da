"""Other programs' formats: `export anki` (a deck of the cards) and `export revlog` (the FSRS CSV).

The work is done by `app.anki` and `storage.revlog`; this module parses options and prints. It is imported when the CLI
starts, so genanki and the store are imported inside the commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from interview_drill.cli.options import Commands, Common, Filters, ForceOpt
from interview_drill.errors import UsageError
from interview_drill.render.fmt import plural

commands = Commands()
export = commands.subgroup(
    "export", help="Write your cards or your review log in other programs' formats.", no_args_is_help=True
)

OutOpt = Annotated[Path, typer.Option("--out", "-o", metavar="FILE", help="The file to write.")]


@export.command("anki")
def export_anki(
    out_file: OutOpt,
    with_schedule: Annotated[
        bool,
        typer.Option(
            "--with-schedule",
            help="Carry each card's FSRS memory, due date and review log (import with scheduling in Anki).",
        ),
    ] = False,
    filters: Filters = Filters(),
    force: ForceOpt = False,
    opts: Common = Common(),
) -> None:
    """An Anki deck (.apkg), one note per card; re-importing a newer export updates the same notes."""
    from interview_drill.app.anki import ANKI_DECK_NAME, earlier_anki, write_anki
    from interview_drill.app.workspace import env_clock
    from interview_drill.files import safe_name
    from interview_drill.render.anki import note_fields

    loaded = opts.load()
    cards = filters.check(loaded).apply(loaded.cards)
    if not cards:
        raise UsageError("no cards match these filters: nothing written")
    target = opts.out_target(earlier_anki, force=force, bank=loaded)
    now = env_clock()()
    if not with_schedule:
        n = write_anki(cards, out_file, timestamp=now.timestamp(), fields=note_fields, target=target)
        typer.echo(
            f"wrote {plural(n, 'note')} to {safe_name(out_file)} (Anki deck “{ANKI_DECK_NAME}”)",
            err=str(out_file) == "-",
        )
        return
    from interview_drill.app.anki_schedule import schedule_writer
    from interview_drill.app.workspace import load_settings

    with opts.history(readonly=True) as store:
        hook, counts = schedule_writer(store, {c.id for c in cards}, load_settings(), now)
        n = write_anki(
            cards, out_file, timestamp=now.timestamp(), fields=note_fields, schedule=hook, target=target
        )
    typer.echo(
        f"wrote {plural(n, 'note')} to {safe_name(out_file)} (Anki deck “{ANKI_DECK_NAME}”), with the schedule of "
        f"{plural(counts['cards'], 'studied card')} and {plural(counts['reviews'], 'review')}",
        err=str(out_file) == "-",
    )


@export.command("revlog")
def export_revlog(out_file: OutOpt, force: ForceOpt = False, opts: Common = Common()) -> None:
    """The review log as CSV for the FSRS optimiser tools (cram reviews left out).

    Columns: card_id,review_time,review_rating,review_state,review_duration — times in ms,
    review_state is the state before the review (0 new, 1 learning, 2 review, 3 relearning).
    """
    from interview_drill.files import safe_name
    from interview_drill.storage.revlog import earlier_revlog, write_revlog

    target = opts.out_target(earlier_revlog, force=force)
    with opts.history(readonly=True) as store:
        n = write_revlog(store, out_file, target=target)
    typer.echo(f"wrote {plural(n, 'review')} to {safe_name(out_file)}", err=str(out_file) == "-")
