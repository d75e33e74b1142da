"""The drill loop in plain Python: scripted keys, a pinned clock, a real (temporary) store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from interview_drill.app.loops.drill import Session
from interview_drill.domain.cards import Card
from interview_drill.domain.queue import build_queue, cram_items
from interview_drill.domain.review import Phase, Rating
from interview_drill.domain.schedule import Scheduler
from interview_drill.storage.history import Store

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now


class ScriptedUI:
    """Plays keys; each key press takes `step` seconds of (fake) time."""

    def __init__(self, keys: str | list[str], clock: Clock, step: float = 10):
        self.keys = list(keys)
        self.clock = clock
        self.step = step
        self.shown: list[str] = []
        self.parts: list[tuple[str, str]] = []
        self.notices: list[str] = []
        self.ratings_shown: list[dict] = []
        self.timers: list[tuple] = []

    def key(self) -> str:
        self.clock.now += timedelta(seconds=self.step)
        if not self.keys:
            return ""
        k = self.keys.pop(0)
        if k == "^C":
            raise KeyboardInterrupt
        return k

    def show_card(self, view):
        self.shown.append(view.item.card.id)

    def show_part(self, view, part):
        self.parts.append((view.item.card.id, part))

    def show_ratings(self, view, now):
        self.ratings_shown.append({r: m.due - now for r, m in (view.outcomes or {}).items()})

    def notice(self, text):
        self.notices.append(text)

    def show_help(self, keys):
        self.notices.append("help")

    def show_mock_answer(self, view, seconds, budget, follow_up):
        self.notices.append(f"used {seconds:.0f}s of {budget:.0f}s")

    def show_follow_up(self, view, question):
        self.notices.append(f"follow-up: {question}")

    def read_answer(self, view):
        return self.keys.pop(0) if self.keys else ""

    def pick(self, view, items, chosen):
        return chosen

    def timer(self, seconds, already=0.0):
        import contextlib

        self.timers.append((seconds, already))
        return contextlib.nullcontext()


def cards(n: int) -> list[Card]:
    out = []
    for i in range(n):
        c = Card.model_validate({"id": f"c{i}", "question": f"Q{i}?", "outline": ["o"], "traps": ["t"]})
        c.topic = "t"
        out.append(c)
    return out


def make(keys, n=3, mode="drill", **kw):
    store, clock, sched = Store.memory(), Clock(T0), Scheduler(fuzz=False)
    q = build_queue(cards(n), {}, sched, T0, day_end=T0 + timedelta(hours=19))
    ui = ScriptedUI(keys, clock)
    items = cram_items(q.items) if mode == "cram" else q.items
    session = Session(store, sched, clock, ui, items, mode=mode, later=q.later, **kw)
    return session, store, ui


def ratings(store: Store, kinds=("scheduled", "cram", "mock")):
    return [(r.slug, int(r.rating), r.kind) for r in store.reviews(kinds=kinds)]


def test_reveal_then_rate_each_card_and_save_immediately():
    session, store, ui = make([" ", "3", " ", "4", " ", "2"])
    result = session.run()
    # c2 (Hard: a 5.5-minute learning step) comes back once nothing else is left, as learn-ahead intends
    assert ui.shown == ["c0", "c1", "c2", "c2"]
    assert ratings(store) == [("c0", 3, "scheduled"), ("c1", 4, "scheduled"), ("c2", 2, "scheduled")]
    assert [r.rating for r in result.rated] == [Rating.GOOD, Rating.EASY, Rating.HARD]
    assert result.rated[0].seconds == 20


def test_interval_shown_is_interval_given():
    session, store, ui = make([" ", "4", "q"])
    session.run()
    shown = ui.ratings_shown[0][Rating.EASY]
    row = store.row("c0")
    assert row.memory.due - row.memory.last_review == shown == timedelta(days=8)


def test_thinking_time_is_shown_until_the_answer_is_revealed():
    session, _, ui = make(["n", "t", "3", "q"])
    session.run()
    # one timer for the first key (before the reveal), then none until the next card
    assert ui.timers == [(None, 0.0), (None, 0.0)]


def test_rating_before_reveal_reveals_first():
    session, store, ui = make(["3", "3", "q"])
    session.run()
    assert ui.parts[0] == ("c0", "outline")
    assert "revealed the answer first" in ui.notices[0]
    assert ratings(store) == [("c0", 3, "scheduled")]


def test_part_keys_reveal_parts():
    session, _, ui = make(["t", "n", "f", "a", "q"])
    session.run()
    assert ui.parts == [("c0", "outline"), ("c0", "traps"), ("c0", "numbers"), ("c0", "follow_ups")]


def test_undo_restores_and_shows_the_card_again():
    session, store, ui = make([" ", "1", "u", " ", "3", "q"])
    result = session.run()
    assert ui.shown == ["c0", "c1", "c0", "c1"]
    assert ratings(store) == [("c0", 3, "scheduled")]
    assert [r.rating for r in result.rated] == [Rating.GOOD]
    assert any("undid Again on c0" in n for n in ui.notices)


def test_undo_with_nothing_to_undo_says_so():
    session, store, ui = make(["u", "q"])
    session.run()
    assert "nothing to undo in this session" in ui.notices


def test_learning_cards_come_back_within_the_session():
    session, store, ui = make([" ", "1", " ", "3", " ", "3"], n=1)
    session.clock.now  # noqa: B018
    ui.step = 120  # each key press: two minutes, so the 1-minute step comes due
    session.run()
    assert ui.shown == ["c0", "c0", "c0"]
    assert [r for _, r, _ in ratings(store)] == [1, 3, 3]


def test_bury_skips_until_tomorrow():
    session, store, ui = make(["s", " ", "3", "q"], bury_until=lambda now: now + timedelta(hours=19))
    result = session.run()
    assert result.buried == ["c0"]
    assert store.row("c0").buried_until == T0 + timedelta(seconds=10) + timedelta(hours=19)
    assert ratings(store) == [("c1", 3, "scheduled")]


def test_undo_takes_a_bury_back_then_the_rating_before_it():
    session, store, ui = make([" ", "3", "s", "u", "u", " ", "4", "q"])
    result = session.run()
    assert ui.shown == ["c0", "c1", "c2", "c1", "c0", "c1"]
    assert "undid the bury of c1" in ui.notices and "undid Good on c0" in ui.notices
    assert store.row("c1").buried_until is None
    assert result.buried == []
    assert ratings(store) == [("c0", 4, "scheduled")]


def test_unbury_lifts_only_buried_cards():
    store = Store.memory()
    store.bury("c0", T0 + timedelta(hours=5))
    store.bury("c1", T0 - timedelta(hours=5))  # an old bury, already over
    assert store.buried(T0) == ["c0"]
    assert store.unbury(["c0", "c2"]) == ["c0"]
    assert store.buried(T0) == []


def test_limit_stops_after_n_cards():
    session, store, _ = make([" ", "3", " ", "3", " ", "3"], limit=2)
    session.run()
    assert len(ratings(store)) == 2


def test_minutes_budget_holds_back_new_cards():
    session, store, ui = make([" ", "3", " ", "3"], minutes=0.25)  # 15 s: no new card after the first
    result = session.run()
    assert result.new_stopped
    assert "c1" not in ui.shown and "c2" not in ui.shown
    assert ui.shown == ["c0", "c0"]  # the learning card still comes back


def test_ctrl_c_keeps_given_ratings_and_reports_interrupted():
    session, store, _ = make([" ", "3", " ", "^C"])
    result = session.run()
    assert result.interrupted
    assert ratings(store) == [("c0", 3, "scheduled")]


def test_cram_logs_without_changing_schedules():
    session, store, ui = make([" ", "1", " ", "4", "q"], mode="cram")
    session.run()
    assert ratings(store) == [("c0", 1, "cram"), ("c1", 4, "cram")]
    assert store.row("c0").phase == Phase.NEW
    assert ui.ratings_shown == [{}, {}]  # no intervals offered: nothing is scheduled


@pytest.mark.parametrize("key", ["x", "Z"])
def test_unknown_key_hints_at_help(key):
    session, _, ui = make([key, "?", "q"])
    session.run()
    assert any("press ? for the keys" in n for n in ui.notices) and "help" in ui.notices


def test_undo_of_a_learning_card_on_screen_again_shows_it_once():
    # one card: Again (1-minute step), it comes back, undo: the restored new card is shown once more
    session, store, ui = make([" ", "1", "u", " ", "3", "q"], n=1)
    ui.step = 40
    session.run()
    # first show, its learning step, the restored card after undo, its next step: no stale extra copy
    assert ui.shown == ["c0", "c0", "c0", "c0"]
    assert ratings(store) == [("c0", 3, "scheduled")]


def test_two_undos_in_a_row_leave_one_copy_of_each_card():
    session, store, ui = make([" ", "3", " ", "3", "u", "u", "q"])
    session.run()
    ids = [it.card.id for it in session.pending]
    assert len(ids) == len(set(ids))
    assert ratings(store) == []


def test_mock_reviews_record_the_answering_time_not_the_grading_time():
    from interview_drill.app.loops.mock import MockInterview

    store, clock, sched = Store.memory(), Clock(T0), Scheduler(fuzz=False)
    q = build_queue(cards(2), {}, sched, T0, day_end=T0 + timedelta(hours=19))
    ui = ScriptedUI(["\r", "\r", "3", "4"], clock, step=30)
    result = MockInterview(store, sched, clock, ui, q.items, budget=60).run()
    assert [a.seconds for a in result.answers] == [30, 30]
    durations = [r[0] for r in store.conn.execute("SELECT duration_ms FROM reviews ORDER BY id")]
    assert durations == [30_000, 30_000]


def test_summary_counts_cards_and_ratings_apart():
    from rich.console import Console

    from interview_drill.render.session import render_summary

    session, _, ui = make([" ", "1", " ", "3", " ", "3"], n=1)
    ui.step = 120  # the learning steps come due within the session
    result = session.run()
    assert len(result.rated) == 3
    console = Console(width=80, no_color=True)
    with console.capture() as captured:
        console.print(render_summary(result, due_tomorrow=0, streak=1))
    assert "Session done: 1 card rated (3 ratings)" in captured.get()
