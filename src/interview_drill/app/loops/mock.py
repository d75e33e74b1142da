"""The mock interview as plain Python: every question asked first, timed against a budget (aloud or
typed, with an optional follow-up), then each answer revealed and graded. Grades are `mock` reviews,
recorded through the drill's rating path with the answering time, not the grading time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from interview_drill.app.loops.drill import Session
from interview_drill.app.loops.interaction import View
from interview_drill.domain.cards import Card, FollowUp
from interview_drill.domain.queue import QueueItem
from interview_drill.domain.review import Rating


@dataclass
class MockAnswer:
    item: QueueItem
    seconds: float
    over_budget: bool
    answer: str | None
    follow_up: str | None = None
    rating: Rating | None = None
    traps_hit: list[int] = field(default_factory=list)


@dataclass
class MockResult:
    answers: list[MockAnswer] = field(default_factory=list)
    budget: float = 180
    started: datetime | None = None
    ended: datetime | None = None
    interrupted: bool = False


class MockInterview(Session):
    """Ask every question first, timed; then reveal and grade each one. Grades are `mock` reviews."""

    def __init__(
        self,
        *args: Any,
        budget: float = 180,
        follow_ups: bool = False,
        pick_follow_up: Callable[[Card], FollowUp | None] | None = None,
        **kw: Any,
    ):
        super().__init__(*args, mode="mock", **kw)
        self.budget = budget
        self.follow_ups = follow_ups
        self.pick_follow_up = pick_follow_up or (lambda card: card.follow_ups[0] if card.follow_ups else None)
        self.mock = MockResult(budget=budget)

    def run(self) -> MockResult:  # type: ignore[override]
        now = self.clock()
        self.mock.started = self.result.started = now
        self.session_id = self.store.start_session("mock", now)
        try:
            self._ask_all()
            self._grade_all()
        except KeyboardInterrupt:
            self.mock.interrupted = True
        finally:
            self.mock.ended = self.result.ended = self.clock()
            self.store.end_session(self.session_id, self.mock.ended)
        return self.mock

    def _ask_all(self) -> None:
        total = len(self.pending)
        for number, item in enumerate(self.pending, 1):
            view = View(item, number, total, self.clock(), "mock", budget=self.budget)
            self.ui.show_card(view)
            stop, typed = False, self.write
            if not typed:
                with self.ui.timer(self.budget):  # the countdown line must stop before any typing
                    while True:
                        key = self.ui.key()
                        if key in ("", "q"):
                            stop = True  # end early: grade what was answered so far
                            break
                        if key == "w":
                            typed = True
                            break
                        if key in (" ", "\r", "\n"):
                            break
                        self.ui.notice("answer aloud, then press enter (or w to type your answer)")
            if stop:
                return
            if typed:
                self._write(view)
            used = (self.clock() - view.started).total_seconds()
            follow = self._follow_up(view)
            self.mock.answers.append(MockAnswer(item, used, used > self.budget, view.answer, follow))

    def _follow_up(self, view: View) -> str | None:
        """The follow-up asked after an answer (the AI interviewer asks its own: app/ai/interviewer.py)."""
        if not self.follow_ups or (fu := self.pick_follow_up(view.item.card)) is None:
            return None
        self.ui.show_follow_up(view, fu.question)
        while self.ui.key() not in (" ", "\r", "\n", "", "q"):
            pass
        return fu.question

    def _grade_all(self) -> None:
        total = len(self.mock.answers)
        if not total:
            return
        self.ui.notice("Time to grade: each answer is revealed in turn. Rate it 1-4 (m: traps you fell for).")
        for number, entry in enumerate(self.mock.answers, 1):
            view = View(
                entry.item, number, total, self.clock(), "mock", answer=entry.answer, spent=entry.seconds
            )
            view.revealed_at = view.started
            self.ui.show_card(view)
            self.ui.show_mock_answer(view, entry.seconds, self.budget, entry.follow_up)
            self._reveal(view, ["outline", "numbers", "traps"])
            while True:
                key = self.ui.key()
                if key in ("", "q"):
                    return
                if key == "m":
                    self._mark_traps(view)
                elif key == "f":
                    self._reveal(view, ["follow_ups"])
                elif key in "1234" and len(key) == 1:
                    self._rate(view, Rating(int(key)))
                    entry.rating = Rating(int(key))
                    entry.traps_hit = view.traps_hit or []
                    break
                else:
                    self.ui.notice("rate 1-4, m: traps you fell for, f: follow-ups, q: stop grading")
