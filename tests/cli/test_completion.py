"""Shell completion: topics, levels, kinds and card ids complete; completion never raises."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from interview_drill.cli import complete as cli_common
from interview_drill.cli.app import app

from ..conftest import SAMPLE_BANK

SAMPLE = ["--no-builtin", "--bank", str(SAMPLE_BANK)]


def bash_complete(words: str, tmp_path: Path, **env: str) -> list[str]:
    """What bash would offer for the last word of `words` (run as a real process, like the shell does)."""
    parts = words.split(" ")
    result = subprocess.run(
        [sys.executable, "-m", "interview_drill", *parts[1:]],
        env={
            **os.environ,
            "_IDRILL_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(parts) - 1),
            "IDRILL_HOME": str(tmp_path / "home"),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout.split()


def test_card_ids_complete_for_show_and_reset(tmp_path):
    bank = f"--no-builtin --bank {SAMPLE_BANK}"
    assert bash_complete(f"idrill show {bank} sample-lora-", tmp_path) == [
        "sample-lora-rank",
        "sample-lora-alpha",
    ]
    assert bash_complete(f"idrill {bank} reset sample-j", tmp_path) == ["sample-judge"]
    assert "sample-debug-loss" in bash_complete(f"idrill suspend {bank} sample-", tmp_path)


def test_card_ids_follow_the_bank_environment(tmp_path):
    words = "idrill show sample-l"
    env = {"IDRILL_BANK": str(SAMPLE_BANK), "IDRILL_NO_BUILTIN": "1"}
    assert bash_complete(words, tmp_path, **env) == ["sample-lora-rank", "sample-lora-alpha"]


def test_topics_levels_and_kinds_complete(tmp_path):
    assert bash_complete(f"idrill list --no-builtin --bank {SAMPLE_BANK} --topic l", tmp_path) == ["lora"]
    assert bash_complete("idrill list --level s", tmp_path) == ["screen", "senior", "staff"]
    assert bash_complete("idrill due --max-level m", tmp_path) == ["mid"]
    assert bash_complete("idrill export anki --kind d", tmp_path) == ["design", "debugging"]
    builtin_topics = bash_complete("idrill drill --topic ", tmp_path)
    assert builtin_topics and all(t == t.lower() for t in builtin_topics)


def test_a_broken_bank_completes_nothing_and_prints_no_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("topic: [unclosed\n", encoding="utf-8")
    assert bash_complete(f"idrill show --bank {bad} sam", tmp_path) == []
    assert bash_complete("idrill show --bank /does/not/exist x", tmp_path) == []


def _ctx(**params) -> typer.Context:
    ctx = typer.Context(typer.main.get_command(app))
    ctx.params = params
    return ctx


@pytest.mark.parametrize(
    ("fn", "args", "expected"),
    [
        (cli_common.complete_level, ("st",), ["staff"]),
        (cli_common.complete_level, ("x",), []),
        (cli_common.complete_kind, ("c",), ["conceptual", "coding"]),
        (
            cli_common.complete_topic,
            (_ctx(bank=[SAMPLE_BANK], no_builtin=True), "e"),
            [("eval", "Evaluation (sample)")],
        ),
        (
            cli_common.complete_card_id,
            (_ctx(bank=[SAMPLE_BANK], no_builtin=True), "sample-j"),
            [("sample-judge", "eval")],
        ),
        (cli_common.complete_card_id, (_ctx(bank=["/nope"], no_builtin=True), ""), []),
        (cli_common.complete_card_id, (None, "no-such-"), []),  # no context at all: still no error
        (cli_common.complete_level, (None,), []),
    ],
)
def test_callbacks(fn, args, expected):
    assert fn(*args) == expected


def test_show_completion_prints_a_bash_script():
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["--show-completion", "bash"], prog_name="idrill")
    assert result.exit_code == 0
    assert "_IDRILL_COMPLETE=complete_bash" in result.output
    assert "complete -o default -F _idrill_completion idrill" in result.output


def test_install_completion_writes_the_shell_config(tmp_path):
    home = tmp_path / "user"
    home.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "interview_drill", "--install-completion", "bash"],
        env={**os.environ, "HOME": str(home), "IDRILL_HOME": str(tmp_path / "idrill")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "completion installed" in result.stdout
    assert "idrill" in (home / ".bashrc").read_text()
    script = next((home / ".bash_completions").glob("idrill*"))
    assert "_IDRILL_COMPLETE=complete_bash" in script.read_text()
