"""Transcripts of the drill and the scheduling commands (CliRunner, pinned clock, no fuzz)."""

from __future__ import annotations

import json
import sqlite3

import pytest

from ..conftest import SAMPLE_BANK, query, run

SAMPLE = ["--no-builtin", "--bank", str(SAMPLE_BANK)]


@pytest.fixture(autouse=True)
def _pinned(pinned):
    """Every test here runs at the pinned moment."""


def db_reviews(home):
    return query(
        home / "history.db",
        "SELECT c.slug, r.rating, r.kind FROM reviews r JOIN cards c ON c.id = r.card_id ORDER BY r.id",
    )


def test_reveal_rate_undo_quit(isolated_home):
    result = run("drill", *SAMPLE, input="space\n3\n\n1\nu\n\n2\nq\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "1/4" in out and "new" in out
    assert "Answer outline" in out
    assert "3  Good 10m" in out  # the interval each button gives
    assert "undid Again on" in out
    assert "Session done: 2 cards rated" in out
    assert [r[1] for r in db_reviews(isolated_home)] == [3, 2]


def test_default_command_is_the_drill(isolated_home):
    result = run(*SAMPLE, "--limit", "1", input="\n4\n")
    assert result.exit_code == 0
    assert "Session done: 1 card rated" in result.output
    assert len(db_reviews(isolated_home)) == 1


def test_filters_choose_the_cards(isolated_home):
    result = run("drill", *SAMPLE, "--topic", "lora", "--level", "screen", input="\n3\nq\n")
    assert result.exit_code == 0
    assert db_reviews(isolated_home) == [("sample-lora-alpha", 3, "scheduled")]


def test_cram_logs_but_schedules_nothing(isolated_home):
    result = run("drill", *SAMPLE, "--cram", "--limit", "2", input="\n1\n\n4\n")
    assert result.exit_code == 0
    assert "cram" in result.output
    assert [r[2] for r in db_reviews(isolated_home)] == ["cram", "cram"]
    due = json.loads(run("due", *SAMPLE, "--json").output)
    assert due["total"] == 4  # still all new: cram changed no schedule


def test_nothing_due_is_a_friendly_message(isolated_home):
    run("drill", *SAMPLE, "--new", "1", input="\n4\n")
    result = run("drill", *SAMPLE, "--new", "0")
    assert result.exit_code == 0
    assert "Nothing due right now" in result.output
    assert "Next card due in 8d" in result.output
    assert "--cram" in result.output


def test_piped_empty_input_is_a_clear_error_not_a_hang(isolated_home):
    result = run("drill", *SAMPLE, input="")
    assert result.exit_code == 2
    assert "no input" in result.output


def test_new_limit_and_due_counts(isolated_home):
    data = json.loads(run("due", *SAMPLE, "--json", "--new", "2").output)
    assert data["total"] == 2
    assert data["by_topic"] == {"eval": {"new": 1, "learning": 0, "review": 0, "relearning": 0},
                                "lora": {"new": 1, "learning": 0, "review": 0, "relearning": 0}}  # fmt: skip


def test_due_table(isolated_home):
    result = run("due", *SAMPLE)
    assert result.exit_code == 0
    assert "4 cards in today's session" in result.output


def test_undo_command_after_the_session(isolated_home):
    run("drill", *SAMPLE, input="\n3\n\n4\nq\n")
    result = run("undo", "--db", str(isolated_home / "history.db"))
    assert result.exit_code == 0
    assert "undid Easy (scheduled)" in result.output
    assert [r[1] for r in db_reviews(isolated_home)] == [3]


def test_suspend_unsuspend(isolated_home):
    assert run("suspend", *SAMPLE, "sample-judge", "sample-lora-rank").exit_code == 0
    data = json.loads(run("due", *SAMPLE, "--json").output)
    assert {c["id"] for c in data["cards"]} == {"sample-lora-alpha", "sample-debug-loss"}
    assert "unsuspended 1 card: sample-judge" in run("unsuspend", *SAMPLE, "sample-judge").output
    assert "already unsuspended: sample-judge" in run("unsuspend", *SAMPLE, "sample-judge").output
    bad = run("suspend", *SAMPLE, "no-such-card")
    assert bad.exit_code == 2 and "no card `no-such-card`" in bad.output


def test_bury_in_a_drill_then_unbury(isolated_home):
    first = json.loads(run("due", *SAMPLE, "--json").output)["cards"][0]["id"]
    result = run("drill", *SAMPLE, input="s\nq\n")
    assert result.exit_code == 0 and f"buried {first} until tomorrow" in result.output
    assert first not in {c["id"] for c in json.loads(run("due", *SAMPLE, "--json").output)["cards"]}
    assert run("unbury", *SAMPLE).output == f"unburied 1 card: {first}\n"
    assert first in {c["id"] for c in json.loads(run("due", *SAMPLE, "--json").output)["cards"]}
    assert run("unbury", *SAMPLE).output == "no buried cards\n"
    assert run("unbury", *SAMPLE, first).output == f"not buried: {first}\n"
    bad = run("unbury", *SAMPLE, "no-such-card")
    assert bad.exit_code == 2 and "no card `no-such-card`" in bad.output


def test_reset_needs_yes_without_a_terminal(isolated_home):
    run("drill", *SAMPLE, "--limit", "1", input="\n4\n")
    first = db_reviews(isolated_home)[0][0]
    refused = run("reset", *SAMPLE, first)
    assert refused.exit_code == 2 and "--yes" in refused.output
    done = run("reset", *SAMPLE, first, "--yes")
    assert done.exit_code == 0 and "is new again" in done.output
    assert len(db_reviews(isolated_home)) == 1  # log kept


def test_config_set_get_list_and_errors(isolated_home):
    assert run("config", "set", "new_per_day", "3").output.strip() == "new_per_day = 3"
    assert run("config", "get", "new_per_day").output.strip() == "3"
    assert "new_per_day = 3  (changed)" in run("config", "list").output
    data = json.loads(run("due", *SAMPLE, "--json").output)
    assert data["total"] == 3
    bad = run("config", "set", "desired_retention", "1.5")
    assert bad.exit_code == 2 and "must be a number from 0.70 to 0.99" in bad.output
    unknown = run("config", "set", "colour", "red")
    assert unknown.exit_code == 2 and "unknown setting `colour`" in unknown.output
    assert run("config", "get", "new_per_day").output.strip() == "3"  # a bad set changed nothing


def test_malformed_config_names_file_and_line(isolated_home):
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.toml").write_text("new_per_day = 5\n\nrollover_hour = = 3\n")
    result = run("due", *SAMPLE)
    assert result.exit_code == 2
    assert f"{isolated_home / 'config.toml'}:3:" in result.output


def test_doctor_reports_orphans_and_edits(isolated_home, tmp_path):
    run("drill", *SAMPLE, input="\n3\n\n3\nq\n")
    mine = tmp_path / "bank"
    mine.mkdir()
    text = (
        (SAMPLE_BANK / "eval.yaml")
        .read_text()
        .replace("How do you validate an LLM judge?", "How do you check a judge?")
    )
    (mine / "eval.yaml").write_text(text)
    result = run("doctor", "--no-builtin", "--bank", str(mine))
    assert result.exit_code == 0, result.output
    assert "integrity check passed" in result.output
    assert "not in any loaded bank (kept, not deleted)" in result.output
    assert "edited since their last review" in result.output and "sample-judge" in result.output


def test_edited_card_is_flagged_in_the_drill(isolated_home, tmp_path, monkeypatch):
    run("drill", *SAMPLE, "--topic", "eval", input="\n1\nq\n")  # Again: due again in a minute
    mine = tmp_path / "bank"
    mine.mkdir()
    for f in SAMPLE_BANK.iterdir():
        (mine / f.name).write_text(
            f.read_text().replace("How do you validate an LLM judge?", "How would you validate a judge?")
        )
    monkeypatch.setenv("IDRILL_NOW", "2026-03-02T09:05:00+00:00")
    result = run("drill", "--no-builtin", "--bank", str(mine), "--topic", "eval", "--new", "0", input="q\n")
    assert "edited since you last reviewed it" in result.output


def test_new_card_limit_resets_at_the_rollover_hour_not_at_midnight(isolated_home, monkeypatch):
    run("config", "set", "new_per_day", "2")
    monkeypatch.setenv("IDRILL_NOW", "2026-03-02T23:00:00+00:00")
    run("drill", *SAMPLE, input="\n4\n\n4\nq\n")  # two new cards introduced late in the evening
    counts = {}
    for now in ("2026-03-02T23:30:00+00:00", "2026-03-03T03:59:00+00:00", "2026-03-03T04:00:00+00:00"):
        monkeypatch.setenv("IDRILL_NOW", now)
        counts[now[11:16]] = json.loads(run("due", *SAMPLE, "--json").output)["total"]
    # same study day until 04:00 local (UTC here): the limit is used up; then two new cards again
    assert counts == {"23:30": 0, "03:59": 0, "04:00": 2}


def test_renamed_card_keeps_history_whatever_command_runs_first(isolated_home, tmp_path):
    run("drill", *SAMPLE, "--topic", "eval", "--level", "senior", input="\n4\nq\n")
    mine = tmp_path / "bank"
    mine.mkdir()
    for f in SAMPLE_BANK.iterdir():
        (mine / f.name).write_text(
            f.read_text().replace("id: sample-judge", "id: judge-validation\n    aliases: [sample-judge]")
        )
    bank = ["--no-builtin", "--bank", str(mine)]
    assert run("suspend", *bank, "judge-validation").exit_code == 0
    assert run("unsuspend", *bank, "judge-validation").exit_code == 0
    data = json.loads(run("due", *bank, "--json").output)
    assert "judge-validation" not in {c["id"] for c in data["cards"]}  # reviewed (Easy, 8 days): not due
    conn = sqlite3.connect(isolated_home / "history.db")
    assert conn.execute("SELECT slug, reps FROM cards WHERE slug LIKE '%judge%'").fetchall() == [
        ("judge-validation", 1)
    ]


def test_out_of_bounds_fsrs_parameters_are_refused_and_recoverable(isolated_home):
    zeros = "[" + ", ".join(["0"] * 21) + "]"
    refused = run("config", "set", "parameters", zeros)
    assert refused.exit_code == 2 and "not valid FSRS weights" in refused.output
    assert not (isolated_home / "config.toml").exists()  # nothing written
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.toml").write_text(f"parameters = {zeros}\n")  # edited by hand
    broken = run("due", *SAMPLE)
    assert broken.exit_code == 2 and "config set parameters []" in broken.output
    assert run("config", "set", "parameters", "[]").exit_code == 0
    assert run("due", *SAMPLE).exit_code == 0


@pytest.mark.parametrize(
    ("args", "shown"),
    [(["learning_steps", "[1,", "10]"], "learning_steps = [1, 10]"), (["learning_steps", "2,20"], "learning_steps = [2, 20]"),
     (["relearning_steps", "5"], "relearning_steps = [5]")],
)  # fmt: skip
def test_config_set_accepts_lists_with_spaces_or_commas(args, shown):
    result = run("config", "set", *args)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == shown


def test_config_set_negative_number_is_a_value_error_not_an_option():
    result = run("config", "set", "new_per_day", "-1")
    assert result.exit_code == 2
    assert "new_per_day: must be a whole number from 0 to 1000" in result.output
