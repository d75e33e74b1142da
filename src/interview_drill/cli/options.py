"""Shared pieces of the command line: options every command accepts, error handling, loaders.

Command modules import from here; only `cli.py` builds the Typer app and registers commands.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, cast

import typer

from interview_drill import speedups
from interview_drill.errors import IdrillError, UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from interview_drill.app.workspace import Workspace
    from interview_drill.bank.loader import Bank
    from interview_drill.domain.filters import CardFilter

F = TypeVar("F", bound=Callable[..., Any])

# ------------------------------------------------------------------ shell completion
# Run by the shell on every <TAB>: fast (the bank is loaded only when needed), and never raising
# (anything printed would land in the user's prompt), so every failure completes nothing.


def _completion_bank(ctx: typer.Context) -> Bank | None:
    """The bank the command line so far asks for (--bank, --no-builtin, IDRILL_BANK), or None."""
    try:
        from interview_drill.bank.loader import load_bank
        from interview_drill.paths import user_bank_paths

        banks: list[Path] = []
        no_builtin = False
        node: Any = ctx
        while node is not None:
            banks += [Path(p) for p in node.params.get("bank") or []]
            no_builtin = no_builtin or bool(node.params.get("no_builtin"))
            node = node.parent
        return load_bank(user_bank_paths(banks), include_builtin=not no_builtin)
    except Exception:
        return None


def complete_topic(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    try:
        bank = _completion_bank(ctx)
        topics = bank.topics.items() if bank else []
        return [(slug, title) for slug, title in topics if slug.startswith(incomplete)]
    except Exception:
        return []


def complete_card_id(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    try:
        bank = _completion_bank(ctx)
        cards = bank.cards if bank else []
        return [(c.id, c.topic) for c in cards if c.id.startswith(incomplete)]
    except Exception:
        return []


def complete_level(incomplete: str) -> list[str]:
    try:
        from interview_drill.domain.cards import SENIORITIES

        return [s for s in SENIORITIES if s.startswith(incomplete)]
    except Exception:
        return []


def complete_kind(incomplete: str) -> list[str]:
    try:
        from interview_drill.domain.cards import KINDS

        return [k for k in KINDS if k.startswith(incomplete)]
    except Exception:
        return []


# ------------------------------------------------------------------ shared options

BankOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--bank",
        metavar="PATH",
        help="Add your own bank: a YAML file or a folder of them (repeatable; env IDRILL_BANK, "
        "paths separated by the OS path separator).",
        show_default=False,
    ),
]
NoBuiltinOpt = Annotated[
    bool,
    typer.Option("--no-builtin", help="Leave out the built-in bank.", envvar="IDRILL_NO_BUILTIN"),
]
DbOpt = Annotated[
    Path | None,
    typer.Option("--db", metavar="FILE", help="History database file (env IDRILL_DB).", show_default=False),
]
NoColorOpt = Annotated[bool, typer.Option("--no-color", help="No colours (also: NO_COLOR env).")]
TopicOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--topic", "-t", metavar="TOPIC", help="Only this topic (repeatable).", autocompletion=complete_topic
    ),
]
LevelOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--level",
        "-l",
        metavar="LEVEL",
        help="Only this seniority: screen, mid, senior, staff (repeatable).",
        autocompletion=complete_level,
    ),
]
MaxLevelOpt = Annotated[
    str | None,
    typer.Option(
        "--max-level",
        metavar="LEVEL",
        help="Every seniority up to and including this one (screen < mid < senior < staff).",
        autocompletion=complete_level,
    ),
]
KindOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--kind",
        "-k",
        metavar="KIND",
        help="Only this kind: conceptual, scenario, design, debugging, coding (repeatable).",
        autocompletion=complete_kind,
    ),
]
TagOpt = Annotated[
    list[str] | None, typer.Option("--tag", metavar="TAG", help="Only cards with this tag (repeatable).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
NewOpt = Annotated[
    int | None,
    typer.Option(
        "--new", min=0, metavar="N", help="New cards in this session (replaces the daily new limit)."
    ),
]
LimitOpt = Annotated[
    int | None, typer.Option("--limit", min=1, metavar="N", help="Serve at most N cards now.")
]
MinutesOpt = Annotated[
    float | None,
    typer.Option("--minutes", min=0, metavar="M", help="Stop introducing new cards after M minutes."),
]
WriteOpt = Annotated[
    bool, typer.Option("--write", "-w", help="Type an answer to every card before revealing it.")
]
CramOpt = Annotated[
    bool,
    typer.Option("--cram", help="Practise the filtered cards regardless of due dates; schedules unchanged."),
]


@dataclass
class Common:
    """Options every command accepts, before or after the command name."""

    bank: list[Path]
    no_builtin: bool
    db: Path | None
    no_color: bool

    def merged(self, bank: list[Path] | None, no_builtin: bool, db: Path | None, no_color: bool) -> Common:
        return Common(
            bank=self.bank + list(bank or []),
            no_builtin=self.no_builtin or no_builtin,
            db=db or self.db,
            no_color=self.no_color or no_color,
        )


def _common(ctx: typer.Context, bank=None, no_builtin=False, db=None, no_color=False) -> Common:
    base = ctx.obj if isinstance(ctx.obj, Common) else Common([], False, None, False)
    return base.merged(bank, no_builtin, db, no_color)


def out(opts: Common | None = None) -> Console:
    from interview_drill.render.terminal import make_console

    return make_console(no_color=bool(opts and opts.no_color))


def err_console() -> Console:
    from interview_drill.render.terminal import make_console

    return make_console(stderr=True)


def _database_errors() -> tuple[type[BaseException], ...]:
    import sqlite3  # only imported when an exception is being matched

    return (sqlite3.DatabaseError,)


def guarded(fn: F) -> F:
    """Turn project errors into their exit code and Ctrl-C into 130, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        speedups.command_starts()
        try:
            return fn(*args, **kwargs)
        except IdrillError as exc:
            from interview_drill.cli.hints import error_lines
            from interview_drill.render.terminal import print_error_lines

            print_error_lines(err_console(), error_lines(exc))
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            err_console().print("interrupted")
            raise typer.Exit(130) from None
        except _database_errors() as exc:  # damage found mid-command, past the checks at open
            from interview_drill.render.terminal import print_error_lines

            print_error_lines(
                err_console(),
                [f"history database error: {exc}; run `idrill doctor` to check the file and its backups"],
            )
            raise typer.Exit(1) from None

    return cast(F, wrapper)  # functools.wraps keeps fn's signature; its type hints cannot say so


