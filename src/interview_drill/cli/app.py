"""The `idrill` command line: parse options, call the library, map errors to exit codes.

Heavy modules (pydantic, yaml, fsrs, sqlite) are imported inside commands so that
`idrill --help` and `idrill --version` stay fast.
"""

from __future__ import annotations

import sys

from interview_drill import speedups

# Importing Typer and declaring ~25 commands make only objects that live as long as the process.
# The cyclic GC is off meanwhile and they are frozen (put out of its reach) at the end of this
# module: scanning them again and again was ~5 ms of `idrill --help`. In a real run `main()` keeps
# the GC off until the command starts (see `speedups.command_starts`).
_gc_was_enabled = speedups.pause_for_startup()

from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING, Annotated  # noqa: E402

import typer  # noqa: E402

from interview_drill import __version__  # noqa: E402
from interview_drill.cli.options import (  # noqa: E402
    BankOpt,
    Common,
    CramOpt,
    DbOpt,
    IdsArg,
    JsonOpt,
    KindOpt,
    LevelOpt,
    LimitOpt,
    MaxLevelOpt,
    MinutesOpt,
    NewOpt,
    NoBuiltinOpt,
    NoColorOpt,
    TagOpt,
    TopicOpt,
    WriteOpt,
    _common,
    card_filter,
    complete_card_id,
    guarded,
    key_reader,
    known_ids,
    line_reader,
    load,
    out,
    workspace,
)
from interview_drill.errors import UsageError  # noqa: E402

if TYPE_CHECKING:
    from rich.console import Console

