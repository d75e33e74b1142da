"""`idrill plan`: the interview date drives the queue (issue 18's acceptance test, through the CLI).

A scripted learner follows the queue every day for 14 days with a pinned clock: it rates Good, and
Again on every twentieth card it sees. With a plan for 150 new cards at recall 0.95, every card is
introduced and nearly all are predicted at or above 0.95 on the day; without one, 10 new cards a
day introduce 140 and many cards stay below 0.95.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from ..conftest import pin_clock, run

START = date(2026, 3, 2)
INTERVIEW = START + timedelta(days=14)
TOPICS = ("alpha", "beta", "gamma", "delta", "epsilon")


def make_bank(folder: Path, per_topic: int = 30) -> Path:
    folder.mkdir()
    for topic in TOPICS:
        lines = [f"topic: {topic}", f"title: Topic {topic}", "cards:"]
        for i in range(per_topic):
            lines += [
                f"  - id: {topic}-{i:02d}",
                f"    question: What is fact {i} of {topic}?",
                "    outline:",
                f'      - "Fact {i} of {topic}."',
            ]
        (folder / f"{topic}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def at(day: date, hour: int = 9) -> str:
    return datetime(day.year, day.month, day.day, hour).isoformat() + "+00:00"


class Learner:
    """Reveals each card and rates it Good, or Again on every twentieth card it sees."""

    def __init__(self) -> None:
        self.seen = 0

    def keys(self, n: int = 800) -> str:
        out = []
        for k in range(self.seen, self.seen + n):
            out += ["space", "1" if k % 20 == 19 else "3"]
        return "\n".join(out) + "\n"

    def drill(self, bank: list[str]) -> int:
        result = run("drill", *bank, input=self.keys())
        assert result.exit_code == 0, result.output
        done = sum(1 for line in result.output.splitlines() if "Session done" in line)
        rated = db_count_today_marker(result.output)
        self.seen += rated
        assert done == 1 or rated == 0
        return rated


def db_count_today_marker(output: str) -> int:
    for line in output.splitlines():
        if "Session done:" in line:
            return int(line.split("Session done:")[1].split()[0])
    return 0


def reviews_per_day(home: Path) -> dict[str, int]:
    conn = sqlite3.connect(home / "history.db")
    try:
        rows = conn.execute(
            "SELECT date(reviewed_at / 1000, 'unixepoch'), count(*) FROM reviews GROUP BY 1"
        ).fetchall()
        return dict(rows)
    finally:
        conn.close()


def introduced(home: Path) -> int:
    conn = sqlite3.connect(home / "history.db")
    try:
        return conn.execute("SELECT count(DISTINCT card_id) FROM reviews").fetchone()[0]
    finally:
        conn.close()


def follow_for_two_weeks(monkeypatch: pytest.MonkeyPatch, bank: list[str]) -> None:
    learner = Learner()
    for k in range(14):
        pin_clock(monkeypatch, at(START + timedelta(days=k)))
        learner.drill(bank)


def predicted_on_the_day(monkeypatch: pytest.MonkeyPatch, bank: list[str], *extra: str) -> dict:
    """The plan's figures right after the last session (the day before the interview)."""
    pin_clock(monkeypatch, at(INTERVIEW - timedelta(days=1), 10))
    result = run("plan", *bank, *extra, "--json")
    assert result.exit_code == 0, result.output
    [plan] = json.loads(result.output)["plans"]
    return plan


def test_a_plan_introduces_every_card_and_lifts_recall_on_the_day(monkeypatch, tmp_path, isolated_home):
    bank = ["--no-builtin", "--bank", str(make_bank(tmp_path / "bank"))]
    pin_clock(monkeypatch, at(START))
    made = run("plan", *bank, "--date", INTERVIEW.isoformat(), "--recall", "0.95", "--json")
    assert made.exit_code == 0, made.output
    [printed] = json.loads(made.output)["plans"]
    assert (printed["cards"], printed["new"], printed["days_left"]) == (150, 150, 14)
    assert printed["predicted_recall"]["nothing"] == 0
    assert printed["below_target"]["follow"] <= 150 * 0.08
    assert sum(d["new"] for d in printed["per_day"]) == 150
    assert max(d["new"] for d in printed["per_day"]) > 10  # more than the daily new limit

    follow_for_two_weeks(monkeypatch, bank)

    assert introduced(isolated_home) == 150
    after = predicted_on_the_day(monkeypatch, bank)
    assert after["new"] == 0
    # Nearly all at or above 0.95 on the day: the few below are cards the learner forgot in the
    # last days (one Again in twenty), whose stability after relearning is a day or two.
    assert after["below_target"]["nothing"] <= 150 * 0.08
    assert after["predicted_recall"]["nothing"] >= 0.95
    # Daily reviews close to what the plan printed. The plan's learner forgets as FSRS predicts and
    # takes learning steps ten minutes apart; this one forgets one card in twenty at a pinned
    # instant, so single cards move a day either way: compare each day loosely and the running
    # totals tightly.
    actual = reviews_per_day(isolated_home)
    planned = {d["date"]: d["reviews"] for d in printed["per_day"]}
    assert sorted(actual) == sorted(planned)
    done = expected = 0
    for day in sorted(planned):
        assert abs(actual[day] - planned[day]) <= max(10, 0.4 * planned[day]), (
            day,
            actual[day],
            planned[day],
        )
        done, expected = done + actual[day], expected + planned[day]
        assert abs(done - expected) <= 0.15 * expected, (day, done, expected)
    assert abs(done - expected) <= 0.1 * expected


