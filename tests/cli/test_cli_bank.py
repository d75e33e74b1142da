"""Transcripts of the bank commands through Click's CliRunner."""

from __future__ import annotations

import json

import pytest
from typer.main import get_command

from interview_drill import __version__
from interview_drill.cli.app import app

from ..conftest import SAMPLE_BANK, run


def test_version():
    result = run("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"idrill {__version__}"


def test_every_command_has_help_text():
    root = get_command(app)
    names = list(root.commands)
    assert {"validate", "list", "show", "topics"} <= set(names)

    def walk(group, prefix: list[str]):
        for name, cmd in group.commands.items():
            assert (cmd.help or "").strip(), f"{' '.join(prefix + [name])} has no help text"
            result = run(*prefix, name, "--help")
            assert result.exit_code == 0, result.output
            assert "Usage:" in result.output
            if hasattr(cmd, "commands"):
                walk(cmd, prefix + [name])

    walk(root, [])


def test_list_piped_is_tab_separated(sample_args):
    result = run("list", *sample_args)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split("\t") == [
        "sample-judge",
        "eval",
        "senior",
        "design",
        "How do you validate an LLM judge?",
        "new",  # the browser's columns: state, due, recall (empty for a card never studied)
        "",
        "",
    ]
    assert len(lines) == 4


def test_options_work_before_and_after_the_command():
    before = run("--no-builtin", "--bank", str(SAMPLE_BANK), "list")
    after = run("list", "--no-builtin", "--bank", str(SAMPLE_BANK))
    assert before.exit_code == after.exit_code == 0
    assert before.output == after.output


def test_bank_from_environment(monkeypatch):
    monkeypatch.setenv("IDRILL_BANK", str(SAMPLE_BANK))
    monkeypatch.setenv("IDRILL_NO_BUILTIN", "1")
    result = run("list")
    assert result.exit_code == 0
    assert len(result.output.splitlines()) == 4


@pytest.mark.parametrize(
    ("filters", "ids"),
    [
        (["--topic", "lora"], ["sample-lora-rank", "sample-lora-alpha"]),
        (["--level", "senior", "--level", "staff"], ["sample-judge", "sample-debug-loss"]),
        (["--max-level", "mid"], ["sample-lora-rank", "sample-lora-alpha"]),
        (["--kind", "debugging"], ["sample-debug-loss"]),
        (["--tag", "judge"], ["sample-judge"]),
        (["--search", "MASKED"], ["sample-debug-loss"]),
        (["--topic", "lora", "--level", "screen"], ["sample-lora-alpha"]),
    ],
)
def test_list_filters(sample_args, filters, ids):
    result = run("list", *sample_args, *filters, "--json")
    assert result.exit_code == 0, result.output
    assert [c["id"] for c in json.loads(result.output)] == ids


def test_list_json_is_full_card_objects(sample_args):
    cards = json.loads(run("list", *sample_args, "--json", "--topic", "lora").output)
    first = cards[0]
    assert first["topic"] == "lora"
    assert first["numbers"][1] == {"figure": "16", "about": "a common default"}
    assert first["follow_ups"][1] == {"question": "Why is B initialised to zero?", "answer": ""}


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        (["--topic", "lorra"], "unknown topic `lorra`. Did you mean `lora`? Valid: eval, lora"),
        (["--level", "principal"], "unknown level `principal`. Valid: screen, mid, senior, staff"),
        (["--kind", "desing"], "unknown kind `desing`. Did you mean `design`?"),
    ],
)
def test_unknown_filter_values_are_clear_errors(sample_args, filters, message):
    result = run("list", *sample_args, *filters)
    assert result.exit_code == 2
    assert message in result.output


def test_show_renders_every_part(sample_args):
    result = run("show", *sample_args, "sample-lora-rank")
    assert result.exit_code == 0
    for text in ["What does the LoRA rank control?", "Answer outline", "Numbers to drop", "8–64",
                 "Follow-ups", "Why is B initialised to zero?", "Traps", "source: Hu et al. 2021"]:  # fmt: skip
        assert text in result.output