def load(opts: Common) -> Bank:
    from interview_drill.bank.loader import load_bank
    from interview_drill.paths import user_bank_paths

    with speedups.long_lived():
        return load_bank(user_bank_paths(opts.bank), include_builtin=not opts.no_builtin)


def card_filter(bank: Bank, **kw: Any) -> CardFilter:
    from interview_drill.domain.filters import make_filter

    flt = make_filter(**kw)
    flt.check(bank.topics, {t for c in bank.cards for t in c.tags})
    return flt


# ------------------------------------------------------------------ root


def workspace(opts: Common, *, readonly: bool = False) -> Workspace:
    from interview_drill.app.workspace import open_workspace

    return open_workspace(load(opts), opts.db, readonly=readonly)


class NoInput(UsageError):
    pass


def line_reader() -> Callable[[str], str]:
    """Whole-line input (typed answers): a prompt on a terminal, the next line when piped."""
    if sys.stdin.isatty():
        return lambda prompt: input(prompt)

    def read(prompt: str) -> str:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")

    return read


def key_reader(console: Console) -> Callable[[], str]:
    """Single keys on a terminal; one key per line when stdin is piped (`space`, empty line = enter)."""
    if sys.stdin.isatty():

        def read_key() -> str:
            try:
                return typer.getchar()
            except EOFError:  # Ctrl-D: end the session like `q`
                return ""

        return read_key
    reads = 0

    def read_line() -> str:
        nonlocal reads
        reads += 1
        line = sys.stdin.readline()
        if line == "":
            if reads == 1:
                raise NoInput(
                    "no input: the drill reads single keys from a terminal, or one key per line from "
                    "piped input (e.g. `printf ' \\n3\\nq\\n' | idrill`)"
                )
            return ""
        word = line.rstrip("\r\n")
        if word == "":
            return "\r"
        return {"space": " ", "enter": "\r"}.get(word.strip().lower(), word.strip()[:1] or " ")

    return read_line


IdsArg = Annotated[
    list[str], typer.Argument(metavar="ID...", help="Card ids.", autocompletion=complete_card_id)
]


def known_ids(ws: Workspace, ids: list[str]) -> list[str]:
    return [ws.card(i).id for i in ids]
