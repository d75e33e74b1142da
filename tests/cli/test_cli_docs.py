"""The README documents the command line as it is (like sqlite-utils' test_docs.py).

Every command and sub-command has a row in the README's "Commands" table, and every command the
table names exists. The first cell of a row names commands in code spans: `idrill list`, or
`idrill suspend ID…` / `unsuspend ID…`; the words up to the first argument or option are the path.
"""

from __future__ import annotations

import re

from typer.main import get_command

from interview_drill.cli.app import app

from ..conftest import REPO


def cli_paths() -> tuple[set[str], set[str]]:
    """(commands you run, groups that hold them) as space-separated paths, e.g. `config get`."""
    leaves: set[str] = set()
    groups: set[str] = set()

    def walk(group, prefix: list[str]) -> None:
        for name, cmd in group.commands.items():
            path = " ".join([*prefix, name])
            if hasattr(cmd, "commands"):
                groups.add(path)
                walk(cmd, [*prefix, name])
            else:
                leaves.add(path)

    walk(get_command(app), [])
    return leaves, groups


def readme_paths() -> set[str]:
    """The command paths named in the first column of the README's "Commands" table."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Commands\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert rows, "no command table in the README's Commands section"
    paths = set()
    for row in rows:
        first_cell = row.split("|")[1]
        for span in re.findall(r"`([^`]+)`", first_cell):
            words = span.split()
            if words[:1] == ["idrill"]:
                words = words[1:]
            path = []
            for word in words:
                if not re.fullmatch(r"[a-z][a-z-]*", word):
                    break  # an argument (ID…, [PATH…]) or an option (--target L)
                path.append(word)
            if path:
                paths.add(" ".join(path))
    return paths


def test_every_command_is_in_the_readme_table():
    leaves, _ = cli_paths()
    missing = sorted(leaves - readme_paths())
    assert not missing, f"add a row to the README's Commands table for: {', '.join(missing)}"


def test_the_readme_table_names_only_real_commands():
    leaves, groups = cli_paths()
    unknown = sorted(readme_paths() - leaves - groups)
    assert not unknown, f"the README's Commands table names commands that do not exist: {', '.join(unknown)}"


def test_the_table_reader_sees_what_is_there():
    named = readme_paths()
    assert {"drill", "list", "unsuspend", "config get", "export revlog", "history import"} <= named
    assert "" not in named