app = typer.Typer(
    name="idrill",
    help="Daily spaced-repetition drills of LLM fine-tuning interview questions.\n\n"
    "Run `idrill` with no command to start today's drill.",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


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
    topic: TopicOpt = None,
    level: LevelOpt = None,
    max_level: MaxLevelOpt = None,
    kind: KindOpt = None,
    tag: TagOpt = None,
    new: NewOpt = None,
    limit: LimitOpt = None,
    minutes: MinutesOpt = None,
    cram: CramOpt = False,
    write: WriteOpt = False,
    bank: BankOpt = None,
    no_builtin: NoBuiltinOpt = False,
    db: DbOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """With no command, run today's drill (the drill options below apply to it)."""
    ctx.obj = Common(list(bank or []), no_builtin, db, no_color)
    if ctx.invoked_subcommand is None:
        ctx.invoke(
            drill, ctx=ctx, topic=topic, level=level, max_level=max_level, kind=kind, tag=tag,
            new=new, limit=limit, minutes=minutes, cram=cram, write=write,
        )  # fmt: skip


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
    from interview_drill.bank.loader import bank_files, load_files
    from interview_drill.paths import builtin_bank_dir, user_bank_paths

    opts = _common(ctx, bank, no_builtin, None, no_color)
    roots = ([] if opts.no_builtin else [builtin_bank_dir()]) + user_bank_paths(opts.bank) + list(paths or [])
    files, problems = bank_files(roots)
    with speedups.long_lived():
        loaded = load_files(files, extra_problems=problems)
    per_topic: dict[str, int] = {}
    for c in loaded.cards:
        per_topic[c.topic] = per_topic.get(c.topic, 0) + 1
    summary = ", ".join(f"{t} {n}" for t, n in per_topic.items())
    from interview_drill.render.fmt import plural

    typer.echo(f"ok: {plural(len(loaded.cards), 'card')} in {plural(len(files), 'file')} ({summary})")


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
        str | None, typer.Option("--search", "-s", metavar="TEXT", help="Text in the question or outline.")
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
        from interview_drill.domain.textsafe import strip_controls

        for c in cards:
            typer.echo(f"{c.id}\t{c.topic}\t{c.seniority}\t{c.kind}\t{strip_controls(c.question)}")
        return
    from interview_drill.render.fmt import plural
    from interview_drill.render.terminal import cards_table

    console.print(cards_table(cards, console.width))
    console.print(plural(len(cards), "card"), style="dim")


@app.command()
@guarded
def show(
    ctx: typer.Context,
    card_id: Annotated[
        str,
        typer.Argument(metavar="ID", help="The card's id (or a former id).", autocompletion=complete_card_id),
    ],
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
    card = loaded.require(card_id)
    if as_json:
        typer.echo(json.dumps(card.to_json(), indent=2, ensure_ascii=False))
        return
    from interview_drill.render.terminal import render_card

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
    from interview_drill.render.terminal import topics_table

    out(opts).print(topics_table(counts, loaded.topics))


# ------------------------------------------------------------------ scheduling and history


@app.command()
@guarded
def drill(
    ctx: typer.Context,
    topic: TopicOpt = None,
    level: LevelOpt = None,
    max_level: MaxLevelOpt = None,
    kind: KindOpt = None,
    tag: TagOpt = None,
    new: NewOpt = None,
    limit: LimitOpt = None,
    minutes: MinutesOpt = None,
    cram: CramOpt = False,
    write: WriteOpt = False,
    bank: BankOpt = None,
    no_builtin: NoBuiltinOpt = False,
    db: DbOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Today's drill: due cards first, then new ones. Single keys; press ? for help."""
    from interview_drill.app.loops import Session, as_item, cram_items
    from interview_drill.domain.schedule import row_for
    from interview_drill.render.session import TerminalInteraction, render_summary

    opts = _common(ctx, bank, no_builtin, db, no_color)
    ws = workspace(opts)
    flt = card_filter(ws.bank, topic=topic, level=level, max_level=max_level, kind=kind, tag=tag)
    console = out(opts)
    now = ws.now()
    later = []
    if cram:
        rows = ws.rows()
        items = cram_items(
            [as_item(c, row_for(c, rows), ws.scheduler, now) for c in flt.apply(ws.bank.cards)]
        )
        if not items:
            raise UsageError("no cards match these filters")
    else:
        if flt.active and not flt.apply(ws.bank.cards):
            raise UsageError("no cards match these filters")
        queue = ws.queue(flt, new_limit=new, now=now)
        items, later = queue.items, queue.later
        if not items and not later:
            _nothing_due(console, ws, queue.next_due, now)
            return
    ui = TerminalInteraction(console, key_reader(console), line_reader(), clear=console.is_terminal)
    session = Session(
        ws.store, ws.scheduler, ws.clock, ui, items,
        mode="cram" if cram else "drill", later=later, limit=limit, minutes=minutes,
        bury_until=lambda moment: ws.today(moment)[1], write=write,
    )  # fmt: skip
    result = session.run()
    console.print(render_summary(result, due_tomorrow=ws.tomorrow_due(), streak=_streak(ws)))
    if result.interrupted:
        raise typer.Exit(130)


def _streak(ws) -> int:
    from interview_drill.domain.figures.stats import current_streak

    return current_streak(ws.store.review_times(), ws.now(), ws.settings.rollover_hour, ws.tz)


def _nothing_due(console: Console, ws, next_due, now) -> None:
    from interview_drill.domain.clock import to_local
    from interview_drill.render.fmt import human_delta

    console.print("Nothing due right now. Well done.", style="bold green")
    if next_due is not None:
        local = to_local(next_due, ws.tz)
        console.print(f"Next card due in {human_delta(next_due - now)} ({local:%a %d %b %H:%M}).")
    console.print("Want more? `idrill --new 5` adds new cards; `idrill --cram` practises without scheduling.")


@app.command()
@guarded
def due(
    ctx: typer.Context,
    topic: TopicOpt = None,
    level: LevelOpt = None,
    max_level: MaxLevelOpt = None,
    kind: KindOpt = None,
    tag: TagOpt = None,
    new: NewOpt = None,
    as_json: JsonOpt = False,
    bank: BankOpt = None,
    no_builtin: NoBuiltinOpt = False,
    db: DbOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """What today's session would serve, counted by topic and state."""
    import json

    opts = _common(ctx, bank, no_builtin, db, no_color)
    ws = workspace(opts, readonly=True)
    flt = card_filter(ws.bank, topic=topic, level=level, max_level=max_level, kind=kind, tag=tag)
    queue = ws.queue(flt, new_limit=new)
    states = ("new", "learning", "review", "relearning")
    counts: dict[str, dict[str, int]] = {}
    for item in queue.items:
        per = counts.setdefault(item.card.topic, dict.fromkeys(states, 0))
        per[item.phase.label] += 1
    if as_json:
        payload = {
            "total": len(queue.items),
            "by_topic": counts,
            "cards": [
                {"id": it.card.id, "topic": it.card.topic, "state": it.phase.label} for it in queue.items
            ],
            "next_due": queue.next_due.isoformat() if queue.next_due else None,
        }
        typer.echo(json.dumps(payload, indent=2))
        return
    from interview_drill.render.fmt import plural
    from interview_drill.render.terminal import due_table

    console = out(opts)
    if not queue.items:
        _nothing_due(console, ws, queue.next_due, ws.now())
        return
    console.print(due_table(counts, states))
    console.print(f"{plural(len(queue.items), 'card')} in today's session")


@app.command()
@guarded
def undo(
    ctx: typer.Context,
    bank: BankOpt = None,
    no_builtin: NoBuiltinOpt = False,
    db: DbOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Undo the last rating (also after a restart): the card's state and log are restored exactly."""
    from interview_drill.paths import db_path
    from interview_drill.storage.history import Store

    opts = _common(ctx, bank, no_builtin, db, no_color)
    with Store.open(db_path(opts.db)) as store:
        undone = store.undo_last()
    if undone is None:
        typer.echo("nothing to undo: the review log is empty")
        return
    from interview_drill.app.workspace import env_tz
    from interview_drill.domain.clock import to_local

    when = f", rated {to_local(undone.reviewed_at, env_tz()):%Y-%m-%d %H:%M}" if undone.reviewed_at else ""
    typer.echo(f"undid {undone.rating.label} ({undone.kind}) on {undone.slug}{when}")


def _set_suspended(ctx: typer.Context, ids: list[str], opts: tuple, suspended: bool) -> None:
    ws = workspace(_common(ctx, *opts))
    wanted = known_ids(ws, ids)
    changed = ws.store.set_suspended(wanted, suspended)
    verb = "suspended" if suspended else "unsuspended"
    same = [i for i in wanted if i not in changed]
    if changed:
        from interview_drill.render.fmt import plural

        typer.echo(f"{verb} {plural(len(changed), 'card')}: {', '.join(changed)}")
    if same:
        typer.echo(f"already {verb}: {', '.join(same)}")


@app.command()
@guarded
def suspend(
    ctx: typer.Context,
    ids: IdsArg,
    bank: BankOpt = None,
    no_builtin: NoBuiltinOpt = False,
    db: DbOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Keep cards out of the queue until unsuspended (history is kept)."""
    _set_suspended(ctx, ids, (bank, no_builtin, db, no_color), True)


@app.command()
@guarded
def unsuspend(
    ctx: typer.Context,
    ids: IdsArg,
    bank: BankOpt = None,
    no_builtin: NoBuiltinOpt = False,
    db: DbOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Put suspended cards back into the queue."""
    _set_suspended(ctx, ids, (bank, no_builtin, db, no_color), False)


@app.command()
@guarded
def reset(
    ctx: typer.Context,
    card_id: Annotated[
        str, typer.Argument(metavar="ID", help="The card to make new again.", autocompletion=complete_card_id)
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    bank: BankOpt = None,
    no_builtin: NoBuiltinOpt = False,
    db: DbOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Forget one card's schedule on purpose: it becomes new again (its review log is kept)."""
    ws = workspace(_common(ctx, bank, no_builtin, db, no_color))
    card = ws.card(card_id)
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError("reset asks for confirmation; add --yes to run it without a terminal")
        typer.confirm(f"Forget the schedule of {card.id}?", abort=True)
    if ws.store.reset(card.id):
        typer.echo(f"reset {card.id}: it is new again (its review log is kept)")
    else:
        typer.echo(f"{card.id} has no schedule to reset (never reviewed)")


config_app = typer.Typer(help="Show or change settings (desired retention, daily limits, day rollover).")
app.add_typer(config_app, name="config")


@config_app.command("list")
@guarded
def config_list() -> None:
    """Every setting with its value and meaning."""
    from dataclasses import asdict

    from interview_drill.app.config import HELP, Settings
    from interview_drill.app.workspace import load_settings
    from interview_drill.paths import config_path

    settings = load_settings()
    default = Settings()
    for key, value in asdict(settings).items():
        mark = "" if value == getattr(default, key) else "  (changed)"
        shown = list(value) if isinstance(value, tuple) else value
        if key == "parameters" and not value:
            shown = "[] (FSRS defaults)"
        typer.echo(f"{key} = {shown}{mark}\n    {HELP[key]}")
    typer.echo(f"# file: {config_path()}")


@config_app.command("get")
@guarded
def config_get(key: Annotated[str, typer.Argument(help="Setting name (see `idrill config list`).")]) -> None:
    """Print one setting's value."""
    from interview_drill.app.config import KEYS
    from interview_drill.app.workspace import load_settings
    from interview_drill.errors import ConfigError

    if key not in KEYS:
        raise ConfigError(f"unknown setting `{key}`; known: {', '.join(KEYS)}")
    value = getattr(load_settings(), key)
    typer.echo(list(value) if isinstance(value, tuple) else value)


@config_app.command("set", context_settings={"ignore_unknown_options": True})
@guarded
def config_set(
    key: Annotated[str, typer.Argument(help="Setting name (see `idrill config list`).")],
    value: Annotated[
        list[str], typer.Argument(metavar="VALUE", help="New value, e.g. 0.85, 20, [1, 10] or 1,10.")
    ],
) -> None:
    """Change one setting (validated; the file is written atomically)."""
    from interview_drill.app.config import set_value
    from interview_drill.domain.schedule import Scheduler
    from interview_drill.paths import config_path

    settings = set_value(
        config_path(), key, " ".join(value), check=Scheduler
    )  # FSRS checks its weights' bounds
    shown = getattr(settings, key)
    typer.echo(f"{key} = {list(shown) if isinstance(shown, tuple) else shown}")


@config_app.command("path")
@guarded
def config_path_cmd() -> None:
    """Print where the settings file lives."""
    from interview_drill.paths import config_path

    typer.echo(config_path())


@app.command()
@guarded
def doctor(
    ctx: typer.Context,
    bank: BankOpt = None,
    no_builtin: NoBuiltinOpt = False,
    db: DbOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Check the history, the banks and the settings; list orphans, edits and backups."""
    from interview_drill.app.doctor import diagnose

    opts = _common(ctx, bank, no_builtin, db, no_color)
    report = diagnose(opts.bank, not opts.no_builtin, opts.db)
    for line in report.lines:
        typer.echo(line)
    if report.problems:
        raise typer.Exit(1)


def _register_feature_commands() -> None:
    from interview_drill.cli.commands import interop as cli_interop
    from interview_drill.cli.commands import practice as cli_practice
    from interview_drill.cli.commands import reports as cli_reports

    for module in (cli_reports, cli_practice, cli_interop):
        module.register(app)


_register_feature_commands()
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
