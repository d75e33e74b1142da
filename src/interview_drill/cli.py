"""The `idrill` command line: parse options, call the library, map errors to exit codes.

Heavy modules (pydantic, yaml, fsrs, sqlite) are imported inside commands so that
`idrill --help` and `idrill --version` stay fast.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from interview_drill import __version__
from interview_drill.errors import IdrillError, UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from interview_drill.bank import Bank
    from interview_drill.filters import CardFilter

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
TopicOpt = Annotated[list[str] | None, typer.Option("--topic", "-t", help="Only this topic (repeatable).")]
LevelOpt = Annotated[
    list[str] | None,
    typer.Option("--level", "-l", help="Only this seniority: screen, mid, senior, staff (repeatable)."),
]
MaxLevelOpt = Annotated[
    str | None, typer.Option("--max-level", help="Every seniority up to and including this one.")
]
KindOpt = Annotated[
    list[str] | None,
    typer.Option("--kind", "-k", help="Only this kind: conceptual, scenario, design, debugging, coding."),
]
TagOpt = Annotated[list[str] | None, typer.Option("--tag", help="Only cards with this tag (repeatable).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


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
    from interview_drill.ui import make_console

    return make_console(no_color=bool(opts and opts.no_color))


def err_console() -> Console:
    from interview_drill.ui import make_console

    return make_console(stderr=True)


def guarded(fn: F) -> F:
    """Turn project errors into their exit code and Ctrl-C into 130, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except IdrillError as exc:
            from interview_drill.ui import print_error_lines

            print_error_lines(err_console(), exc.lines())
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            err_console().print("interrupted")
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def load(opts: Common) -> Bank:
    from interview_drill.bank import load_bank
    from interview_drill.paths import user_bank_paths

    return load_bank(user_bank_paths(opts.bank), include_builtin=not opts.no_builtin)


def card_filter(bank: Bank, **kw: Any) -> CardFilter:
    from interview_drill.filters import make_filter

    flt = make_filter(**kw)
    flt.check(bank.topics, {t for c in bank.cards for t in c.tags})
    return flt


# ------------------------------------------------------------------ root


def _version(value: bool) -> None:
    if value:
        typer.echo(f"idrill {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", "-V", help="Show the version and exit.", callback=_version, is_eager=True),
    ] = False,
    bank: BankOpt = None,
    no_builtin: NoBuiltinOpt = False,
    db: DbOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    ctx.obj = Common(list(bank or []), no_builtin, db, no_color)
    if ctx.invoked_subcommand is None:
        ctx.invoke(topics)


# ------------------------------------------------------------------ bank commands


@app.command()
@guarded
def validate(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files or folders to check (default: every loaded bank).", show_default=False),
    ] = None,
    bank: BankOpt = None,
    no_builtin: NoBuiltinOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """Check bank files: every problem as `file:line: field: message`; exit 2 if any."""
    from interview_drill.bank import bank_files, load_files
    from interview_drill.paths import builtin_bank_dir, user_bank_paths

    opts = _common(ctx, bank, no_builtin, None, no_color)
    roots = ([] if opts.no_builtin else [builtin_bank_dir()]) + user_bank_paths(opts.bank) + list(paths or [])
    files, problems = bank_files(roots)
    unique: dict[Path, Path] = {}
    for f in files:
        unique.setdefault(f.resolve(), f)
    loaded = load_files(list(unique.values()), extra_problems=problems)
    per_topic: dict[str, int] = {}
    for c in loaded.cards:
        per_topic[c.topic] = per_topic.get(c.topic, 0) + 1
    summary = ", ".join(f"{t} {n}" for t, n in per_topic.items())
    typer.echo(f"ok: {len(loaded.cards)} cards in {len(unique)} files ({summary})")


@app.command("list")
@guarded
def list_cards(
    ctx: typer.Context,
    topic: TopicOpt = None,
    level: LevelOpt = None,
    max_level: MaxLevelOpt = None,
    kind: KindOpt = None,
    tag: TagOpt = None,
    search: Annotated[
        str | None, typer.Option("--search", "-s", help="Text in the question or outline.")
    ] = None,
    as_json: JsonOpt = False,
    bank: BankOpt = None,
    no_builtin: NoBuiltinOpt = False,
    db: DbOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """List cards, filtered. Piped output is one tab-separated line per card."""
    import json

    opts = _common(ctx, bank, no_builtin, db, no_color)
    loaded = load(opts)
    flt = card_filter(
        loaded, topic=topic, level=level, max_level=max_level, kind=kind, tag=tag, search=search
    )
    cards = flt.apply(loaded.cards)
    if as_json:
        typer.echo(json.dumps([c.to_json() for c in cards], indent=2, ensure_ascii=False))
        return
    console = out(opts)
    if not console.is_terminal:
        from interview_drill.textsafe import strip_controls

        for c in cards:
            typer.echo(f"{c.id}\t{c.topic}\t{c.seniority}\t{c.kind}\t{strip_controls(c.question)}")
        return
    from interview_drill.ui import cards_table

    console.print(cards_table(cards))
    console.print(f"{len(cards)} card{'s' if len(cards) != 1 else ''}", style="dim")


@app.command()
@guarded
def show(
    ctx: typer.Context,
    card_id: Annotated[str, typer.Argument(metavar="ID", help="The card's id (or a former id).")],
    as_json: JsonOpt = False,
    bank: BankOpt = None,
    no_builtin: NoBuiltinOpt = False,
    db: DbOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Show one whole card: question, outline, numbers, follow-ups, traps."""
    import json

    opts = _common(ctx, bank, no_builtin, db, no_color)
    loaded = load(opts)
    card = loaded.get(card_id)
    if card is None:
        close = loaded.close_ids(card_id)
        raise UsageError(f"no card `{card_id}`" + (f"; did you mean: {', '.join(close)}?" if close else ""))
    if as_json:
        typer.echo(json.dumps(card.to_json(), indent=2, ensure_ascii=False))
        return
    from interview_drill.ui import render_card

    out(opts).print(render_card(card, parts=("outline", "numbers", "follow_ups", "traps", "meta")))


@app.command()
@guarded
def topics(
    ctx: typer.Context,
    bank: BankOpt = None,
    no_builtin: NoBuiltinOpt = False,
    db: DbOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Cards per topic and seniority."""
    opts = _common(ctx, bank, no_builtin, db, no_color)
    loaded = load(opts)
    counts: dict[str, dict[str, int]] = {}
    for c in loaded.cards:
        per = counts.setdefault(c.topic, {})
        per[c.seniority] = per.get(c.seniority, 0) + 1
    from interview_drill.ui import topics_table

    out(opts).print(topics_table(counts, loaded.topics))


def main() -> None:
    """Console-script entry point."""
    try:
        app(prog_name="idrill")
    except KeyboardInterrupt:  # before a command's own handler is in place
        sys.stderr.write("interrupted\n")
        sys.exit(130)
