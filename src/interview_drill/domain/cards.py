"""The card: what one question-bank card is. Plain Python objects, no I/O, no pydantic.

What a *valid* card is lives in `card_schema.py` (pydantic models with the same fields): `Card(...)`,
`Card.model_validate` and `BankFile.model_validate` validate through it, so every card was checked,
now or when the bank cache entry it was rebuilt from was written (`Card.from_fields`, for the cache
and the schema only). A warm start thus never imports pydantic (~45 ms of a ~200 ms start).

A card's text (`LATER_FIELDS`: question, source, and the answer: outline, numbers, follow-ups) may
be supplied later by whoever built the card (`Card.from_fields(..., read=...)`): the bank cache
decodes a card's text only when something reads it, so a command over 10,000 cards that shows a few
decodes only those. Anything that reads the whole card (==, `model_dump`,
`to_json`, repr, copy, pickle) reads it too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

SENIORITIES = ("screen", "mid", "senior", "staff")
FREQUENCIES = ("very-common", "common", "occasional")
KINDS = ("conceptual", "scenario", "design", "debugging", "coding")
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"

# Field names, in the order they are written in a card, for messages and --json output.
CARD_FIELDS = (
    "id", "question", "outline", "numbers", "follow_ups", "traps", "seniority",
    "frequency", "kind", "exercise", "tags", "related", "aliases", "source",
)  # fmt: skip
# What a Card holds: the card's fields and its topic (set from the file it is in, never per card).
FIELDS = (*CARD_FIELDS, "topic")
# The fields a card's maker may supply on first read (see the module's docstring): the text, in two
# parts read apart (what a list of cards shows; the answer, which only a card being drilled shows).
TEXT_PART = frozenset({"question", "source"})
ANSWER_PART = frozenset({"outline", "numbers", "follow_ups"})
LATER_FIELDS = TEXT_PART | ANSWER_PART
# Text that makes the content hash (the exercise, the level and the tags are not card text).
TEXT_FIELDS = ("question", "outline", "numbers", "follow_ups", "traps")


def seniority_rank(level: str) -> int:
    return SENIORITIES.index(level)


# Named tuples: immutable like the rest of a card's text, and ~3x cheaper to make than a frozen
# dataclass, which counts for the ~35,000 of them in a 10,000-card bank (validated or from the cache).
class Number(NamedTuple):
    """A figure worth dropping in an interview, and what it refers to."""

    figure: str
    about: str


class FollowUp(NamedTuple):
    """A question an interviewer asks next, with a short answer where it is not obvious."""

    question: str
    answer: str = ""


def _plain(value: Any) -> Any:
    """A field's value as JSON-ready data (numbers and follow-ups as dicts, lists copied)."""
    if isinstance(value, list):
        return [
            {"figure": v.figure, "about": v.about}
            if type(v) is Number
            else {"question": v.question, "answer": v.answer}
            if type(v) is FollowUp
            else v
            for v in value
        ]
    return value


def _later_field(name: str) -> property:
    """A field a card's maker may supply later: read from the card's own dict, where a first read
    asks the maker for it. A property on these five fields only, not a `__getattr__` on the class:
    that would take every attribute lookup of every card off CPython's fast path (~3x slower)."""

    def get(card: Card) -> Any:
        own = card.__dict__
        if name not in own:
            if "_later" not in own:
                raise AttributeError(f"'Card' object has no attribute '{name}'")
            card._read_later(name)
        return own[name]

    def put(card: Card, value: Any) -> None:
        card.__dict__[name] = value

    return property(get, put, doc=f"The card's {name} (see `Card.from_fields`).")


