"""Only the command line spells flags, commands and environment variables: the layers below place
hints (`errors.Hint`) and structured plan steps, and `cli/hints.py` words them. The user reads the
same text as before; the settings file keeps what the user wrote in it.
"""

from __future__ import annotations

import ast
import re
import sqlite3
from pathlib import Path

import pytest

from interview_drill.cli.hints import WORDS, error_lines, plan_command
from interview_drill.domain.figures.readiness import PlanStep
from interview_drill.errors import Hint, IdrillError, StoreError
from interview_drill.storage.history import Store

from .conftest import run

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "interview_drill"
BELOW_THE_CLI = ("domain", "bank", "storage", "app")
# A flag, a command (`idrill …`, but not "another idrill is writing") or one of our variables in a message.
SPEAKS_CLI = re.compile(r"(?<![\w-])--[a-z]|`idrill\b|\bidrill (?!is\b)[a-z-]|IDRILL_[A-Z]")
# Still spelled below the CLI, in modules other branches of issue 16 were rewriting at the time.
# Turn their messages into hints, then remove them from here.
NOT_YET: dict[str, int] = {}


def cli_speech(path: Path) -> list[str]:
    """String literals of `path` (docstrings and bare variable names aside) that name CLI things."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    return [
        f"{path.relative_to(PACKAGE)}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and not re.fullmatch(r"IDRILL_[A-Z_]+", node.value)  # reading the variable is fine: naming it is not
        and SPEAKS_CLI.search(node.value)
    ]


def test_layers_below_the_cli_spell_no_flags_commands_or_variables():
    found: dict[str, list[str]] = {}
    for layer in BELOW_THE_CLI:
        for path in sorted((PACKAGE / layer).rglob("*.py")):
            if lines := cli_speech(path):
                found[str(path.relative_to(PACKAGE))] = lines
    unexpected = [line for rel, lines in found.items() if len(lines) > NOT_YET.get(rel, 0) for line in lines]
    assert not unexpected, "\n".join(unexpected)


def test_every_hint_has_words_on_the_command_line():
    assert set(WORDS) == set(Hint)


def test_outside_the_cli_a_hint_reads_as_its_meaning():
    error = StoreError("x.db: is a folder, not a history database; ", Hint.DB_MUST_BE_A_FILE)
    assert str(error) == "x.db: is a folder, not a history database; choose a file as the history database"
    assert error_lines(error) == ["x.db: is a folder, not a history database; choose a file with --db"]


def _foreign(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x TEXT)")
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    ("make", "name", "line"),
    [
        (lambda p: p.mkdir(), "history.db",
         "{p}: is a folder, not a history database; choose a file with --db"),
        (lambda p: None, "missing/history.db",
         "{p}: its folder {p.parent} does not exist; create it or choose another --db"),
        (lambda p: p.write_bytes(b"not a database" * 10), "history.db",
         "{p}: is not an interview-drill history database (not an SQLite file); "
         "it was left untouched — move it away or choose another --db"),
        (_foreign, "history.db",
         "{p}: is an SQLite database of another program, not an interview-drill history; "
         "it was left untouched — choose another --db"),
    ],
    ids=["folder", "missing-folder", "not-sqlite", "foreign"],
)  # fmt: skip
def test_history_errors_read_as_before_on_the_command_line(tmp_path, make, name, line):
    path = tmp_path / name
    make(path)
    with pytest.raises(IdrillError) as caught:
        Store.open(path)
    assert error_lines(caught.value) == [line.format(p=path)]


@pytest.mark.parametrize(
    ("step", "command"),
    [
        (PlanStep("weak", "mid", topic="lora", cram=True), "idrill --cram --topic lora --max-level mid"),
        (
            PlanStep("gap", "senior", topic="eval", new_per_day=2),
            "idrill --topic eval --max-level senior --new 2",
        ),
        (PlanStep("mock", "staff", mock=True), "idrill mock --target staff"),
    ],
)
def test_readiness_plan_steps_are_worded_as_commands(step, command):
    assert plan_command(step) == command


def test_config_list_words_the_optimiser():
    result = run("config", "list")
    assert "21 personal FSRS weights (set by `idrill optimize`; [] for the defaults)" in result.output


def test_config_set_keeps_the_users_comments_and_layout(isolated_home):
    isolated_home.mkdir(parents=True)
    config = isolated_home / "config.toml"
    config.write_text(
        "# my interview is in March\n"
        "new_per_day = 5  # five a day while I work\n"
        "\n"
        "# mornings\n"
        "rollover_hour = 6\n",
        encoding="utf-8",
    )
    assert run("config", "set", "new_per_day", "8").exit_code == 0
    assert config.read_text(encoding="utf-8") == (
        "# my interview is in March\n"
        "new_per_day = 8  # five a day while I work\n"
        "\n"
        "# mornings\n"
        "rollover_hour = 6\n"
    )
    assert run("config", "set", "desired_retention", "0.85").exit_code == 0
    assert run("config", "set", "rollover_hour", "4").exit_code == 0  # the default again: the line goes
    assert config.read_text(encoding="utf-8") == (
        "# my interview is in March\n"
        "new_per_day = 8  # five a day while I work\n"
        "\n"
        "# mornings\n"
        "desired_retention = 0.85\n"
    )
    assert run("config", "get", "new_per_day").output.strip() == "8"


def test_config_set_on_a_new_file_writes_the_header_and_what_differs(isolated_home):
    assert run("config", "set", "learning_steps", "2,20").exit_code == 0
    assert run("config", "set", "new_per_day", "10").exit_code == 0  # the default: nothing to write
    assert (isolated_home / "config.toml").read_text(encoding="utf-8") == (
        "# interview-drill settings — edit with `idrill config set KEY VALUE`\nlearning_steps = [2, 20]\n"
    )
