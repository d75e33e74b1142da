"""Commands are built when needed (`cli.app.COMMANDS`), and nothing a user sees changes for it.

The table names every command of every module in `cli/commands/`; every help page and every
unknown-command message is the one an app that registers all the modules up front shows; and a run
imports the module of its own command only.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.main import get_command, get_group
from typer.testing import CliRunner

from interview_drill.cli.app import COMMANDS, app, register

from ..conftest import SAMPLE_BANK

# The modules of cli/commands/ in the order `cli.app` registered them when it built every command.
MODULES = (
    "bank", "cards", "drill", "plan", "config", "reports", "practice", "simulate", "code", "export",
    "history", "import_sync",
)  # fmt: skip

runner = CliRunner()


def eager_app() -> typer.Typer:
    """The app with every module's commands registered up front, as Typer builds it by default."""
    eager = typer.Typer(
        name=app.info.name,
        help=app.info.help,
        context_settings=app.info.context_settings,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
    )
    assert app.registered_callback is not None
    eager.callback(invoke_without_command=True)(app.registered_callback.callback)
    for module in MODULES:
        register(eager, module)
    return eager


def paths(group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    for name, cmd in group.commands.items():
        found += paths(cmd, (*prefix, name)) if hasattr(cmd, "commands") else [(*prefix, name)]
    return found


def test_the_modules_are_those_of_the_commands_folder():
    folder = Path(__file__).resolve().parents[2] / "src" / "interview_drill" / "cli" / "commands"
    assert sorted(MODULES) == sorted(p.stem for p in folder.glob("*.py") if p.stem != "__init__")
    assert set(COMMANDS.values()) == set(MODULES)


def test_the_table_names_each_command_in_its_module_and_in_help_order():
    assert list(COMMANDS) == list(get_command(eager_app()).commands)  # type: ignore[attr-defined]
    for module in MODULES:
        alone = typer.Typer()
        register(alone, module)
        declared = list(get_group(alone).commands)
        assert declared == [name for name, where in COMMANDS.items() if where == module], module


def test_every_help_page_is_the_one_of_an_app_built_up_front():
    eager = eager_app()
    every = paths(get_command(eager))
    assert len(every) > 35
    for path in every:
        want = runner.invoke(eager, [*path, "--help"])
        got = runner.invoke(app, [*path, "--help"])
        assert (got.exit_code, got.output) == (want.exit_code, want.output), path


@pytest.mark.parametrize("args", [["stat"], ["histroy", "export"], ["config", "lst"], ["config"], ["nope"]])
def test_an_unknown_or_missing_command_reads_the_same(args: list[str]):
    want = runner.invoke(eager_app(), args)
    got = runner.invoke(app, args)
    assert (got.exit_code, got.output) == (want.exit_code, want.output)
    assert got.exit_code != 0


# Runs `idrill ARGS` in a fresh interpreter and lists which of the modules named in WATCH it loaded.
_LOADED = """
import atexit, os, sys, runpy

def report():  # at exit: a report ends through `speedups.finish`, which runs the exit handlers
    watch = os.environ["WATCH"].split()
    print("LOADED:", *sorted(m for m in sys.modules if any(m == w or m.startswith(w + ".") for w in watch)))

atexit.register(report)
sys.argv = ["idrill", *sys.argv[1:]]
try:
    runpy.run_module("interview_drill", run_name="__main__")
except SystemExit:
    pass
"""


def loaded(
    args: list[str], home: Path, *, watch: tuple[str, ...], stdin: str = "", switch: str = ""
) -> list[str]:
    env = {**os.environ, "IDRILL_HOME": str(home), "IDRILL_NO_SPEEDUPS": switch, "WATCH": " ".join(watch)}
    done = subprocess.run(
        [sys.executable, "-c", _LOADED, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert "Traceback" not in done.stderr, done.stderr
    line = [line for line in done.stdout.splitlines() if line.startswith("LOADED:")][-1]
    return line.split()[1:]


COMMAND_MODULES = ("interview_drill.cli.commands",)


def test_a_command_imports_its_own_module_only(isolated_home: Path):
    bank = ["--no-builtin", "--bank", str(SAMPLE_BANK)]
    for args, module in (
        (["due", "--json", *bank], "drill"),
        (["stats", *bank], "reports"),
        (["config", "path"], "config"),
    ):
        got = loaded(args, isolated_home, watch=COMMAND_MODULES)
        assert got == ["interview_drill.cli.commands", f"interview_drill.cli.commands.{module}"], args


@pytest.mark.parametrize("switch", ["", "1"])
def test_the_drill_builds_no_pydantic_adapter_for_its_options(
    isolated_home: Path, tmp_path: Path, switch: str
):
    """Typer's own coercion builds a pydantic TypeAdapter per option (speedups.light_coercion)."""
    args = ["--no-builtin", "--bank", str(SAMPLE_BANK), "--db", str(tmp_path / "h.db"), "--limit", "1"]
    got = loaded(args, isolated_home, watch=("typer._adapters",), stdin="space\n3\n", switch=switch)
    assert got == (["typer._adapters"] if switch == "1" else [])


def test_the_drill_imports_no_more_than_its_cards_need(isolated_home: Path, tmp_path: Path):
    """No other command's module, no interview-plan rules without a plan, no statistics beyond the streak,
    no coding round before `c` (the built-in bank has exercises)."""
    watch = (
        *COMMAND_MODULES, "interview_drill.app.plan", "interview_drill.domain.plan",
        "interview_drill.domain.figures.stats", "interview_drill.app.exercises",
    )  # fmt: skip
    got = loaded(["--db", str(tmp_path / "h.db")], isolated_home, watch=watch, stdin="space\n3\nq\n")
    assert got == ["interview_drill.cli.commands", "interview_drill.cli.commands.drill"]


def test_a_warm_drill_and_warm_stats_never_import_pydantic_or_yaml(isolated_home: Path, tmp_path: Path):
    """The cache answers for the bank: validating (pydantic, the card schema) and parsing (PyYAML)
    are for a bank file that changed, ~55 ms of every start otherwise."""
    watch = ("pydantic", "yaml", "interview_drill.domain.card_schema")
    db = ["--db", str(tmp_path / "h.db")]
    first = loaded(db, isolated_home, watch=watch, stdin="q\n")  # a cold start fills the cache
    assert "pydantic" in first and "yaml" in first
    assert loaded(db, isolated_home, watch=watch, stdin="space\n3\nq\n") == []
    assert loaded(["stats", *db], isolated_home, watch=watch) == []


def test_stats_and_reports_never_import_py_fsrs(isolated_home: Path, tmp_path: Path):
    """The figures need only FSRS's recall formula and default weights (`schedule.DEFAULT_PARAMETERS`):
    py-fsrs is imported to rate a card, not to count (~4 ms of every `stats` and `report`)."""
    db = ["--db", str(tmp_path / "h.db"), "--no-builtin", "--bank", str(SAMPLE_BANK)]
    assert loaded(["stats", *db], isolated_home, watch=("fsrs",)) == []
    out = tmp_path / "r.json"
    assert (
        loaded(["report", "--format", "json", "--out", str(out), *db], isolated_home, watch=("fsrs",)) == []
    )
    assert out.exists()
