"""What the AI interviewer asks a model for (pydantic reply schemas) and what it keeps. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from interview_drill.domain.cards import Card

Level = Literal["below", "at", "above"]


class _Reply(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Probe(_Reply):
    from_card: int = Field(
        description="number of the card's follow-up question asked, or 0 for your own probe"
    )
    question: str = Field(description="the question to ask, one or two sentences")


class Probes(_Reply):
    """The interviewer's next questions after an answer."""

    follow_ups: list[Probe] = Field(description="one or two follow-up questions")

    def problems(self, card: Card) -> list[str]:
        out = []
        if not 1 <= len(self.follow_ups) <= 2:
            out.append(f"{len(self.follow_ups)} follow-ups instead of one or two")
        out += [
            f"follow-up {p.from_card} does not exist"
            for p in self.follow_ups
            if not 0 <= p.from_card <= len(card.follow_ups)
        ]
        out += ["a follow-up question is empty" for p in self.follow_ups if not p.question.strip()]
        return out


class Verdict(_Reply):
    """The interviewer's verdict on one question, for the scorecard."""

    strong: str = Field(description="one line: what was strong")
    missing: str = Field(description="one line: what was missing")
    traps: list[int] = Field(default=[], description="numbers of the card's traps fallen into")
    level: Level = Field(description="below, at or above the target level")

    def problems(self, card: Card) -> list[str]:
        return [f"trap {t} does not exist" for t in self.traps if not 1 <= t <= len(card.traps)]


@dataclass
class Exchange:
    """One question of an AI mock: the follow-ups asked and answered, and the verdict."""

    card: Card
    answer: str
    follow_ups: list[tuple[str, str]] = field(default_factory=list)  # (question, typed answer)
    verdict: Verdict | None = None