def test_show_unknown_id_suggests_close_matches(sample_args):
    result = run("show", *sample_args, "sample-lora-rnak")
    assert result.exit_code == 2
    assert "no card `sample-lora-rnak`; did you mean: sample-lora-rank" in result.output


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("sample-lora", "sample-lora-rank, sample-lora-alpha"),  # by prefix
        ("lora", "sample-lora-rank, sample-lora-alpha"),  # by substring
        ("judge", "sample-judge"),
        ("sample-lora-rnak", "sample-lora-rank"),  # by spelling
    ],
)
def test_show_unknown_id_suggests_by_prefix_substring_and_spelling(sample_args, typed, suggested):
    result = run("show", *sample_args, typed)
    assert result.exit_code == 2
    assert f"no card `{typed}`; did you mean: {suggested}" in result.output


def test_topics_counts_per_level(sample_args):
    result = run("topics", *sample_args)
    assert result.exit_code == 0
    row = next(line for line in result.output.splitlines() if line.startswith("lora"))
    cells = [c for c in row.split() if c not in "│┃|"]
    assert cells[-5:] == ["1", "1", "·", "·", "2"]


def test_validate_ok_summary(sample_args):
    result = run("validate", *sample_args)
    assert result.exit_code == 0
    assert result.output.strip() == "ok: 4 cards in 2 files (eval 2, lora 2)"


def test_validate_reports_errors_and_exits_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "topic: t\ntitle: T\ncards:\n  - id: c1\n    question: Q?\n    outline: [o]\n    kind: trick\n"
    )
    result = run("validate", "--no-builtin", str(bad))
    assert result.exit_code == 2
    assert f"{bad}:7: cards[0].kind: must be one of" in result.output
    assert "Traceback" not in result.output


def test_user_bank_id_colliding_with_builtin_is_an_error(tmp_path):
    from interview_drill.bank import load_bank

    builtin_ids = [c.id for c in load_bank([], include_builtin=True).cards]
    assert builtin_ids, "the built-in bank is empty"
    mine = tmp_path / "mine.yaml"
    mine.write_text(
        f"topic: mine\ntitle: Mine\ncards:\n  - id: {builtin_ids[0]}\n    question: Q?\n    outline: [o]\n"
    )
    result = run("list", "--bank", str(mine))
    assert result.exit_code == 2
    assert f"id `{builtin_ids[0]}` is already used at" in result.output


def test_no_builtin_without_banks_is_a_clear_error():
    result = run("list", "--no-builtin")
    assert result.exit_code == 2
    assert "--no-builtin was given without --bank" in result.output


def test_the_same_bank_given_twice_is_loaded_once(monkeypatch):
    monkeypatch.setenv("IDRILL_BANK", str(SAMPLE_BANK))
    result = run("list", "--no-builtin", "--bank", str(SAMPLE_BANK))
    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) == 4


def test_a_bank_folder_without_yaml_files_is_an_error(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("list", "--bank", str(empty))
    assert result.exit_code == 2
    assert f"{empty}: bank: no .yaml files in this folder" in result.output


def test_ready_target_typo_suggests_the_level():
    result = run("ready", "--no-builtin", "--bank", str(SAMPLE_BANK), "--target", "seniour")
    assert result.exit_code == 2 and "Did you mean `senior`?" in result.output


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["--limit", "0"],
            "Invalid value for '--limit': Input should be greater than or equal to 1 (see `idrill --help`)",
        ),
        (["stast"], "No such command 'stast'. Did you mean 'stats'? (see `idrill --help`)"),
        (["show"], "Missing argument 'ID'. (see `idrill show --help`)"),
    ],
)
def test_usage_errors_are_one_line_from_the_real_command(tmp_path, args, line):
    import subprocess
    import sys
    from pathlib import Path

    idrill = Path(sys.executable).with_name("idrill")
    result = subprocess.run([idrill, *args], capture_output=True, text=True, timeout=30,
                            env={"PATH": "/usr/bin:/bin", "IDRILL_HOME": str(tmp_path)}, stdin=subprocess.DEVNULL)  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.splitlines() == [line]
    assert result.stdout == ""
