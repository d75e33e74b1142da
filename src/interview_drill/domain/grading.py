"""A model's grade of a typed answer, as pydantic models (the reply schema), and the checks we run on it.

Pure: the model only reads and points (which bullet, which trap, which figure it saw quoted); whether
a quoted figure is right is decided by our numbers checker, never by the model.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from interview_drill.domain.cards import Card
from interview_drill.domain.figures.numbers import check

Verdict = Literal["covered", "partly", "missed"]
SuggestedRating = Literal["again", "hard", "good", "easy"]
RATING_OF = {"again": 1, "hard": 2, "good": 3, "easy": 4}


class _Reply(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class BulletGrade(_Reply):
    bullet: int = Field(description="1-based number of the outline bullet")
    verdict: Verdict
    reason: str = Field(description="one line: why covered, partly or missed")


class TrapHit(_Reply):
    trap: int = Field(description="1-based number of the card's trap the answer fell into")
    reason: str = Field(description="one line: where the answer falls into it")


class FigureQuote(_Reply):
    number: int = Field(description="1-based number of the card's figure the answer quotes")
    quoted: str = Field(description="the figure exactly as the answer wrote it")


class Grade(_Reply):
    """What the model is asked to return for one typed answer."""

    bullets: list[BulletGrade]
    traps: list[TrapHit] = []
    figures: list[FigureQuote] = []
    errors: list[str] = Field(default=[], description="factual errors in the answer, one line each")
    suggested_rating: SuggestedRating

    def problems(self, card: Card) -> list[str]:
        """Why this reply does not fit `card` (numbers out of range, bullets missing); empty if it fits."""
        out = []
        seen = [b.bullet for b in self.bullets]
        if sorted(seen) != list(range(1, len(card.outline) + 1)):
            out.append(f"bullets {seen} instead of each of 1..{len(card.outline)} once")
        out += [f"trap {t.trap} does not exist" for t in self.traps if not 1 <= t.trap <= len(card.traps)]
        out += [
            f"figure {f.number} does not exist"
            for f in self.figures
            if not 1 <= f.number <= len(card.numbers)
        ]
        return out


class FigureCheck(BaseModel):
    model_config = ConfigDict(frozen=True)

    number: int  # 1-based, into card.numbers
    quoted: str
    expected: str
    result: str  # "correct", "close" or "wrong" (domain.figures.numbers.check)


class AnswerGrade(BaseModel):
    """A grade as stored with a review: the reply, our figure checks, and what produced it."""

    model_config = ConfigDict(frozen=True)

    grade: Grade
    figures: list[FigureCheck] = []
    model: str
    prompt_version: str

    @property
    def suggested(self) -> int:
        return RATING_OF[self.grade.suggested_rating]

    @property
    def traps_hit(self) -> list[int]:
        """0-based indices into the card's traps, as the drill's `m` marks them."""
        return sorted({t.trap - 1 for t in self.grade.traps})


def check_figures(card: Card, grade: Grade) -> list[FigureCheck]:
    """Our verdict on each figure the model found quoted in the answer."""
    return [
        FigureCheck(
            number=f.number,
            quoted=f.quoted,
            expected=card.numbers[f.number - 1].figure,
            result=check(f.quoted, card.numbers[f.number - 1].figure),
        )
        for f in grade.figures
    ]
