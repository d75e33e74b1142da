"""Settings and set-up checks: `config list|get|set|path` and `doctor`.

The settings file itself is read and written by `app.config`; `app.doctor` does the checking.
"""

from __future__ import annotations

from typing import Annotated

import typer

from interview_drill.cli.options import Commands, Common

commands = Commands()
config = commands.subgroup(
    "config", help="Show or change settings (desired retention, daily limits, day rollover)."
)

KeyArg = Annotated[str, typer.Argument(help="Setting name (see `idrill config list`).")]


def _shown(value: object) -> object:
    """Tuples (learning steps, parameters) print as lists, as they are written in the file; per-topic
    retention as an inline table."""
    if isinstance(value, tuple) and value and all(isinstance(v, tuple) for v in value):
        return "{" + ", ".join(f"{k} = {v}" for k, v in value) + "}"
    return list(value) if isinstance(value, tuple) else value


@commands.command()
def doctor(
    opts: Common = Common(),
    repair: Annotated[
        bool,
        typer.Option(
            "--repair",
            help="Back the history up, then reset damaged cards to new and move damaged log rows out.",
        ),
    ] = False,
) -> None:
    """Check the history, the banks and the settings; list orphans, edits, damaged rows and backups."""
    from interview_drill.app.doctor import diagnose
    from interview_drill.cli.hints import words

    report = diagnose(opts.bank or [], not opts.no_builtin, opts.db, repair=repair)
    for line in report.lines(words):
        typer.echo(line)
    if report.problems:
        raise typer.Exit(1)


@config.command("list")
def config_list() -> None:
    """Every setting with its value and meaning."""
    from dataclasses import asdict

    from interview_drill.app.config import HELP, Settings
    from interview_drill.app.workspace import load_settings
    from interview_drill.cli.hints import text
    from interview_drill.paths import config_path

    settings = load_settings()
    default = Settings()
    for key, value in asdict(settings).items():
        mark = "" if value == getattr(default, key) else "  (changed)"
        shown = _shown(value)
        if key == "parameters" and not value:
            shown = "[] (FSRS defaults)"
        typer.echo(f"{key} = {shown}{mark}\n    {text(HELP[key])}")
    typer.echo(f"# file: {config_path()}")


@config.command("get")
def config_get(key: KeyArg) -> None:
    """Print one setting's value."""
    from interview_drill.app.config import KEYS
    from interview_drill.app.workspace import load_settings
    from interview_drill.errors import ConfigError

    if key not in KEYS:
        raise ConfigError(f"unknown setting `{key}`; known: {', '.join(KEYS)}")
    typer.echo(_shown(getattr(load_settings(), key)))


@config.command("set", context_settings={"ignore_unknown_options": True})
def config_set(
    key: KeyArg,
    value: Annotated[
        list[str], typer.Argument(metavar="VALUE", help="New value, e.g. 0.85, 20, [1, 10] or 1,10.")
    ],
) -> None:
    """Change one setting (validated; the file is written atomically)."""
    from interview_drill.app.config import set_value
    from interview_drill.cli.hints import CONFIG_HEADER
    from interview_drill.domain.schedule import Scheduler
    from interview_drill.paths import config_path

    settings = set_value(
        config_path(), key, " ".join(value), check=Scheduler, header=CONFIG_HEADER
    )  # FSRS checks its weights' bounds
    typer.echo(f"{key} = {_shown(getattr(settings, key))}")


@config.command("path")
def config_path_cmd() -> None:
    """Print where the settings file lives."""
    from interview_drill.paths import config_path

    typer.echo(config_path())
