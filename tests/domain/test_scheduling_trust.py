"""Scheduling a learner can trust (issue 17): study days, ordered and reproducible buttons, long
sessions, a backlog after a break. Simulated through the real CLI with a pinned clock where it can be."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from interview_drill.domain.clock import StudyDays
from interview_drill.domain.review import CardRow, Memory, Phase, Rating
from interview_drill.domain.schedule import Scheduler
from interview_drill.domain.settings import Settings

from ..conftest import SAMPLE_BANK, run

ONE = ["--no-builtin", "--bank", str(SAMPLE_BANK), "--topic", "lora", "--level", "screen"]  # one card
SLUG = "sample-lora-alpha"


def at(day: int, hour: int, minute: int = 0) -> str:
    return (datetime(2026, 3, 2, hour, minute, tzinfo=UTC) + timedelta(days=day)).isoformat()


def card_state(home: Path, slug: str = SLUG) -> tuple:
    conn = sqlite3.connect(home / "history.db")
    try:
        return conn.execute(
            "SELECT phase, stability, difficulty, due, last_review FROM cards WHERE slug = ?", (slug,)
        ).fetchone()
    finally:
        conn.close()


def drill_good(monkeypatch: pytest.MonkeyPatch, when: str, *extra: str, keys: str = "\n3\nq\n") -> str:
    monkeypatch.setenv("IDRILL_NOW", when)
    result = run("drill", *ONE, *extra, input=keys)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IDRILL_TZ", "UTC")
    monkeypatch.setenv("IDRILL_FUZZ", "0")


def graduate(monkeypatch: pytest.MonkeyPatch, hour: int) -> None:
    """Learn the card on day 0 at `hour`: Good, then Good on its 10-minute step (served ahead)."""
    drill_good(monkeypatch, at(0, hour), keys="\n3\n\n3\nq\n")


# ---------------------------------------------------------------- 1. study days


@pytest.mark.parametrize("hour", [21, 22, 5])
def test_the_due_study_day_counts_whole_days_whatever_the_hour(
    utc: None, isolated_home: Path, monkeypatch: pytest.MonkeyPatch, hour: int
):
    """Learnt at 22:00; reviewed on its due study day at 21:00, 22:00 or 05:00: the same review."""
    graduate(monkeypatch, 22)
    phase, _, _, due_ms, _ = card_state(isolated_home)
    assert phase == int(Phase.REVIEW)
    k = (datetime.fromtimestamp(due_ms / 1000, UTC).date() - datetime(2026, 3, 2).date()).days
    assert k >= 1
    drill_good(monkeypatch, at(k, hour))
    phase, stability, *_ = card_state(isolated_home)
    assert phase == int(Phase.REVIEW)
    # Reference: py-fsrs with the same ratings whole 24-hour periods apart (which it counts right).
    t0 = datetime(2026, 3, 2, 22, tzinfo=UTC)
    reference = Scheduler(fuzz=False, tz=UTC).replay(
        [(Rating.GOOD, t0), (Rating.GOOD, t0), (Rating.GOOD, t0 + timedelta(days=k))]
    )
    assert reference is not None and stability == pytest.approx(reference.stability)
    assert stability > 5  # the long-term formula: 21:00 no longer counts as the same day


def test_an_hour_earlier_every_day_still_grows_the_intervals(
    utc: None, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
):
    """The audit's worst case: each review an hour earlier than the last. It used to stay at 1 day."""
    graduate(monkeypatch, 22)
    hour, day, intervals = 22, 0, []
    for _ in range(8):
        due = datetime.fromtimestamp(card_state(isolated_home)[3] / 1000, UTC)
        day = (due.date() - datetime(2026, 3, 2).date()).days
        hour -= 1
        drill_good(monkeypatch, at(day, hour))
        _, stability, _, due_ms, last_ms = card_state(isolated_home)
        intervals.append(round((due_ms - last_ms) / 86_400_000))
    assert intervals == sorted(intervals) and intervals[-1] > 30, intervals
    assert stability > 30


def test_study_days_roll_over_at_the_hour():
    days = StudyDays(4, UTC)
    assert (
        days(datetime(2026, 3, 2, 22, tzinfo=UTC), datetime(2026, 3, 3, 3, tzinfo=UTC)) == 0
    )  # before 04:00
    assert days(datetime(2026, 3, 2, 22, tzinfo=UTC), datetime(2026, 3, 3, 4, tzinfo=UTC)) == 1
    assert days(datetime(2026, 3, 2, 5, tzinfo=UTC), datetime(2026, 3, 3, 4, 59, tzinfo=UTC)) == 1


# ---------------------------------------------------------------- 2 and 3. buttons


