"""The `idrill` command line: the Typer app, its entry point, and how errors become exit codes.

The commands live in `cli/commands/` (one module per area); this module registers them, each wrapped
by `guarded` (our errors → one message and their exit code, Ctrl-C → 130), and `main()` turns Click's
usage errors into one line. A command's module is imported, and its Click command built, only when
it runs or a help page lists it (`COMMANDS`). Heavy modules (pydantic, yaml, fsrs, sqlite) are
imported inside commands so that `idrill --help` and `idrill --version` stay fast.
"""

from __future__ import annotations

import sys

from interview_drill import speedups

# Importing Typer and declaring the app make only objects that live as long as the process.
# The cyclic GC is off meanwhile and they are frozen (put out of its reach) at the end of this
# module: scanning them again and again was ~5 ms of `idrill --help`. In a real run `main()` keeps
# the GC off until the command starts (see `speedups.command_starts`).
_gc_was_enabled = speedups.pause_for_startup()

import functools  # noqa: E402
from collections.abc import Callable, Iterator, MutableMapping  # noqa: E402
from typing import TYPE_CHECKING, Annotated, Any, TypeVar  # noqa: E402

import typer  # noqa: E402
from typer.core import TyperGroup  # noqa: E402

speedups.light_coercion(typer)  # options coerced without building a pydantic adapter for each

from interview_drill import __version__  # noqa: E402
from interview_drill.cli.options import Common, DrillOpts, Filters, shared_options  # noqa: E402
from interview_drill.errors import IdrillError  # noqa: E402

if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import Console

F = TypeVar("F", bound=Callable[..., Any])

# ------------------------------------------------------------------ the app


class _Commands(MutableMapping[str, Any]):
    """The root group's commands by name: each module's built on first use (see `COMMANDS`)."""

    def __init__(self, given: MutableMapping[str, Any]) -> None:
        self._built = dict(given)
        self._added = list(given)  # names that are not in COMMANDS, in the order they came

    def __getitem__(self, name: str) -> Any:
        if name not in self._built and name in COMMANDS:
            self._built.update(_build(COMMANDS[name]))
        return self._built[name]

    def __contains__(self, name: object) -> bool:
        return name in COMMANDS or name in self._built

    def __iter__(self) -> Iterator[str]:
        yield from COMMANDS
        yield from (n for n in self._added if n not in COMMANDS)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __setitem__(self, name: str, command: Any) -> None:
        if name not in self:
            self._added.append(name)
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        raise TypeError("idrill's commands cannot be removed")


class _Group(TyperGroup):
    """The root command, whose commands are built when first needed (see `COMMANDS`)."""

    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        self.commands = _Commands(self.commands)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)  # their names, without building them


app = typer.Typer(
    name="idrill",
    cls=_Group,
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
        if speedups.REAL_RUN:  # not in tests that run commands in-process: the cache is the user's
            from interview_drill.paths import cache_dir

            speedups.compiled_dataclasses(cache_dir)  # before the GC resumes: the code lives on
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


# ------------------------------------------------------------------ the root command and the others


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


# Each command (or command group) and the module of `cli/commands/` that declares it, in the order of
# `idrill --help` (plain commands first, then groups, as Typer lists them). A module is imported, and
# its commands built, only when one of them runs or a help page lists them: building all ~35 of them
# was more CPU than the rest of `idrill`'s start-up. tests/cli/test_cli_lazy.py checks this table
# against what the modules declare, and every help page against an app that registers them all.
COMMANDS = {
    **dict.fromkeys(("validate", "list", "show", "topics"), "bank"),
    **dict.fromkeys(("card", "reschedule"), "cards"),
    **dict.fromkeys(("drill", "due", "undo", "suspend", "unsuspend", "unbury", "reset", "postpone"), "drill"),
    "plan": "plan",
    "doctor": "config",
    **dict.fromkeys(("stats", "report"), "reports"),
    **dict.fromkeys(("ready", "mock", "numbers", "answers"), "practice"),
    "simulate": "simulate",
    "code": "code",
    "optimize": "history",
    **dict.fromkeys(("import", "sync", "new"), "import_sync"),
    "config": "config",
    "export": "export",
    "history": "history",
}


def register(target: typer.Typer, module: str) -> None:
    """Register the commands `cli/commands/<module>.py` declares on `target`, each one `guarded`."""
    import importlib

    importlib.import_module(f"interview_drill.cli.commands.{module}").commands.register(target, guarded)


def _build(module: str) -> dict[str, Any]:
    """The Click commands of one module, built as Typer builds them for the app."""
    target = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False, add_completion=False)
    register(target, module)
    speedups.resolve_annotations(target)
    return dict(typer.main.get_group(target).commands)


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
    code = code if type(code) is int else 0  # a command's typer.Exit(code); None is success
    speedups.finish(code)  # a report: ends here, without freeing what it built (see speedups)
    if code:
        sys.exit(code)
