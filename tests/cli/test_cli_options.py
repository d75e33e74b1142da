"""Shared options are declared once (`cli.options`) and every command takes them the same way."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from interview_drill.cli.app import app
from interview_drill.cli.options import Common, Filters, Only, OptionGroup, shared_options

from ..conftest import SAMPLE_BANK, run

COMMON = ["--bank", "--no-builtin", "--db", "--no-color"]
FILTERS = ["--topic", "--level", "--max-level", "--kind", "--tag"]


def commands() -> dict[str, object]:
    found = {}

    def walk(group, prefix: list[str]) -> None:
        for name, cmd in group.commands.items():
            if hasattr(cmd, "commands"):
                walk(cmd, [*prefix, name])
            else:
                found[" ".join([*prefix, name])] = cmd

    walk(get_command(app), [])
    return found


def option_names(cmd) -> list[str]:
    return [opt for p in cmd.params for opt in p.opts if opt.startswith("--")]


def test_every_command_takes_the_data_options_after_its_name():
    # `config …` reads no bank and no history; `validate` checks files, so --db means nothing to it.
    expected = {
        name: []
        if name.startswith("config ")
        else [o for o in COMMON if not (name == "validate" and o == "--db")]
        for name in commands()
    }
    taken = {name: [o for o in option_names(cmd) if o in COMMON] for name, cmd in commands().items()}
    assert taken == expected


def test_filter_options_are_the_same_five_wherever_they_appear():
    for name, cmd in commands().items():
        filters = [o for o in option_names(cmd) if o in FILTERS]
        if name == "ready":
            assert filters == ["--topic", "--kind", "--tag"]
        elif name in ("import", "new"):  # not a filter there: the topic the cards go to
            assert filters == ["--topic"]
        else:
            assert filters in ([], FILTERS), name


def test_a_group_stands_where_the_command_names_it():
    names = option_names(commands()["list"])
    assert names == [*FILTERS, "--search", "--due", "--state", "--sort", "--json", *COMMON]


@pytest.mark.parametrize("args", [["undo"], ["due", "--json"], ["list"]])
def test_data_options_before_or_after_the_command_name_are_the_same(tmp_path, args):
    before_db, after_db = tmp_path / "before.db", tmp_path / "after.db"
    data = ["--no-builtin", "--bank", str(SAMPLE_BANK)]
    before = run("--db", str(before_db), *data, *args)
    after = run(*args, "--db", str(after_db), *data)
    assert before.exit_code == after.exit_code == 0
    assert before.output == after.output
    assert before_db.exists() == after_db.exists()


def test_options_before_and_after_the_name_add_up():
    # One bank file before the command name, the other after it: both are loaded.
    result = run(
        "--no-builtin",
        "--bank",
        str(SAMPLE_BANK / "eval.yaml"),
        "list",
        "--bank",
        str(SAMPLE_BANK / "lora.yaml"),
    )
    assert result.exit_code == 0
    assert {line.split("\t")[1] for line in result.output.splitlines()} == {"eval", "lora"}


# ------------------------------------------------------------------ the injector itself


def test_a_command_receives_one_value_per_group():
    seen = {}

    @shared_options
    def command(
        count: int = 1,
        filters: Annotated[Filters, Only("topic", "tag")] = Filters(),
        opts: Common = Common(),
    ) -> None:
        seen.update(count=count, filters=filters, opts=opts)

    little = typer.Typer()
    little.command()(command)
    little.callback()(lambda: None)
    result = CliRunner().invoke(little, ["command", "--tag", "x", "--db", "h.db", "--count", "3"])
    assert result.exit_code == 0, result.output
    assert seen["count"] == 3
    assert seen["filters"] == Filters(tag=["x"])
    assert seen["opts"] == Common(bank=[], db=Path("h.db"))
    assert "--level" not in CliRunner().invoke(little, ["command", "--help"]).output


@dataclass(frozen=True)
class Loud(OptionGroup):
    loud: Annotated[bool, typer.Option("--loud", help="Shout.")] = False


def test_a_new_group_needs_one_declaration():
    @shared_options
    def command(volume: Loud = Loud()) -> None:
        typer.echo("HI" if volume.loud else "hi")

    little = typer.Typer()
    little.command()(command)
    assert CliRunner().invoke(little, ["--loud"]).output == "HI\n"
    assert "Shout." in CliRunner().invoke(little, ["--help"]).output


def test_an_option_taken_twice_is_refused_at_declaration():
    def command(topic: str = "", filters: Filters = Filters()) -> None: ...

    with pytest.raises(TypeError, match="topic"):
        shared_options(command)


def test_only_names_options_the_group_has():
    def command(filters: Annotated[Filters, Only("topic", "topics")] = Filters()) -> None: ...

    with pytest.raises(TypeError, match="topics"):
        shared_options(command)


def test_a_command_without_groups_is_left_as_it_is():
    def command(key: str) -> None: ...

    assert shared_options(command) is command