def test_without_a_plan_the_same_learner_falls_short(monkeypatch, tmp_path, isolated_home):
    bank = ["--no-builtin", "--bank", str(make_bank(tmp_path / "bank"))]
    follow_for_two_weeks(monkeypatch, bank)
    assert introduced(isolated_home) == 140
    pin_clock(monkeypatch, at(INTERVIEW - timedelta(days=1), 10))
    made = run("plan", *bank, "--date", INTERVIEW.isoformat(), "--recall", "0.95", "--json")
    [plan] = json.loads(made.output)["plans"]
    below = plan["below_target"]["nothing"]
    assert 0.4 * 150 <= below <= 0.75 * 150, below  # about half the cards below 0.95 on the day


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "20-12-2026"], "--date: `20-12-2026` is not a date; use YYYY-MM-DD"),
        (["--date", "2026-03-01"], "the interview date 2026-03-01 must be after today (2026-03-02)"),
        (["--date", "2026-03-20", "--recall", "1.5"], "must be from 0.70 to 0.99 (got 1.5)"),
        (["--date", "2026-03-20", "--target", "seniour"], "unknown level `seniour`"),
        (["--date", "2026-03-20", "--topic", "nope"], "unknown topic `nope`"),
        (["--clear"], "there is no plan to clear"),
        (["--recall", "0.9"], "--recall and --target go with --date"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(pinned, sample_args, args, message):
    result = run("plan", *sample_args, *args)
    assert result.exit_code != 0
    assert message in result.output
    assert "No active plan" in run("plan", *sample_args).output


def test_plans_are_named_listed_and_cleared(pinned, sample_args):
    assert "saved plan 2026-03-20" in run("plan", *sample_args, "--date", "2026-03-20").output
    made = run("plan", *sample_args, "--date", "2026-04-01", "--name", "acme", "--topic", "lora")
    assert "saved plan acme" in made.output and "topic lora" in made.output
    shown = run("plan", *sample_args).output
    assert "Plan 2026-03-20: interview on Fri 20 Mar 2026 (in 18 days)" in shown
    assert "Plan acme" in shown and "Reviews per day" in shown
    two = run("plan", *sample_args, "--clear")
    assert two.exit_code == 2 and "there are 2 plans (2026-03-20, acme); name the one to clear" in two.output
    assert "removed plan acme" in run("plan", *sample_args, "--clear", "--name", "acme").output
    data = json.loads(run("plan", *sample_args, "--json").output)
    assert [p["name"] for p in data["plans"]] == ["2026-03-20"]
    assert (
        "replaced plan 2026-03-20"
        in run("plan", *sample_args, "--date", "2026-03-20", "--recall", "0.95").output
    )


def test_ready_and_the_html_report_show_the_plan(monkeypatch, tmp_path, sample_args):
    pin_clock(monkeypatch, at(START))
    run("plan", *sample_args, "--date", INTERVIEW.isoformat(), "--recall", "0.95")
    run("drill", *sample_args, input="space\n3\n" * 20)
    today = run("ready", "--target", "staff", *sample_args).output
    assert f"Plan {INTERVIEW.isoformat()}: Mon 16 Mar (14 days left) — on track" in today
    assert "predicted recall on the day" in today and "  lora " in today and "  eval " in today
    out = tmp_path / "report.html"
    assert run("report", *sample_args, "--format", "html", "--out", str(out)).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert '<section id="plan"><h2>Interview plan</h2>' in page and "(14 days left) — on track" in page
    assert page.rstrip().endswith("</body></html>")
    pin_clock(monkeypatch, at(START + timedelta(days=9)))  # nine days without a session
    later = run("ready", "--target", "staff", *sample_args).output
    assert "(5 days left) — behind" in later and "overdue" in later
