"""The coding round: `idrill code ID` (write the stub, open your editor), `--check [FILE]` (run the
hidden tests), `--solution` (the reference) and `--list` (runnable exercises with your last result).

The exercises and the checking child process are `app.exercises`; the drill's `c` key uses the same
editor launch (`drill_editor`).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from interview_drill.cli.complete import complete_card_id
from interview_drill.cli.options import Commands, Common, Filters, JsonOpt
from interview_drill.errors import UsageError

if TYPE_CHECKING:
    from rich.console import Console

commands = Commands()

ROUND = """A full round: `idrill code dpo-loss-implementation` writes the stub to your work folder and
opens $VISUAL or $EDITOR (else prints the path); edit it; `idrill code dpo-loss-implementation --check`
runs the hidden tests (exit 0 when all pass). In the drill, press c on a coding card: the same round,
then enter takes the rating the tests suggest (all pass: Good, some: Hard, none: Again) or 1-4 override."""


def _editor() -> list[str] | None:
    """The user's editor command ($VISUAL, else $EDITOR), split like a shell would; None if unset."""
    for var in ("VISUAL", "EDITOR"):
        value = os.environ.get(var, "").strip()
        if value:
            try:
                return shlex.split(value)
            except ValueError:
                raise UsageError(f"${var} is not a command line: {value!r}") from None
    return None


def open_editor(editor: list[str], path: Path) -> None:
    """Run the editor on `path` and wait for it; a UsageError if it cannot start or fails."""
    try:
        code = subprocess.run([*editor, str(path)], check=False).returncode
    except OSError as exc:
        raise UsageError(
            f"cannot start the editor `{shlex.join(editor)}` ({exc.strerror or exc}); "
            f"your attempt is at {path}"
        ) from None
    if code != 0:
        raise UsageError(
            f"the editor `{shlex.join(editor)}` exited with code {code}; your attempt is at {path}"
        )


def drill_editor(console: Console, read_key: Callable[[], str]) -> Callable[[Path], bool]:
    """How the drill's `c` key edits an attempt: the editor when set, else the user edits elsewhere."""
    from rich.text import Text

    def edit(path: Path) -> bool:
        editor = _editor()
        if editor is not None:
            try:
                open_editor(editor, path)
                return True
            except UsageError as exc:
                console.print(Text(str(exc), style="italic magenta"))
        console.print(Text.assemble(("Your attempt: ", "bold"), str(path)))
        console.print(
            Text("edit it in your editor, then press enter to run the tests (q: back)", style="dim")
        )
        return read_key() not in ("q", "")

    return edit


# ------------------------------------------------------------------ the command

CardArg = Annotated[
    str | None,
    typer.Argument(
        metavar="ID",
        help="The coding card (see --list).",
        autocompletion=complete_card_id,
        show_default=False,
    ),
]
FileArg = Annotated[
    Path | None,
    typer.Argument(
        metavar="FILE", help="With --check: the file to check (default: your attempt).", show_default=False
    ),
]


@commands.command(epilog=ROUND)
def code(
    card_id: CardArg = None,
    file: FileArg = None,
    check: Annotated[
        bool, typer.Option("--check", help="Run the hidden tests on your attempt (or FILE).")
    ] = False,
    solution: Annotated[bool, typer.Option("--solution", help="Show the reference solution.")] = False,
    list_them: Annotated[
        bool,
        typer.Option("--list", help="List the runnable exercises with your last result (filters apply)."),
    ] = False,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Start over: write the stub over your attempt.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    filters: Filters = Filters(),
    as_json: JsonOpt = False,
    opts: Common = Common(),
) -> None:
    """Write and test the code of a coding card: the stub, your editor, the hidden tests."""
    modes = [name for name, on in (("--check", check), ("--solution", solution), ("--list", list_them)) if on]
    if len(modes) > 1:
        raise UsageError(f"{' and '.join(modes)} do different things; give one of them")
    if file is not None and not check:
        raise UsageError("a FILE is checked: add --check (e.g. `idrill code ID --check my.py`)")
    if fresh and modes:
        raise UsageError(f"--fresh starts an attempt; it does not go with {modes[0]}")
    if as_json and not list_them:
        raise UsageError("--json applies to --list")
    if list_them:
        if card_id is not None:
            raise UsageError(
                "--list lists every runnable exercise; filter with --topic, --level, --kind, --tag"
            )
        _list(opts, filters, as_json)
        return
    if any((filters.topic, filters.level, filters.max_level, filters.kind, filters.tag)):
        raise UsageError("filters apply to --list")
    if card_id is None:
        raise UsageError("which card? give its ID (`idrill code --list` lists the runnable ones)")
    if check:
        _check(opts, card_id, file)
    elif solution:
        _solution(opts, card_id, yes)
    else:
        _start(opts, card_id, fresh, yes)