class Card:
    """One interview question with everything needed to drill it.

    Fields (see `card_schema.CardModel` for what is valid): id, question, outline, numbers,
    follow_ups, traps, seniority, frequency, kind, exercise (a `coding` card's runnable exercise:
    the folder `exercises/<name>/` beside the bank file), tags, related, aliases, source, and topic.
    """

    id: str
    traps: list[str]
    seniority: str
    frequency: str
    kind: str
    exercise: str | None
    tags: list[str]
    related: list[str]
    aliases: list[str]
    topic: str
    if TYPE_CHECKING:
        question: str
        outline: list[str]
        numbers: list[Number]
        follow_ups: list[FollowUp]
        source: str
    else:  # the fields its maker may supply later: read through `_later_field` (see from_fields)
        question = _later_field("question")
        outline = _later_field("outline")
        numbers = _later_field("numbers")
        follow_ups = _later_field("follow_ups")
        source = _later_field("source")

    __hash__ = None  # type: ignore[assignment]  # mutable (the loader sets `topic`), compared by value

    def __init__(self, **data: Any) -> None:
        """A validated card from its fields (pydantic's ValidationError when they do not make one)."""
        topic = data.pop("topic", "")
        self.__dict__.update(Card.model_validate(data).__dict__, topic=topic)

    @classmethod
    def model_validate(cls, data: Any) -> Card:
        """The card `data` (a mapping of its fields, no topic) describes, validated."""
        from interview_drill.domain.card_schema import validate_card

        return validate_card(data)

    @classmethod
    def from_fields(
        cls,
        fields: dict[str, Any],
        read: Callable[[Any, str | None], dict[str, Any]] | None = None,
        where: Any = None,
    ) -> Card:
        """A card from fields already validated (every name of FIELDS), taken as they are.

        With `read`, `fields` may lack LATER_FIELDS: the first read of one of them adds what
        `read(where, name)` returns (at least that field; with `name` None, every missing one), or
        the maker adds them itself (`supply`). `fields` becomes the card's own dict.
        """
        card = object.__new__(cls)
        if read is not None:
            fields["_later"] = (read, where)
        card.__dict__ = fields
        return card

    def _read_later(self, name: str | None) -> None:
        read, where = self.__dict__["_later"]
        self.supply(read(where, name))

    def supply(self, fields: dict[str, Any]) -> None:
        """Add later fields its maker read for this card (see `from_fields`); a field the card
        already holds (assigned before its first read) is kept."""
        own = self.__dict__
        if own.keys().isdisjoint(fields):
            own.update(fields)
        else:
            for field, value in fields.items():
                own.setdefault(field, value)
        if "_later" in own and own.keys() >= LATER_FIELDS:
            del own["_later"]

    def _whole(self) -> dict[str, Any]:
        """Every field, in FIELDS order, the later ones read first (a cached `content_hash` is none)."""
        if "_later" in self.__dict__:
            self._read_later(None)
        own = self.__dict__
        return {name: own[name] for name in FIELDS}

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Card)
        return self._whole() == other._whole()

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in self._whole().items())
        return f"Card({shown})"

    def __getstate__(self) -> dict[str, Any]:  # copy, deepcopy, pickle: the whole card, answer read
        return self._whole()

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def model_dump(self, *, include: Collection[str] | None = None) -> dict[str, Any]:
        """The card's fields (not its topic) as plain data, in field order; `include`: only these."""
        values = self._whole()
        names = CARD_FIELDS if include is None else [n for n in CARD_FIELDS if n in include]
        return {name: _plain(values[name]) for name in names}

    @cached_property
    def content_hash(self) -> str:
        """A short hash of the card's text, to notice edits without losing history.

        The hash of the JSON of the TEXT_FIELDS, as the pydantic card model dumped them when the
        hash was first stored (tests/domain/test_models.py checks they still agree).
        """
        text = {name: _plain(getattr(self, name)) for name in TEXT_FIELDS}
        blob = json.dumps(text, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    def to_json(self) -> dict[str, Any]:
        """The card as a plain dict (for `--json`), topic included."""
        data = self.model_dump()
        if data.get("exercise") is None:
            data.pop("exercise", None)  # most cards have none: keep their JSON as it was
        return {"id": data.pop("id"), "topic": self.topic, **data}


@dataclass
class BankFile:
    """One YAML file of the bank: a topic, its title and its cards (each stamped with the topic)."""

    topic: str
    title: str
    cards: list[Card]

    @classmethod
    def model_validate(cls, data: Any) -> BankFile:
        """The bank file `data` describes, validated (pydantic's ValidationError if it is not one)."""
        from interview_drill.domain.card_schema import validate_bank_file

        return validate_bank_file(data)
