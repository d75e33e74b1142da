"""The card: what one question-bank card is. Plain Python objects, no I/O, no pydantic.

What a *valid* card is lives in `card_schema.py` (pydantic models with the same fields): `Card(...)`,
`Card.model_validate` and `BankFile.model_validate` validate through it, so every card was checked,
now or when the bank cache entry it was rebuilt from was written (`Card.from_fields` for the schema,
`Card.from_heads` for the cache). A warm start thus never imports pydantic (~45 ms of a ~200 ms start).

A card's text (`LATER_FIELDS`: question, source, and the answer: outline, numbers, follow-ups) may
be supplied later by whoever built the card (`Card.from_heads`, with a `Later`): the bank cache
decodes a card's text only when something reads it, so a command over 10,000 cards that shows a few
decodes only those. Anything that reads the whole card (==, `model_dump`,
`to_json`, repr, copy, pickle) reads it too.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

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
# The others, in FIELDS order: a card's head, held in slots (see `Card`).
HEAD_FIELDS = (
    "id",
    "traps",
    "seniority",
    "frequency",
    "kind",
    "exercise",
    "tags",
    "related",
    "aliases",
    "topic",
)
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


class Later(Protocol):
    """Who supplies the later fields of the cards it made (`Card.from_heads`); `at` is the card's
    place among them."""

    def text(self, at: int, name: str) -> str:
        """One field of TEXT_PART of card `at` (the card does not keep it: it stays the maker's)."""
        ...

    def fields(self, at: int) -> dict[str, Any]:
        """Every field of LATER_FIELDS of card `at`, for the card to keep."""
        ...


def _later_field(name: str) -> property:
    """A field a card's maker may supply later: read from the card's own dict, else from the maker.
    A property on these five fields only, not a `__getattr__` on the class: that would take every
    attribute lookup of every card off CPython's fast path (~3x slower).

    While a card has a maker (`_later`), its dict holds none of these: a question or source is read
    from the maker every time (a report reads thousands of questions: kept by each card, they would
    give each a dict), and a field of the answer, or an assignment to any of them, first completes
    the card (every later field in its dict, no maker left): the few cards whose answer is read are
    the ones being shown whole.
    """

    def put(card: Card, value: Any) -> None:
        if card._later is not None:
            card._read_later(name)
        card.__dict__[name] = value

    if name in TEXT_PART:

        def get(card: Card) -> Any:
            later = card._later
            if later is not None:
                return later.text(card._at, name)
            try:
                return card.__dict__[name]
            except KeyError:
                raise AttributeError(f"'Card' object has no attribute '{name}'") from None

    else:

        def get(card: Card) -> Any:
            if card._later is not None:
                card._read_later(name)
            try:
                return card.__dict__[name]
            except KeyError:
                raise AttributeError(f"'Card' object has no attribute '{name}'") from None

    return property(get, put, doc=f"The card's {name} (see `Card.from_heads`).")


# The places of cards among their maker's, as shared int objects (a bank file's ~800 cards would
# otherwise make ~550 ints each: 0-256 are shared by CPython already).
_PLACES: list[int] = []


class Card:
    """One interview question with everything needed to drill it.

    Fields (see `card_schema.CardModel` for what is valid): id, question, outline, numbers,
    follow_ups, traps, seniority, frequency, kind, exercise (a `coding` card's runnable exercise:
    the folder `exercises/<name>/` beside the bank file), tags, related, aliases, source, and topic.
    """

    # The head (HEAD_FIELDS) in slots: 10,000 warm cards are built straight from the tuples the
    # cache decodes, and a slot is ~190 bytes a card smaller than a dict of 10 keys (and quicker to
    # read). The later fields live in the card's own dict (once it has them); beside it, who supplies
    # them until then (`_later`, None: nobody) and which of its cards this is (`_at`).
    __slots__ = (*HEAD_FIELDS, "__dict__", "_later", "_at")

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
    _later: Later | None
    _at: int
    if TYPE_CHECKING:
        question: str
        outline: list[str]
        numbers: list[Number]
        follow_ups: list[FollowUp]
        source: str
    else:  # the fields its maker may supply later: read through `_later_field` (see from_heads)
        question = _later_field("question")
        outline = _later_field("outline")
        numbers = _later_field("numbers")
        follow_ups = _later_field("follow_ups")
        source = _later_field("source")

    __hash__ = None  # type: ignore[assignment]  # mutable (the loader sets `topic`), compared by value

    def __init__(self, **data: Any) -> None:
        """A validated card from its fields (pydantic's ValidationError when they do not make one)."""
        topic = data.pop("topic", "")
        self.__setstate__({**Card.model_validate(data)._whole(), "topic": topic})

    @classmethod
    def model_validate(cls, data: Any) -> Card:
        """The card `data` (a mapping of its fields, no topic) describes, validated."""
        from interview_drill.domain.card_schema import validate_card

        return validate_card(data)

    @classmethod
    def from_fields(cls, fields: dict[str, Any]) -> Card:
        """A card from fields already validated (every name of FIELDS), taken as they are: the head's
        go to their slots, and `fields`, left with the others, becomes the card's own dict."""
        card = object.__new__(cls)
        pop = fields.pop
        for name in HEAD_FIELDS:
            setattr(card, name, pop(name))
        card.__dict__ = fields
        card._later = None
        return card

    @classmethod
    def from_heads(cls, heads: list[tuple[Any, ...]], later: Later) -> list[Card]:
        """Cards from the values of their HEAD_FIELDS (in that order), already validated; `later`
        supplies the other fields when read (card `at` of `heads` asks it with `at`)."""
        if len(_PLACES) < len(heads):
            _PLACES.extend(range(len(_PLACES), len(heads)))
        new = object.__new__
        cards: list[Card] = []
        append = cards.append
        for at, head in zip(_PLACES, heads, strict=False):  # _PLACES may be longer
            card = new(cls)
            # HEAD_FIELDS, spelled out: ~3x quicker than a setattr per name (tests check the order)
            (
                card.id, card.traps, card.seniority, card.frequency, card.kind, card.exercise,
                card.tags, card.related, card.aliases, card.topic,
            ) = head  # fmt: skip
            card._later = later
            card._at = at
            append(card)
        return cards

    def _read_later(self, name: str | None) -> None:
        """Every later field from the maker, into the card's dict (a field assigned before is kept):
        the card is then whole and plain. `name`: the field asked for, to say it is missing."""
        later = self._later
        if later is None:
            raise AttributeError(f"'Card' object has no attribute '{name}'")
        own = self.__dict__
        fields = later.fields(self._at)
        if own.keys().isdisjoint(fields):
            own.update(fields)
        else:
            for field, value in fields.items():
                own.setdefault(field, value)
        self._later = None

    def _whole(self) -> dict[str, Any]:
        """Every field, in FIELDS order, the later ones read first (a cached `content_hash` is none)."""
        if self._later is not None:
            self._read_later(None)
        return {name: getattr(self, name) for name in FIELDS}

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
        own = self.__dict__
        for name, value in state.items():
            if name in LATER_FIELDS:
                own[name] = value
            else:
                setattr(self, name, value)
        self._later = None

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
        import hashlib  # not at the top: a warm start that hashes no card never loads OpenSSL
        import json

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
