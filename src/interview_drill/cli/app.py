"""The `idrill` command line: the Typer app, its entry point, and how errors become exit codes.

The commands live in `cli/commands/` (one module per area); this module registers them, each wrapped
by `guarded` (our errors → one message and their exit code, Ctrl-C → 130), and `main()` turns Click's
usage errors into one line. Heavy modules (pydantic, yaml, fsrs, sqlite) are imported inside commands
so that `idrill --help` and `idrill --version` stay fast.
"""

from __future__ import annotations

import sys

from interview_drill import speedups

# Importing Typer and declaring ~25 commands make only objects that live as long as the process.
# The cyclic GC is off meanwhile and they are frozen (put out of its reach) at the end of this
# module: scanning them again and again was ~5 ms of `idrill --help`. In a real run `main()` keeps
# the GC off until the command starts (see `speedups.command_starts`).
_gc_was_enabled = speedups.pause_for_startup()

import functools  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import TYPE_CHECKING, Annotated, Any, TypeVar  # noqa: E402

import typer  # noqa: E402

from interview_drill import __version__  # noqa: E402
from interview_drill.cli.options import Common, DrillOpts, Filters, shared_options  # noqa: E402
from interview_drill.errors import IdrillError  # noqa: E402

if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import Console

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
    name="idrill",
    help="Daily spaced-repetition drills of LLM fine-tuning interview questions.\n\n"
    "Run `idrill` with no command to start today's drill.",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

# ------------------------------------------------------------------ errors → exit codes


def _err_console() -> Console:
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
        from interview_drill import errors
        from interview_drill.cli.hints import words

        errors.notice_words = words  # notices from below the CLI name commands as the CLI spells them
        try:
            return fn(*args, **kwargs)
        except IdrillError as exc:
            from interview_drill.cli.hints import error_lines
            from interview_drill.files import safe_name
            from interview_drill.render.terminal import print_error_lines

            # A name with a newline or an escape in it (a path, a value) stays on its line, escaped.
            print_error_lines(_err_console(), [safe_name(line) for line in error_lines(exc)])
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            _err_console().print("interrupted")
            raise typer.Exit(130) from None
        except _database_errors() as exc:  # past the checks at open: damage, a full disk, a lock…
            from interview_drill.cli.hints import text
            from interview_drill.files import safe_name
            from interview_drill.render.terminal import print_error_lines
            from interview_drill.storage.opening import explain

            line = text(explain(_database_in_use(kwargs), exc))  # type: ignore[arg-type]  # an sqlite3.Error
            print_error_lines(_err_console(), [safe_name(f"{line}; run `idrill doctor` to check the file")])
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def _database_in_use(given: dict[str, Any]) -> Path:
    """The history database a command uses (its --db, given before or after the command name)."""
    from interview_drill.paths import db_path

    ctx = next((v for v in given.values() if hasattr(v, "meta") and hasattr(v, "find_root")), None)
    common = ctx.meta.get(Common.META_KEY) if ctx is not None else None
    if not isinstance(common, Common) and ctx is not None:
        common = ctx.find_root().obj
    return db_path(common.db if isinstance(common, Common) else None)


# ------------------------------------------------------------------ the app


def _version(value: bool) -> None:
    if value:
        typer.echo(f"idrill {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
@shared_options
def root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", "-V", help="Show the version and exit.", callback=_version, is_eager=True),
    ] = False,
    filters: Filters = Filters(),
    session: DrillOpts = DrillOpts(),
    opts: Common = Common(),
) -> None:
    """With no command, run today's drill (the drill options below apply to it)."""
    ctx.obj = opts  # the data options given before the command name; each command merges its own
    if ctx.invoked_subcommand is None:
        from interview_drill.cli.commands.drill import drill

        guarded(drill)(filters, session, opts)


def _register_commands() -> None:
    from interview_drill.cli.commands import (
        bank,
        cards,
        code,
        config,
        drill,
        export,
        history,
        import_sync,
        plan,
        practice,
        reports,
        simulate,
    )

    # This order is the order of `idrill --help`.
    for module in (bank, cards, drill, plan, config, reports, practice, simulate, code, export, history, import_sync):
        module.commands.register(app, guarded)


_register_commands()
speedups.end_startup(_gc_was_enabled)


def main() -> None:
    """Console-script entry point."""
    if sys.argv[1:] in (["--version"], ["-V"]):  # no need to build ~25 commands to print this
        sys.stdout.write(f"idrill {__version__}\n")
        return
    speedups.REAL_RUN = True
    speedups.pause_for_startup()  # until the command starts: see `speedups.command_starts`
    speedups.resolve_annotations(app)
    try:
        code = app(prog_name="idrill", standalone_mode=False)
    except KeyboardInterrupt:  # before a command's own handler is in place
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    except typer.Abort:  # a declined confirmation (or Ctrl-C at a prompt)
        sys.stderr.write("aborted: nothing changed\n")
        sys.exit(1)
    except Exception as exc:
        if not (hasattr(exc, "format_message") and hasattr(exc, "exit_code")):
            raise
        # A Click usage or parameter error: one line, like every other error of ours.
        command = getattr(getattr(exc, "ctx", None), "command_path", None) or "idrill"
        sys.stderr.write(f"{exc.format_message()} (see `{command} --help`)\n")
        sys.exit(exc.exit_code)
    if type(code) is int and code:  # a command's typer.Exit(code); None or 0 is success
        sys.exit(code)
