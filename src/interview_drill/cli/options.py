"""Options shared by many commands, declared once, and the way a command takes them.

An option group is a dataclass whose fields are Typer options (`Common`: the data options every
command accepts; `Filters`: the card filters; `DrillOpts`: how a drill session runs). A command
names a group as one parameter, `opts: Common = Common()`, and `shared_options` rewrites the
signature Typer reads (`__signature__`) so that the parameter becomes the group's options, in place,
with their declared help; the command is called with one group value. Adding a field to a group adds
the option to every command that takes the group. `Commands` collects a module's commands;
`cli.app` registers them on the Typer app.
"""

from __future__ import annotations

import functools
import inspect
import os
import typing
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from interview_drill import speedups
from interview_drill.cli.complete import complete_card_id, complete_kind, complete_level, complete_topic

if TYPE_CHECKING:
    from rich.console import Console

    from interview_drill.app.workspace import Workspace
    from interview_drill.bank import Bank
    from interview_drill.domain.filters import CardFilter
    from interview_drill.files import Target
    from interview_drill.storage.history import Store

F = TypeVar("F", bound=Callable[..., Any])

# ------------------------------------------------------------------ options used in many places

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
ForceOpt = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Replace an existing --out file that is not an earlier output of this kind, or write through a "
        "symlink that leaves its folder (never over the history database, the settings or a bank file).",
    ),
]
CramOpt = Annotated[
    bool,
    typer.Option("--cram", help="Practise the filtered cards regardless of due dates; schedules unchanged."),
]
CardIdArg = Annotated[
    str, typer.Argument(metavar="ID", help="The card's id (or a former id).", autocompletion=complete_card_id)
]

# ------------------------------------------------------------------ option groups


_PARAMETERS: dict[type, list[inspect.Parameter]] = {}


class OptionGroup:
    """Base of a dataclass whose fields are Typer options; see the module docstring."""

    @classmethod
    def parameters(cls) -> list[inspect.Parameter]:
        """The group's options as parameters Typer reads, in field order (evaluated once per class)."""
        if cls not in _PARAMETERS:
            hints = typing.get_type_hints(cls, include_extras=True)
            _PARAMETERS[cls] = [
                inspect.Parameter(
                    f.name, inspect.Parameter.KEYWORD_ONLY, default=f.default, annotation=hints[f.name]
                )
                for f in fields(cls)  # type: ignore[arg-type]  # every subclass is a dataclass
            ]
        return _PARAMETERS[cls]

    @classmethod
    def from_options(cls, ctx: typer.Context, values: dict[str, Any]) -> OptionGroup:
        """The value a command receives for the options it was given."""
        return cls(**values)


class Only:
    """`Annotated[Group, Only("topic", "kind")]`: a command that takes just these options of a group."""

    def __init__(self, *names: str) -> None:
        self.names = names


@dataclass(frozen=True)
class Common(OptionGroup):
    """The data options every command accepts, before or after the command name (merged here)."""

    bank: BankOpt = None
    no_builtin: NoBuiltinOpt = False
    db: DbOpt = None
    no_color: NoColorOpt = False

    META_KEY = "interview_drill.common"  # where the merged options are kept for error messages

    @classmethod
    def from_options(cls, ctx: typer.Context, values: dict[str, Any]) -> Common:
        # Options before the command name were stored on the context by the root callback.
        before = ctx.obj if isinstance(ctx.obj, Common) else Common()
        after = cls(**values)
        merged = cls._merge(before, after)
        ctx.meta[cls.META_KEY] = merged  # shared by the whole context chain: `cli.app` names the --db
        return merged

    @staticmethod
    def _merge(before: Common, after: Common) -> Common:
        return Common(
            bank=list(before.bank or []) + list(after.bank or []),
            no_builtin=before.no_builtin or after.no_builtin,
            db=after.db or before.db,
            no_color=before.no_color or after.no_color,
        )

    def load(self) -> Bank:
        """The bank these options name (built-in unless --no-builtin, plus --bank and IDRILL_BANK)."""
        from interview_drill.bank import load_bank
        from interview_drill.paths import user_bank_paths

        with speedups.long_lived():
            return load_bank(user_bank_paths(self.bank), include_builtin=not self.no_builtin)

    def workspace(self, *, readonly: bool = False) -> Workspace:
        """The bank, the history, the settings and the clock of this invocation."""
        with speedups.long_lived():  # its modules (the card models…) live as long as the bank: GC paused
            from interview_drill.app.workspace import open_workspace

            bank = self.load()
        return open_workspace(bank, self.db, readonly=readonly)

    def history(self, *, readonly: bool = False) -> Store:
        """The history database alone (no bank), e.g. to export or import it."""
        from interview_drill.paths import db_path
        from interview_drill.storage.history import Store

        path = db_path(self.db)
        if readonly:
            return Store.open_readonly(path)
        from interview_drill.app.workspace import ensure_data_dir

        ensure_data_dir(path, explicit=bool(self.db or os.environ.get("IDRILL_DB")))
        return Store.open(path)

    def out_target(
        self, recognise: Callable[[bytes], bool], *, force: bool, bank: Bank | None = None
    ) -> Target:
        """What an `--out` file must not replace: the history database in use, the settings file and
        the bank files (those of `bank`, else those the bank options name); `recognise` tells an
        earlier output of the same kind, which may be replaced without --force."""
        from interview_drill.bank.discover import bank_files
        from interview_drill.files import Target
        from interview_drill.paths import config_path, db_path, user_bank_paths

        protected: dict[Path, str] = {}
        if bank is not None:
            files = list(bank.files)
        else:
            files, _ = bank_files(user_bank_paths(self.bank))
        for file in files:
            protected[Path(file)] = "a bank file"
        protected[config_path()] = "the settings file"
        protected[db_path(self.db)] = "the history database"
        return Target(protected=protected, recognise=recognise, force=force)

    def console(self) -> Console:
        with speedups.long_lived():  # Rich's modules live to the end: no collections while they load
            from interview_drill.render.terminal import make_console

        return make_console(no_color=self.no_color)


