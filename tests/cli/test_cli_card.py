"""`idrill card ID` (card info matches the log) and leeches (tagged at the threshold), through the CLI."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from ..conftest import SAMPLE_BANK, pin_clock, run

SAMPLE = ["--no-builtin", "--bank", str(SAMPLE_BANK)]
ONE = [*SAMPLE, "--topic", "lora", "--level", "screen"]  # only sample-lora-alpha
CARD = "sample-lora-alpha"
START = datetime.fromisoformat("2026-03-02T09:00:00+00:00")


def info() -> dict:
    result = run("card", CARD, *SAMPLE, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def drill_at(monkeypatch: pytest.MonkeyPatch, moment: datetime, keys: str) -> str:
    pin_clock(monkeypatch, moment.isoformat())
    result = run("drill", *ONE, input=keys)
    assert result.exit_code == 0, result.output
    return result.output


def when_due() -> datetime:
    return datetime.fromisoformat(info()["due"])


def test_card_info_matches_the_log(monkeypatch):
    pin_clock(monkeypatch, START.isoformat())
    fresh = info()
    assert (fresh["state"], fresh["reviews"], fresh["log"], fresh["recall_now"]) == ("new", 0, [], None)
    # A typed answer, Good (10-minute step), then Good again (learned ahead: it graduates).
    drill_at(monkeypatch, START, "w\nalpha scales the update\nspace\n3\nspace\n3\n")
    graduated = when_due()
    drill_at(monkeypatch, graduated, "space\n1\nspace\n3\n")  # forgotten, relearned
    data = info()
    log = data["log"]
    assert [(e["state_before"], e["rating"]) for e in log] == [
        ("new", "good"), ("learning", "good"), ("review", "again"), ("relearning", "good"),
    ]  # fmt: skip
    assert log[0]["answer"] == "alpha scales the update" and log[1]["answer"] is None
    assert log[0]["interval_seconds"] == 600  # the first learning step
    assert log[1]["interval_seconds"] == (graduated - START).total_seconds()
    assert log[2]["interval_seconds"] == 600  # the relearning step
    last = datetime.fromisoformat(log[-1]["at"])
    assert log[-1]["interval_seconds"] == (datetime.fromisoformat(data["due"]) - last).total_seconds()
    assert (data["state"], data["reviews"], data["lapses"]) == ("review", 4, 1)
    assert data["last_review"] == log[-1]["at"]
    assert 0 < data["recall_now"] <= 1
    shown = run("card", CARD, *SAMPLE).output
    assert "Review log" in shown and "relearning" in shown and "alpha scales the update" in shown
    assert "lapses       1" in shown


def test_unknown_card_is_one_line(pinned):
    result = run("card", "sample-lora-alfa", *SAMPLE)
    assert result.exit_code != 0 and "sample-lora-alpha" in result.output  # a close match is suggested


@pytest.mark.parametrize("action", ["tag", "suspend"])
def test_a_leech_is_tagged_at_the_threshold(monkeypatch, tmp_path, action):
    pin_clock(monkeypatch, START.isoformat())
    assert run("config", "set", "leech_threshold", "2").exit_code == 0
    assert run("config", "set", "leech_action", action).exit_code == 0
    drill_at(monkeypatch, START, "space\n3\nspace\n3\n")
    first = drill_at(monkeypatch, when_due(), "space\n1\nspace\n3\n")
    assert "leech" not in first and info()["leech"] is False
    second = drill_at(monkeypatch, when_due(), "space\n1\nspace\n3\n")
    assert f"{CARD} is now a leech (2 lapses)" in second or f"{CARD} is a leech (2 lapses)" in second
    data = info()
    assert data["leech"] is True and data["lapses"] == 2
    assert data["suspended"] is (action == "suspend")
    listed = run("stats", *SAMPLE).output
    assert "Leeches (forgotten 2 times or more)" in listed and f"2 lapses  {CARD}" in listed
    page = tmp_path / "report.html"
    assert run("report", *SAMPLE, "--format", "html", "--out", str(page)).exit_code == 0
    assert f"<strong>{CARD}</strong> (2 lapses)" in page.read_text(encoding="utf-8")
    report = run("report", *SAMPLE).output
    assert f"- **{CARD}** (2 lapses): What does alpha do in LoRA?" in report
    if action == "tag":  # served again: the drill says so
        again = drill_at(monkeypatch, when_due() + timedelta(minutes=1), "space\n3\n")
        assert "leech: forgotten 2 times" in again
    else:
        assert "Nothing due" in drill_at(monkeypatch, START + timedelta(days=60), "")


def test_leech_settings_are_checked(pinned):
    bad = run("config", "set", "leech_action", "delete")
    assert bad.exit_code == 2 and "must be tag or suspend" in bad.output
    assert "from 0 to 99" in run("config", "set", "leech_threshold", "-1").output


def test_list_is_a_card_browser(monkeypatch):
    drill_at(monkeypatch, START, "space\n3\nspace\n3\n")  # sample-lora-alpha: learned
    pin_clock(monkeypatch, START.isoformat())
    run("drill", *SAMPLE, "--topic", "eval", "--limit", "1", input="space\n1\n")  # one eval card: learning
    run("suspend", "sample-lora-rank", *SAMPLE)
    due = when_due()
    pin_clock(monkeypatch, (due + timedelta(hours=1)).isoformat())
    rows = [line.split("\t") for line in run("list", *SAMPLE).output.splitlines()]
    states = {r[0]: r[5] for r in rows}
    assert sorted(states.values()) == ["learning", "new", "review", "suspended"]
    assert states[CARD] == "review" and states["sample-lora-rank"] == "suspended"
    by_recall = [
        r[0]
        for r in (line.split("\t") for line in run("list", *SAMPLE, "--sort", "recall").output.splitlines())
    ]
    assert by_recall[-2:] == sorted(by_recall[-2:]) and set(by_recall[-2:]) == {
        "sample-debug-loss",
        "sample-lora-rank",
    }
    due_now = json.loads(run("list", *SAMPLE, "--due", "--json").output)
    assert {c["id"] for c in due_now} >= {CARD} and all(c["state"] != "new" for c in due_now)
    only = json.loads(run("list", *SAMPLE, "--state", "review", "--json").output)
    assert (
        [c["id"] for c in only] == [CARD] and only[0]["due"] == due.isoformat() and 0 < only[0]["recall"] < 1
    )
    bad = run("list", *SAMPLE, "--sort", "dew")
    assert bad.exit_code == 2 and "unknown sort `dew`. Did you mean `due`?" in bad.output


def dues() -> dict[str, tuple[str, str]]:
    cards = json.loads(run("list", *SAMPLE, "--json").output)
    return {c["id"]: c["due"] for c in cards if c["due"]}


def test_reschedule_applies_changed_settings_and_undoes_as_one_step(monkeypatch):
    pin_clock(monkeypatch, START.isoformat())
    run("drill", *SAMPLE, input="space\n3\n" * 12)  # all four cards learned
    first = dues()
    assert len(first) == 4
    assert "re-scheduled 0 cards" in run("reschedule", *SAMPLE).output  # same settings: nothing moves
    run("config", "set", "maximum_interval", "1")
    assert "re-scheduled 4 cards" in run("reschedule", *SAMPLE).output
    capped = dues()
    assert all(datetime.fromisoformat(d) <= START + timedelta(days=1) for d in capped.values())
    run("config", "set", "maximum_interval", "36500")
    run("config", "set", "desired_retention", "0.8")
    done = run("reschedule", *SAMPLE)
    assert "re-scheduled 4 cards with the current settings" in done.output
    later = dues()
    assert all(capped[c] < first[c] < later[c] for c in first)
    assert "no postpone is on record" in run("postpone", "--undo", *SAMPLE).output  # each undoes its own
    assert "restored 4 cards" in run("reschedule", "--undo", *SAMPLE).output
    assert dues() == capped  # one step: the last run only
    assert "restored 4 cards" in run("reschedule", "--undo", *SAMPLE).output
    assert dues() == first
    assert "nothing to undo" in run("reschedule", "--undo", *SAMPLE).output


def test_reschedule_with_a_filter_and_a_card_reviewed_since(monkeypatch):
    pin_clock(monkeypatch, START.isoformat())
    run("drill", *SAMPLE, input="space\n3\n" * 12)
    first = dues()
    run("config", "set", "desired_retention", "0.8")
    assert "re-scheduled 2 cards" in run("reschedule", *SAMPLE, "--topic", "lora").output
    moved = dues()
    assert moved["sample-judge"] == first["sample-judge"] and moved[CARD] > first[CARD]
    drill_at(monkeypatch, datetime.fromisoformat(moved[CARD]), "space\n3\n")
    undone = run("reschedule", "--undo", *SAMPLE).output
    assert "restored 1 card" in undone and f"kept the newer state of 1 card reviewed since: {CARD}" in undone


def test_desired_retention_per_topic(monkeypatch, isolated_home):
    pin_clock(monkeypatch, START.isoformat())
    set_it = run("config", "set", "retention", "{lora = 0.97}")
    assert set_it.exit_code == 0, set_it.output
    assert (
        "lora = 0.97" in (isolated_home / "config.toml").read_text()
        or "0.97" in run("config", "get", "retention").output
    )
    run("drill", *SAMPLE, input="space\n3\n" * 12)  # every card: Good, Good
    due = {c: datetime.fromisoformat(d) for c, d in dues().items()}
    lora = [d for c, d in due.items() if c.startswith("sample-lora")]
    others = [d for c, d in due.items() if not c.startswith("sample-lora")]
    assert max(lora) < min(others)  # the same answers, a higher retention: sooner
    bad = run("config", "set", "retention", "{lora = 1.5}")
    assert bad.exit_code == 2 and "lora: must be a number from 0.70 to 0.99" in bad.output


def test_card_info_shows_the_coding_checks(isolated_home, monkeypatch):
    """A coding card's `idrill card` lists its exercise checks (issue 20), in text and JSON."""
    from interview_drill.domain.review import from_ms
    from interview_drill.paths import db_path
    from interview_drill.storage.checks import record_check
    from interview_drill.storage.history import Store

    pin_clock(monkeypatch)
    card_id = "code-stable-softmax"
    assert "not checked yet" in run("card", card_id).output
    with Store.open(db_path()) as store:
        record_check(store, card_id, from_ms(1_772_442_000_000), passed=1, total=2, seconds=0.3)
    assert "1/2 tests passed" in run("card", card_id).output
    data = json.loads(run("card", card_id, "--json").output)
    assert [(c["passed"], c["total"]) for c in data["coding_checks"]] == [(1, 2)]
