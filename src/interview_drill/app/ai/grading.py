"""`g` in the drill: a model grades the typed answer against the card; the grade is shown, then
stored with the review the user rates (the user still decides the rating).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from interview_drill.app.ai.client import AIError, Client
from interview_drill.app.ai.prompts import GRADE_VERSION, SYSTEM, grade_prompt
from interview_drill.domain.cards import Card
from interview_drill.domain.settings import Settings
from interview_drill.errors import Words, meaning, spell
from interview_drill.storage import grades
from interview_drill.storage.history import Store

if TYPE_CHECKING:  # the grade models (pydantic, rapidfuzz) load on the first `g`, not at drill start
    from interview_drill.domain.grading import AnswerGrade


@dataclass(frozen=True)
class Outcome:
    grade: AnswerGrade | None = None
    message: str | None = None  # one line when there is no grade: self-grade instead


class Grader:
    """Grades typed answers with one `Client`; never raises for a model problem, it reports it."""

    def __init__(self, client: Client, *, words: Words = meaning) -> None:
        self.client = client
        self.words = words

    def grade(self, card: Card, answer: str) -> Outcome:
        from interview_drill.domain.grading import AnswerGrade, Grade, check_figures

        try:
            reply = self.client.ask(
                grade_prompt(card, answer), Grade, system=SYSTEM, fits=lambda g: g.problems(card)
            )
        except AIError as exc:
            return Outcome(message=spell(exc.parts, self.words) + " — grade it yourself (1-4)")
        return Outcome(
            AnswerGrade(
                grade=reply,
                figures=check_figures(card, reply),
                model=self.client.model_id,
                prompt_version=GRADE_VERSION,
            )
        )

    @staticmethod
    def save(store: Store, review_id: int, grade: AnswerGrade) -> None:
        grades.save(store, review_id, grade.model, grade.prompt_version, grade.model_dump_json())


def grader_for(settings: Settings, *, words: Words = meaning) -> Grader:
    """The session's grader: the model named in the settings, resolved only when `g` is first pressed."""
    return Grader(Client(settings.ai_model, max_calls=settings.ai_max_calls), words=words)


def past_grades(store: Store, slug: str) -> dict[datetime, AnswerGrade]:
    """The card's stored grades by review time (for `answers`); an unreadable one is left out."""
    from interview_drill.domain.grading import AnswerGrade

    out = {}
    for at, text in grades.for_card(store, slug):
        try:
            out[at] = AnswerGrade.model_validate_json(text)
        except ValueError:
            continue  # written by a later version with another shape: not shown, not fatal
    return out