def _start(opts: Common, card_id: str, fresh: bool, yes: bool) -> None:
    from interview_drill.app.exercises import attempt_path, find, start_attempt

    bank = opts.load()
    exercise = find(bank, card_id)
    attempt = attempt_path(exercise.card_id)
    if attempt.exists() and not fresh:
        typer.echo(f"your attempt: {attempt} (kept; --fresh starts over from the stub)")
    else:
        if attempt.exists() and not yes:
            if not sys.stdin.isatty():
                raise UsageError(
                    f"--fresh would replace your attempt at {attempt} with the stub; "
                    "add --yes to do it without a terminal"
                )
            typer.confirm(f"Replace your attempt at {attempt} with the stub?", abort=True)
        start_attempt(exercise, attempt, over=True)
        typer.echo(f"wrote the stub to {attempt}")
    editor = _editor()
    if editor is None:
        typer.echo(f"edit it, then run its tests: idrill code {exercise.card_id} --check")
        return
    open_editor(editor, attempt)
    typer.echo(f"run its tests: idrill code {exercise.card_id} --check")


def _check(opts: Common, card_id: str, file: Path | None) -> None:
    from interview_drill.app.exercises import attempt_path, check, find, record
    from interview_drill.render.code import check_lines

    ws = opts.workspace()
    exercise = find(ws.bank, card_id)
    attempt = file if file is not None else attempt_path(exercise.card_id)
    if not attempt.exists():
        if file is not None:
            raise UsageError(f"{file}: no such file")
        raise UsageError(
            f"no attempt at {attempt} yet: `idrill code {exercise.card_id}` writes the stub there"
        )
    if not attempt.is_file():
        raise UsageError(f"{attempt}: is not a regular file")
    console = opts.console()
    # soft_wrap: one line per test however long (the terminal wraps it; piped output stays one line)
    console.print(f"checking {attempt}", style="dim", highlight=False, markup=False, soft_wrap=True)
    result = check(exercise, attempt)
    record(ws.store, exercise.card_id, result, ws.now())
    console.print(check_lines(result), soft_wrap=True)
    if not result.all_passed:
        raise typer.Exit(1)


def _solution(opts: Common, card_id: str, yes: bool) -> None:
    from interview_drill.app.exercises import find
    from interview_drill.storage.checks import checks_of

    ws = opts.workspace(readonly=True)
    exercise = find(ws.bank, card_id)
    card = ws.bank.by_id[exercise.card_id]
    checked = any(checks_of(ws.store, slug) for slug in (card.id, *card.aliases))
    if not checked and not yes:
        if not sys.stdin.isatty():
            raise UsageError(
                f"no attempt of {card.id} checked yet: try it first (`idrill code {card.id}`, then --check), "
                "or add --yes to see the solution now"
            )
        typer.confirm(
            f"You have not checked an attempt of {card.id} yet. Show the solution anyway?", abort=True
        )
    text = exercise.part("solution.py").read_text(encoding="utf-8")
    console = opts.console()
    if not console.is_terminal:
        typer.echo(text, nl=not text.endswith("\n"))
        return
    from rich.syntax import Syntax

    console.print(Syntax(text, "python", line_numbers=True, word_wrap=True))


def _list(opts: Common, filters: Filters, as_json: bool) -> None:
    import json

    from interview_drill.app.exercises import attempt_path
    from interview_drill.domain.figures.coding import coding_figures, latest_for
    from interview_drill.render.code import exercises_table, last_check_text
    from interview_drill.render.contents import coding_text
    from interview_drill.storage.checks import last_checks

    ws = opts.workspace(readonly=True)
    cards = [c for c in filters.check(ws.bank).apply(ws.bank.cards) if c.id in ws.bank.exercises]
    if not cards:
        raise UsageError("no card with a runnable exercise matches these filters")
    stored = last_checks(ws.store)
    last = {c.id: latest_for(c, stored) for c in cards}
    attempts = {c.id: path for c in cards if (path := attempt_path(c.id)).exists()}
    now = ws.now()
    if as_json:
        rows = []
        for c in cards:
            found = last[c.id]
            rows.append(
                {
                    "id": c.id,
                    "topic": c.topic,
                    "seniority": c.seniority,
                    "exercise": str(ws.bank.exercises[c.id]),
                    "attempt": str(attempts[c.id]) if c.id in attempts else None,
                    "last_check": None
                    if found is None
                    else {
                        "at": found.at.isoformat(),
                        "passed": found.passed,
                        "total": found.total,
                        "error": found.error,
                        "all_passed": found.all_passed,
                    },
                }
            )
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    console = opts.console()
    if not console.is_terminal:  # one tab-separated line per exercise, like `idrill list`
        for c in cards:
            typer.echo(f"{c.id}\t{c.topic}\t{c.seniority}\t{last_check_text(last[c.id], now).plain}")
        return
    console.print(exercises_table(cards, last, attempts, now))
    console.print(coding_text(coding_figures(cards, stored)) or "", style="dim", highlight=False)
