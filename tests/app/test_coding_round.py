"""The drill's `c` key in plain Python: edit, check, the suggested rating pre-selected, the check
stored with the review (and unlinked by undo); and the history of checks."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from interview_drill.app.exercises import Exercise, start_attempt
from interview_drill.app.loops.coding import CodingRound
from interview_drill.app.loops.drill import Session
from interview_drill.app.rate import undo_last
from interview_drill.domain.cards import Card
from interview_drill.domain.figures.coding import LastCheck, coding_figures
from interview_drill.domain.queue import build_queue
from interview_drill.domain.review import Rating
from interview_drill.domain.schedule import Scheduler
from interview_drill.storage.checks import checks_of, last_checks, record_check
from interview_drill.storage.history import Store

from ..app.test_session import T0, Clock, ScriptedUI, ratings
from ..conftest import REPO

SOFTMAX = REPO / "questions" / "exercises" / "code-stable-softmax"  # a built-in exercise
NAIVE = (  # passes the easy tests, fails the large-logit and masking ones: Hard
    "import numpy as np\n"
    "def softmax(x, axis=-1):\n    e = np.exp(x)\n    return e / e.sum(axis=axis, keepdims=True)\n"
    "def log_softmax(x, axis=-1):\n    return np.log(softmax(x, axis))\n"
)


class CodingUI(ScriptedUI):
    def __init__(self, keys, clock):
        super().__init__(keys, clock)
        self.checks: list[tuple[str, int, int]] = []
        self.suggested: list[Rating | None] = []
        self.notes: dict[str, list[str]] = {}

    def show_card(self, view):
        super().show_card(view)
        self.notes[view.item.card.id] = list(view.notes)

    def show_check(self, view, result):
        self.checks.append((view.item.card.id, result.passed, result.total))
        self.suggested.append(view.coded.suggested)


def coding_card() -> Card:
    card = Card.model_validate(
        {"id": "softmax", "question": "Write it?", "outline": ["max"], "kind": "coding", "exercise": "x"}
    )
    card.topic = "coding"
    return card


def plain_card() -> Card:
    card = Card.model_validate({"id": "plain", "question": "Explain it?", "outline": ["o"]})
    card.topic = "t"
    return card


def drill(tmp_path: Path, keys: list[str], writes: list[str | None]):
    """A session over the coding card then a plain one; each `c` "edits" the attempt with the next text
    of `writes` (None: the user backs out before the check)."""
    store, clock, sched = Store.memory(), Clock(T0), Scheduler(fuzz=False)
    q = build_queue([coding_card(), plain_card()], {}, sched, T0, day_end=T0 + timedelta(hours=19))
    ui = CodingUI(keys, clock)
    edits = list(writes)

    def edit(path: Path) -> bool:
        text = edits.pop(0)
        if text is None:
            return False
        path.write_text(text, encoding="utf-8")
        return True

    coding = CodingRound(
        store, {"softmax": SOFTMAX}, clock, edit, attempt_for=lambda cid: tmp_path / "code" / f"{cid}.py"
    )
    return Session(store, sched, clock, ui, q.items, later=q.later, coding=coding), store, ui


def test_c_checks_the_attempt_and_enter_takes_the_suggested_rating(tmp_path: Path):
    session, store, ui = drill(tmp_path, ["c", "\r", "q"], [NAIVE])
    session.run()
    ((card, passed, total),) = ui.checks
    assert card == "softmax" and 0 < passed < total
    assert ui.suggested[-1] == Rating.HARD  # shown with the ratings, for the user to confirm
    assert ratings(store) == [("softmax", int(Rating.HARD), "scheduled")]
    ((check, review_id),) = checks_of(store, "softmax")
    assert (check.passed, check.total) == (passed, total) and review_id is not None
    assert review_id == store.latest_review().review_id
    assert ui.notes == {"softmax": ["runnable: press c to write the code and run its tests"], "plain": []}


def test_the_user_overrides_the_suggestion_with_a_digit(tmp_path: Path):
    reference = (SOFTMAX / "solution.py").read_text(encoding="utf-8")
    session, store, ui = drill(tmp_path, ["c", "4", "q"], [reference])
    session.run()
    assert ui.suggested[-1] == Rating.GOOD
    assert ratings(store) == [("softmax", int(Rating.EASY), "scheduled")]


def test_checking_again_replaces_the_suggestion_and_only_the_rated_check_is_linked(tmp_path: Path):
    reference = (SOFTMAX / "solution.py").read_text(encoding="utf-8")
    session, store, ui = drill(tmp_path, ["c", "c", "\r", "q"], ["x = (\n", reference])
    session.run()
    assert ui.suggested == [Rating.AGAIN, Rating.GOOD]
    assert len(ui.ratings_shown) == 1  # the answer and the ratings are shown once, with the first check
    assert ratings(store) == [("softmax", int(Rating.GOOD), "scheduled")]
    (first, first_link), (second, second_link) = checks_of(store, "softmax")
    assert first.error == "syntax error at line 1: '(' was never closed" and first_link is None
    assert second.all_passed and second_link is not None


def test_backing_out_of_the_edit_runs_no_check_and_keeps_the_card(tmp_path: Path):
    session, store, ui = drill(tmp_path, ["c", "q"], [None])
    session.run()
    assert ui.checks == [] and checks_of(store, "softmax") == []
    assert "no check run" in ui.notices[-1]
    assert (tmp_path / "code" / "softmax.py").read_text() == (SOFTMAX / "stub.py").read_text()  # the stub


def test_an_attempt_that_cannot_be_written_is_a_notice_not_a_crash(tmp_path: Path):
    (tmp_path / "code").write_text("a file where the folder should be")
    session, store, ui = drill(tmp_path, ["c", " ", "3", "q"], [])
    session.run()
    assert ui.notices[0].startswith("cannot check the code: ")
    assert ratings(store)[0] == ("softmax", 3, "scheduled")  # the drill went on


def test_c_on_a_card_without_an_exercise_says_so(tmp_path: Path):
    session, store, ui = drill(tmp_path, [" ", "3", "c", "q"], [])
    session.run()
    assert ui.shown[:2] == ["softmax", "plain"]
    assert ui.notices[-1] == "this card has no runnable exercise"


def test_enter_without_a_check_still_only_reveals(tmp_path: Path):
    session, store, ui = drill(tmp_path, ["\r", "\r", "q"], [])
    session.run()
    assert ratings(store) == []  # enter is "rate as suggested" only after a check


def test_undoing_the_rating_keeps_the_check_but_unlinks_it(tmp_path: Path):
    session, store, ui = drill(tmp_path, ["c", "\r", "q"], [NAIVE])
    session.run()
    undo_last(store)
    ((check, review_id),) = checks_of(store, "softmax")
    assert review_id is None and check.total > 0


# ---------------------------------------------------------------- the stored history of checks


def test_last_checks_keeps_the_newest_per_card_and_figures_count_passing_exercises():
    store = Store.memory()
    record_check(store, "a", T0, passed=2, total=5, seconds=0.5)
    record_check(store, "a", T0 + timedelta(hours=1), passed=5, total=5, seconds=0.4)
    record_check(store, "b", T0, passed=0, total=0, seconds=0.1, error="syntax error at line 1: x")
    record_check(store, "old-c", T0, passed=3, total=3, seconds=0.1)  # made under a former id
    last = last_checks(store)
    assert (last["a"].passed, last["a"].all_passed, last["b"].all_passed) == (5, True, False)

    def card(cid: str, exercise: str | None, aliases: list[str] | None = None) -> Card:
        kind = "coding" if exercise else "conceptual"
        data = {"id": cid, "question": "Q?", "outline": ["o"], "kind": kind, "aliases": aliases or []}
        return Card.model_validate(data | ({"exercise": exercise} if exercise else {}))

    cards = [card("a", "a"), card("b", "b"), card("c", "c", ["old-c"]), card("d", "d"), card("e", None)]
    figures = coding_figures(cards, last)
    assert figures is not None
    assert (figures.exercises, figures.tried, figures.passing) == (4, 3, 2)
    assert coding_figures([cards[-1]], last) is None


@pytest.mark.parametrize(
    ("passed", "total", "error", "all_passed"),
    [(3, 3, None, True), (2, 3, None, False), (0, 0, None, False), (3, 3, "stopped after 20 s", False)],
)
def test_a_check_passes_only_when_every_test_ran_and_passed(passed, total, error, all_passed):
    assert LastCheck("x", T0, passed, total, error).all_passed is all_passed


def test_start_attempt_never_overwrites_unless_asked(tmp_path: Path):
    exercise = Exercise("softmax", SOFTMAX)
    attempt = tmp_path / "deep" / "softmax.py"
    assert start_attempt(exercise, attempt)
    attempt.write_text("mine\n")
    assert not start_attempt(exercise, attempt)
    assert attempt.read_text() == "mine\n"
    assert start_attempt(exercise, attempt, over=True)
    assert attempt.read_text() == (SOFTMAX / "stub.py").read_text()
