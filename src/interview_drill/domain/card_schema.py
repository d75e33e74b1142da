"""What a valid card is: the pydantic models that check bank data and build `domain.cards` objects.

Every card the program holds went through `validate_card` or `validate_bank_file`, either now or
when the bank cache entry it was rebuilt from was written (`bank/cache.py`). The models keep the
field names, order and titles (`Card`, `BankFile`) that error messages and locations are made of.
Importing pydantic and building these models costs ~45 ms, so only code that validates imports this
module: a warm start never does.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from interview_drill.domain import cards
from interview_drill.domain.cards import SLUG_PATTERN

Seniority = Literal["screen", "mid", "senior", "staff"]
Frequency = Literal["very-common", "common", "occasional"]
Kind = Literal["conceptual", "scenario", "design", "debugging", "coding"]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NumberModel(_Strict):
    """A figure worth dropping in an interview, and what it refers to."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True, title="Number")

    figure: Text
    about: Text


class FollowUpModel(_Strict):
    """A question an interviewer asks next, with a short answer where it is not obvious."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="FollowUp")

    question: Text
    answer: str = ""


class CardModel(BaseModel):
    """One interview question with everything needed to drill it (see `domain.cards.Card`)."""

    model_config = ConfigDict(extra="forbid", title="Card")

    id: Slug
    question: Text
    outline: Annotated[list[Text], Field(min_length=1)]
    numbers: list[NumberModel] = []
    follow_ups: list[FollowUpModel] = []
    traps: list[Text] = []
    seniority: Seniority = "mid"
    frequency: Frequency = "common"
    kind: Kind = "conceptual"
    exercise: Slug | None = None
    tags: list[Slug] = []
    related: list[Slug] = []
    aliases: list[Slug] = []
    source: str = ""

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


class BankFileModel(BaseModel):
    """One YAML file of the bank: a topic and its cards."""

    model_config = ConfigDict(extra="forbid", title="BankFile")

    topic: Slug
    title: Text
    cards: Annotated[list[CardModel], Field(min_length=1)]


_make = tuple.__new__  # a named tuple from its values, without the Python-level constructor


def _fields(model: CardModel, topic: str) -> dict[str, Any]:
    """A validated card's fields as `domain.cards.Card` holds them (in `FIELDS` order): the model's
    own dict (it keeps its fields in their order), which nothing else holds once it is converted."""
    fields = model.__dict__
    number, follow_up = cards.Number, cards.FollowUp
    fields["numbers"] = [_make(number, (n.figure, n.about)) for n in model.numbers]
    fields["follow_ups"] = [_make(follow_up, (f.question, f.answer)) for f in model.follow_ups]
    fields["topic"] = topic
    return fields


def validate_card(data: Any, topic: str = "") -> cards.Card:
    """The card `data` describes (a mapping of its fields); pydantic's ValidationError if it is not one."""
    return cards.Card.from_fields(_fields(CardModel.model_validate(data), topic))


def validate_bank_file(data: Any) -> cards.BankFile:
    """The bank file `data` describes (topic, title, cards); pydantic's ValidationError if it is not one."""
    model = BankFileModel.model_validate(data)
    made = cards.Card.from_fields
    return cards.BankFile(model.topic, model.title, [made(_fields(c, model.topic)) for c in model.cards])