def copy_db(source: Path, target: Path) -> None:
    """A consistent copy (what is still in -wal included), replacing the target and its sidecars."""
    for sidecar in ("-wal", "-shm"):
        Path(f"{target}{sidecar}").unlink(missing_ok=True)
    target.unlink(missing_ok=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def review_row(slug: str, stability: float, reps: int, last: datetime) -> CardRow:
    memory = Memory(Phase.REVIEW, 0, stability, 5.0, last + timedelta(days=max(1, round(stability))), last)
    return CardRow(slug, memory, reps=reps)


def test_review_buttons_are_strictly_ordered_over_hundreds_of_fuzzed_previews():
    scheduler = Scheduler(fuzz=True)
    now = datetime(2026, 6, 1, 9, tzinfo=UTC)
    checked = 0
    for i in range(400):
        stability = [0.4, 1.0, 2.5, 6.0, 15.0, 40.0, 120.0, 400.0][i % 8]
        elapsed = [1, 2, 5, 20, 60][i % 5]
        row = review_row(f"card-{i}", stability, reps=3 + i % 11, last=now - timedelta(days=elapsed))
        out = scheduler.preview(row, now)
        days = [(out[r].due - now) / timedelta(days=1) for r in (Rating.HARD, Rating.GOOD, Rating.EASY)]
        assert all(d == int(d) for d in days)
        assert days[0] < days[1] < days[2], (row, days)
        assert out[Rating.AGAIN].due < out[Rating.HARD].due
        checked += 1
    assert checked == 400


def test_the_same_state_shows_the_same_buttons_and_undo_then_rerate_gives_the_same_interval(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    monkeypatch.setenv("IDRILL_TZ", "UTC")
    monkeypatch.setenv("IDRILL_FUZZ", "1")
    graduate(monkeypatch, 9)
    for _ in range(2):  # two reviews: intervals long enough to fuzz
        due = datetime.fromtimestamp(card_state(isolated_home)[3] / 1000, UTC)
        drill_good(monkeypatch, at((due.date() - datetime(2026, 3, 2).date()).days, 9))
    due = datetime.fromtimestamp(card_state(isolated_home)[3] / 1000, UTC)
    when = at((due.date() - datetime(2026, 3, 2).date()).days, 10)
    saved = tmp_path / "saved.db"
    copy_db(isolated_home / "history.db", saved)
    rows = []
    for _ in range(3):
        copy_db(saved, isolated_home / "history.db")
        out = drill_good(monkeypatch, when, keys="\nq\n")
        rows.append([line for line in out.splitlines() if "Good" in line and "Easy" in line])
    assert rows[0] and rows[0] == rows[1] == rows[2]
    drill_good(monkeypatch, when)
    first = card_state(isolated_home)
    assert run("undo", *ONE[:3]).exit_code == 0
    drill_good(monkeypatch, when)
    assert card_state(isolated_home) == first


# ---------------------------------------------------------------- 4. long sessions


def test_a_step_falling_due_mid_session_comes_back_in_that_session():
    """Steps [1, 30]: in a 60-minute session a card due at minute 30 returns (it used to be dropped)."""
    from interview_drill.app.loops.drill import Session
    from interview_drill.domain.cards import Card
    from interview_drill.domain.queue import build_queue
    from interview_drill.storage.history import Store

    from ..app.test_session import Clock, ScriptedUI

    t0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
    cards = [Card(id=f"c{i}", question=f"Question {i}?", outline=["o"]) for i in range(40)]
    scheduler = Scheduler(Settings(learning_steps=(1, 30), new_per_day=40), fuzz=False, tz=UTC)
    store, clock = Store.memory(), Clock(t0)
    queue = build_queue(cards, {}, scheduler, t0, day_end=t0 + timedelta(hours=19))
    # Each card: reveal, rate Good. 30 s a key: ~1.5 min a card, 60 minutes for 40 cards.
    keys = ["\n", "3"] * 200 + ["q"]
    ui = ScriptedUI(keys, clock, step=45)
    Session(store, scheduler, clock, ui, queue.items, later=queue.later, minutes=None,
            bury_until=lambda _: t0 + timedelta(hours=19)).run()  # fmt: skip
    # Good on a new card: its 30-minute step. It comes back mid-session (it used to wait for another
    # session: the list of returning cards was fixed at the start, within 20 minutes), then graduates.
    shown = ui.shown
    assert shown.count("c0") == 2, shown
    second = shown.index("c0", 1)
    assert 0 < second < len(shown) - 1  # back among the others, not only at the very end
    assert (clock.now - t0) >= timedelta(minutes=45)


def test_a_day_long_learning_step_is_due_for_its_whole_study_day():
    from interview_drill.domain.cards import Card
    from interview_drill.domain.queue import build_queue

    t0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
    card = Card(id="c1", question="Question one?", outline=["o"])
    memory = Memory(Phase.LEARNING, 1, 2.0, 5.0, t0 + timedelta(days=1, hours=6), t0)  # a 1440+ min step
    row = CardRow("c1", memory, reps=1)
    scheduler = Scheduler(fuzz=False, tz=UTC)
    next_morning = t0 + timedelta(days=1)
    queue = build_queue(
        [card], {"c1": row}, scheduler, next_morning, day_end=next_morning + timedelta(hours=19)
    )
    assert [it.card.id for it in queue.due] == ["c1"]


def test_due_and_the_drill_agree_on_learn_ahead(
    utc: None, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
):
    drill_good(monkeypatch, at(0, 9))  # Good on a new card: its 10-minute step is pending
    monkeypatch.setenv("IDRILL_NOW", at(0, 9, 1))
    due = json.loads(run("due", *ONE, "--json").output)
    assert due["total"] == 1 and due["cards"][0]["state"] == "learning"
    result = run("drill", *ONE, input="\n3\nq\n")
    assert "1/1" in result.output


# ---------------------------------------------------------------- 5. a backlog after a break


def big_bank(tmp_path: Path, n: int) -> Path:
    body = "".join(
        f"  - id: card-{i:03d}\n    question: Question number {i}?\n    outline: [a point]\n"
        for i in range(n)
    )
    path = tmp_path / "big.yaml"
    path.write_text(f"topic: big\ntitle: Big\ncards:\n{body}", encoding="utf-8")
    return path


@pytest.fixture
def backlog(isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """400 review cards all due after 40 days away, and 100 never-seen cards."""
    from interview_drill.storage.history import Store

    from ..conftest import rate_as_user

    monkeypatch.setenv("IDRILL_TZ", "UTC")
    monkeypatch.setenv("IDRILL_FUZZ", "0")
    isolated_home.mkdir(parents=True, exist_ok=True)
    t0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
    with Store.open(isolated_home / "history.db") as store:
        for i in range(400):
            rate_as_user(store, f"card-{i:03d}", Rating.EASY, t0)
    return ["--no-builtin", "--bank", str(big_bank(tmp_path, 500))]


def test_after_a_break_the_review_limit_stops_new_cards(backlog: list[str], monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("IDRILL_NOW", "2026-02-14T09:00:00+00:00")
    due = json.loads(run("due", *backlog, "--json").output)
    states = [c["state"] for c in due["cards"]]
    assert states.count("review") == 200 and states.count("new") == 0


def test_new_cards_can_ignore_the_review_limit(backlog: list[str], monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("IDRILL_NOW", "2026-02-14T09:00:00+00:00")
    assert run("config", "set", "new_cards_ignore_review_limit", "true").exit_code == 0
    due = json.loads(run("due", *backlog, "--json").output)
    states = [c["state"] for c in due["cards"]]
    assert states.count("review") == 200 and states.count("new") == 10


def dump(home: Path) -> list[tuple]:
    conn = sqlite3.connect(home / "history.db")
    try:
        return conn.execute("SELECT * FROM cards ORDER BY id").fetchall()
    finally:
        conn.close()


def test_postpone_spreads_the_backlog_and_undo_restores_the_rows_exactly(
    backlog: list[str], isolated_home: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("IDRILL_NOW", "2026-02-14T09:00:00+00:00")
    before = dump(isolated_home)
    result = run("postpone", *backlog, "--days", "4")
    assert result.exit_code == 0, result.output
    assert "400 reviews due today; moved 300 cards to later days (100 stay due today)" in result.output
    due = json.loads(run("due", *backlog, "--json").output)
    assert [c["state"] for c in due["cards"]].count("review") == 100
    conn = sqlite3.connect(isolated_home / "history.db")
    assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 400  # no history touched
    conn.close()
    assert run("postpone", *backlog, "--undo").exit_code == 0
    assert dump(isolated_home) == before
    assert "nothing to undo" in run("postpone", *backlog, "--undo").output


def test_postpone_until_recall_keeps_weak_cards_due(backlog: list[str], monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("IDRILL_NOW", "2026-02-14T09:00:00+00:00")
    result = run("postpone", *backlog, "--until-recall", "0.99")
    assert result.exit_code == 0, result.output
    assert "moved 0 cards" in result.output  # 40 days late: every card is below 0.99 already


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give one of --days N or --until-recall R"),
        (["--days", "2", "--until-recall", "0.8"], "give one of"),
        (["--undo", "--days", "2"], "--undo takes no"),
    ],  # fmt: skip
)
def test_postpone_usage_errors(backlog: list[str], args: list[str], message: str):
    result = run("postpone", *backlog, *args)
    assert result.exit_code == 2 and message in result.output