@dataclass(frozen=True)
class Filters(OptionGroup):
    """Which cards a command works on; the same five filters everywhere."""

    topic: TopicOpt = None
    level: LevelOpt = None
    max_level: MaxLevelOpt = None
    kind: KindOpt = None
    tag: TagOpt = None

    def check(self, bank: Bank, *, search: str | None = None) -> CardFilter:
        """The filter, checked against the bank: a value that matches nothing is a usage error."""
        from interview_drill.domain.filters import make_filter

        flt = make_filter(self.topic, self.level, self.max_level, self.kind, self.tag, search)
        flt.check(bank.topics, {t for c in bank.cards for t in c.tags} if flt.tags else ())  # 10,000 cards
        return flt


@dataclass(frozen=True)
class DrillOpts(OptionGroup):
    """How today's drill runs: `idrill drill` and `idrill` with no command."""

    new: NewOpt = None
    limit: LimitOpt = None
    minutes: MinutesOpt = None
    cram: CramOpt = False
    write: WriteOpt = False


# ------------------------------------------------------------------ the signature Typer reads


def _group_of(hint: Any) -> tuple[type[OptionGroup] | None, tuple[str, ...] | None]:
    only = None
    if typing.get_origin(hint) is Annotated:
        hint, *extras = typing.get_args(hint)
        only = next((e.names for e in extras if isinstance(e, Only)), None)
    if isinstance(hint, type) and issubclass(hint, OptionGroup):
        return hint, only
    return None, None


def shared_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Expand `fn`'s option-group parameters into their options for Typer; call `fn` with group values.

    Every parameter becomes keyword-only (Typer passes them all by name), so a group may stand
    anywhere in the list; its options show in `--help` where the group stands.
    """
    hints = typing.get_type_hints(fn, include_extras=True)
    params: list[inspect.Parameter] = []
    groups: list[tuple[str, type[OptionGroup], list[str]]] = []
    context = None
    for param in inspect.signature(fn).parameters.values():
        hint = hints.get(param.name, param.annotation)
        group, only = _group_of(hint)
        if group is None:
            params.append(param.replace(kind=inspect.Parameter.KEYWORD_ONLY, annotation=hint))
            if isinstance(hint, type) and issubclass(hint, typer.Context):
                context = param.name
            continue
        options = [p for p in group.parameters() if only is None or p.name in only]
        if only is not None and len(options) != len(only):
            unknown = sorted(set(only) - {p.name for p in options})
            raise TypeError(f"{fn.__qualname__}: {group.__name__} has no option {', '.join(unknown)}")
        params += options
        groups.append((param.name, group, [p.name for p in options]))
    if not groups:
        return fn
    own_context = context is not None  # `fn` takes the context itself
    if context is None:
        context = "ctx"
        params.insert(0, inspect.Parameter(context, inspect.Parameter.KEYWORD_ONLY, annotation=typer.Context))
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        clash = sorted({n for n in names if names.count(n) > 1})
        raise TypeError(f"{fn.__qualname__}: option names taken twice: {', '.join(clash)}")

    @functools.wraps(fn)
    def command(**given: Any) -> Any:
        ctx = given[context] if own_context else given.pop(context)
        for name, group, options in groups:
            given[name] = group.from_options(ctx, {o: given.pop(o) for o in options})
        return fn(**given)

    # Typer reads `inspect.signature`, which returns `__signature__` as it is, so the annotations in it
    # are objects, not strings; `__annotations__` says the same for `typing.get_type_hints`.
    returns = hints.get("return", inspect.Signature.empty)
    command.__signature__ = inspect.Signature(params, return_annotation=returns)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in params}
    if returns is not inspect.Signature.empty:
        command.__annotations__["return"] = returns
    return command


# ------------------------------------------------------------------ a module's commands


class Commands:
    """The commands one module defines, in order; `cli.app` registers them (guarded) on the app."""

    def __init__(self, group: str | None = None, **settings: Any) -> None:
        self.group = group  # a sub-command group (`idrill config ...`) with these Typer settings
        self.settings = settings
        self.entries: list[tuple[str | None, dict[str, Any], Callable[..., Any]]] = []
        self.groups: list[Commands] = []

    def command(self, name: str | None = None, **settings: Any) -> Callable[[F], F]:
        """Declare a command (Typer's `command()` settings); the function itself is left as it is."""

        def add(fn: F) -> F:
            self.entries.append((name, settings, fn))
            return fn

        return add

    def subgroup(self, name: str, **settings: Any) -> Commands:
        """Commands under `idrill NAME ...`, registered after this module's own."""
        group = Commands(name, **settings)
        self.groups.append(group)
        return group

    def register(self, app: typer.Typer, guard: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
        """Put these commands on `app` (or on a new group of it), each wrapped by `guard`."""
        target = app
        if self.group is not None:
            target = typer.Typer(**self.settings)
            app.add_typer(target, name=self.group)
        for name, settings, fn in self.entries:
            target.command(name, **settings)(guard(shared_options(fn)))
        for group in self.groups:
            group.register(app, guard)
