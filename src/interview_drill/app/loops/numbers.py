"""The numbers quiz as plain Python: figures drawn from the cards, each asked by what it is about;
the typed figure is checked (`domain.figures.numbers.check`) and every answer given is stored
before the next question. Knows nothing about terminals: the CLI passes a `QuizInteraction`.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from interview_drill.domain.cards import Card, Number
from interview_drill.domain.clock import Clock
from interview_drill.domain.figures.numbers import check
from interview_drill.storage.history import Store

STOP = ("q", "quit")


@dataclass(frozen=True)
class FigureQuestion:
    """One figure to recall: `card.numbers[index]`, the `position`-th of `total` questions."""

    card: Card
    index: int
    position: int
    total: int

    @property
    def number(self) -> Number:
        return self.card.numbers[self.index]


class QuizInteraction(Protocol):
    """Drawing and reading for the numbers quiz."""

    def ask_figure(self, question: FigureQuestion) -> str:
        """Show what the figure is about and read the typed figure; EOFError ends the quiz."""
        ...

    def show_verdict(self, question: FigureQuestion, verdict: str) -> None: ...


@dataclass
class QuizResult:
    verdicts: list[str] = field(default_factory=list)  # "correct", "close", "wrong" or "skipped"
    interrupted: bool = False  # Ctrl-C


def pick_figures(cards: Iterable[Card], count: int, rng: random.Random) -> list[FigureQuestion]:
    """Up to `count` figures drawn at random from every figure on these cards (none: an empty list)."""
    pool = [(card, i) for card in cards for i in range(len(card.numbers))]
    asked = rng.sample(pool, k=min(count, len(pool)))
    return [FigureQuestion(card, i, n, len(asked)) for n, (card, i) in enumerate(asked, 1)]


class NumbersQuiz:
    """Asks each question in turn; `q` (or end of input) stops early, an empty answer skips."""

    def __init__(self, store: Store, clock: Clock, ui: QuizInteraction, questions: list[FigureQuestion]):
        self.store, self.clock, self.ui = store, clock, ui
        self.questions = questions

    def run(self) -> QuizResult:
        result = QuizResult()
        try:
            for question in self.questions:
                answer = self.ui.ask_figure(question).strip()
                if answer.lower() in STOP:
                    break
                verdict = check(answer, question.number.figure) if answer else "skipped"
                if answer:
                    self.store.record_number_answer(
                        question.card.id, question.index, answer, verdict == "correct", self.clock()
                    )
                result.verdicts.append(verdict)
                self.ui.show_verdict(question, verdict)
        except EOFError:  # Ctrl-D: the quiz ends here
            pass
        except KeyboardInterrupt:
            result.interrupted = True
        return result
