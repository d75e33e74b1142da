"""The numbers quiz loop in plain Python: scripted answers, a pinned clock, a real (in-memory) store."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from interview_drill.app.loops.numbers import FigureQuestion, NumbersQuiz, pick_figures
from interview_drill.domain.cards import Card
from interview_drill.storage.history import Store

from .test_session import T0, Clock


class ScriptedQuiz:
    """Types the scripted answers (`^D` ends input, `^C` interrupts); each answer takes a minute."""

    def __init__(self, answers: list[str], clock: Clock):
        self.answers = list(answers)
        self.clock = clock
        self.asked: list[tuple[int, int, str]] = []  # (position, total, about)
        self.verdicts: list[tuple[str, str]] = []  # (verdict, the card's figure)

    def ask_figure(self, question: FigureQuestion) -> str:
        self.asked.append((question.position, question.total, question.number.about))
        self.clock.now += timedelta(minutes=1)
        answer = self.answers.pop(0)
        if answer == "^D":
            raise EOFError
        if answer == "^C":
            raise KeyboardInterrupt
        return answer

    def show_verdict(self, question: FigureQuestion, verdict: str) -> None:
        self.verdicts.append((verdict, question.number.figure))


def card(cid: str, *figures: tuple[str, str]) -> Card:
    c = Card.model_validate(
        {
            "id": cid,
            "question": "q?",
            "outline": ["o"],
            "numbers": [{"figure": f, "about": a} for f, a in figures],
        }
    )
    c.topic = "t"
    return c


LORA = card("lora", ("r = 8–64", "typical LoRA rank"), ("2e-5", "LoRA learning rate"))
ADAM = card("adam", ("30%", "memory saved by 8-bit AdamW states"))
PLAIN = card("plain")


def quiz(answers: list[str]) -> tuple[NumbersQuiz, ScriptedQuiz, Store]:
    store, clock = Store.memory(), Clock(T0)
    questions = [FigureQuestion(LORA, 0, 1, 3), FigureQuestion(LORA, 1, 2, 3), FigureQuestion(ADAM, 0, 3, 3)]
    ui = ScriptedQuiz(answers, clock)
    return NumbersQuiz(store, clock, ui, questions), ui, store


def stored(store: Store) -> list[tuple]:
    from interview_drill.storage.transfer import _number_answers

    return _number_answers(store.conn)


def ms(minutes: int) -> int:
    return round((T0 + timedelta(minutes=minutes)).timestamp() * 1000)


def test_each_answer_is_checked_shown_and_stored_at_once():
    loop, ui, store = quiz(["16", "3e-5", "25%"])
    result = loop.run()
    assert ui.asked == [
        (1, 3, "typical LoRA rank"),
        (2, 3, "LoRA learning rate"),
        (3, 3, "memory saved by 8-bit AdamW states"),
    ]
    assert result.verdicts == ["correct", "wrong", "close"]
    assert ui.verdicts == [("correct", "r = 8–64"), ("wrong", "2e-5"), ("close", "30%")]
    assert stored(store) == [
        ("lora", 0, "16", 1, ms(1)),
        ("lora", 1, "3e-5", 0, ms(2)),
        ("adam", 0, "25%", 0, ms(3)),  # close is not correct
    ]
    assert not result.interrupted


def test_an_empty_answer_is_skipped_and_not_stored():
    loop, ui, store = quiz(["", "2e-5", "  "])
    result = loop.run()
    assert result.verdicts == ["skipped", "correct", "skipped"]
    assert [v for v, _ in ui.verdicts] == ["skipped", "correct", "skipped"]
    assert stored(store) == [("lora", 1, "2e-5", 1, ms(2))]


@pytest.mark.parametrize(
    ("answers", "interrupted"),
    [(["16", "q"], False), (["16", "QUIT"], False), (["16", "^D"], False), (["16", "^C"], True)],
)
def test_stopping_early_keeps_the_answers_given(answers, interrupted):
    loop, ui, store = quiz(answers)
    result = loop.run()
    assert result.verdicts == ["correct"]
    assert result.interrupted is interrupted
    assert len(ui.asked) == 2
    assert stored(store) == [("lora", 0, "16", 1, ms(1))]


def test_pick_figures_draws_from_every_figure_and_numbers_the_questions():
    picked = pick_figures([LORA, PLAIN, ADAM], 2, random.Random(3))
    assert [(q.position, q.total) for q in picked] == [(1, 2), (2, 2)]
    assert len({(q.card.id, q.index) for q in picked}) == 2
    everything = pick_figures([LORA, PLAIN, ADAM], 10, random.Random(3))
    assert sorted((q.card.id, q.index) for q in everything) == [("adam", 0), ("lora", 0), ("lora", 1)]
    assert pick_figures([PLAIN], 5, random.Random(3)) == []
