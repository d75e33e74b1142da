"""The card model: what one question-bank card is. Pure pydantic, no I/O."""

from __future__ import annotations

import hashlib
import json
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

SENIORITIES = ("screen", "mid", "senior", "staff")
FREQUENCIES = ("very-common", "common", "occasional")
KINDS = ("conceptual", "scenario", "design", "debugging", "coding")
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"

Seniority = Literal["screen", "mid", "senior", "staff"]
Frequency = Literal["very-common", "common", "occasional"]
Kind = Literal["conceptual", "scenario", "design", "debugging", "coding"]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]

# Field names, in the order they are written in a card, for messages and --json output.
CARD_FIELDS = (
    "id", "question", "outline", "numbers", "follow_ups", "traps", "seniority",
    "frequency", "kind", "exercise", "tags", "related", "aliases", "source",
)  # fmt: skip


def seniority_rank(level: str) -> int:
    return SENIORITIES.index(level)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Number(_Strict):
    """A figure worth dropping in an interview, and what it refers to."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True, defer_build=True)

    figure: Text
    about: Text


class FollowUp(_Strict):
    """A question an interviewer asks next, with a short answer where it is not obvious."""

    question: Text
    answer: str = ""


class Card(BaseModel):
    """One interview question with everything needed to drill it."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    id: Slug
    question: Text
    outline: Annotated[list[Text], Field(min_length=1)]
    numbers: list[Number] = []
    follow_ups: list[FollowUp] = []
    traps: list[Text] = []
    seniority: Seniority = "mid"
    frequency: Frequency = "common"
    kind: Kind = "conceptual"
    # A `coding` card's runnable exercise: the folder `exercises/<name>/` beside the bank file (the
    # loader checks it is there and complete). Not part of the content hash: it is not card text.
    exercise: Slug | None = None
    tags: list[Slug] = []
    related: list[Slug] = []
    aliases: list[Slug] = []
    source: str = ""
    # Set by the loader from the file the card is in, never written per card.
    topic: str = Field(default="", exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _no_topic_per_card(cls, data: Any) -> Any:
        if isinstance(data, dict) and "topic" in data:
            raise ValueError("`topic` is set once at the top of the file, not per card")
        return data

    @field_validator("follow_ups", mode="before")
    @classmethod
    def _plain_follow_ups(cls, value: Any) -> Any:
        # A follow-up may be written as a bare question string.
        if isinstance(value, list):
            return [{"question": v} if isinstance(v, str) else v for v in value]
        return value

    @cached_property
    def content_hash(self) -> str:
        """A short hash of the card's text, to notice edits without losing history.

        The hash of the JSON of `model_dump(include=TEXT)`, built here from the fields themselves:
        a drill hashes the card it rates, and pydantic's serializer for cards would be built (~20 ms,
        with its plugin lookup) just for that. tests/domain/test_models.py checks both agree.
        """
        text = {
            "question": self.question,
            "outline": list(self.outline),
            "numbers": [{"figure": n.figure, "about": n.about} for n in self.numbers],
            "follow_ups": [{"question": f.question, "answer": f.answer} for f in self.follow_ups],
            "traps": list(self.traps),
        }
        blob = json.dumps(text, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    def to_json(self) -> dict[str, Any]:
        """The card as a plain dict (for `--json`), topic included."""
        data = self.model_dump(mode="json")
        if data.get("exercise") is None:
            data.pop("exercise", None)  # most cards have none: keep their JSON as it was
        return {"id": data.pop("id"), "topic": self.topic, **data}


class BankFile(BaseModel):
    """One YAML file of the bank: a topic and its cards."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    topic: Slug
    title: Text
    cards: Annotated[list[Card], Field(min_length=1)]

    @model_validator(mode="after")
    def _stamp_topic(self) -> BankFile:
        for card in self.cards:
            card.topic = self.topic
        return self
