"""Cards from the bank cache decode their answer on first use, and are ordinary cards in every respect.

A warm load decodes only each card's head (id, topic, question, level, kind, tags, traps, ...):
reading a field of the answer (outline, numbers, follow-ups), or anything that reads the whole card, decodes the text first. Every way the rest of the
program (or a library) can look at a card must see exactly what a validated card shows.
Plain Python (`Card.__getattr__` is reached only for a field the card does not hold yet): no
library internals, so there is no speedup switch for it.
"""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from interview_drill.bank import cache as cache_module
from interview_drill.bank import load_files
from interview_drill.domain.cards import ANSWER_PART, LATER_FIELDS, TEXT_PART, Card

from ..conftest import SAMPLE_BANK

FILES = sorted(SAMPLE_BANK.glob("*.yaml"))


@pytest.fixture(autouse=True)
def cache_everything(monkeypatch: pytest.MonkeyPatch, isolated_home: Path) -> None:
    monkeypatch.setattr(cache_module, "CACHE_MIN_BYTES", 0)


def warm_and_cold() -> tuple[list[Card], list[Card]]:
    cold = load_files(FILES, cache=False).cards
    load_files(FILES)  # writes the cache
    warm = load_files(FILES).cards
    assert len(warm) == len(cold) > 3
    return warm, cold


def is_lazy(card: Card) -> bool:
    return "_later" in card.__dict__


def test_a_warm_load_decodes_no_text_until_it_is_read():
    warm, cold = warm_and_cold()
    assert all(is_lazy(c) for c in warm) and not any(is_lazy(c) for c in cold)
    card, fresh = warm[0], cold[0]
    assert not any(name in card.__dict__ for name in LATER_FIELDS)
    # the head is there without decoding
    assert (card.id, card.topic, card.seniority, card.kind, card.tags, card.aliases, card.traps) == (
        fresh.id, fresh.topic, fresh.seniority, fresh.kind, fresh.tags, fresh.aliases, fresh.traps,
    )  # fmt: skip
    assert not any(name in card.__dict__ for name in LATER_FIELDS)
    assert card.question == fresh.question  # reading the text decodes its part, not the answer
    assert TEXT_PART.issubset(card.__dict__) and not ANSWER_PART & card.__dict__.keys()
    assert is_lazy(card) and card.source == fresh.source
    assert card.outline == fresh.outline  # reading the answer decodes the rest
    assert not is_lazy(card) and type(card) is Card
    assert card.__dict__ == fresh.__dict__
    assert all(is_lazy(c) for c in warm[1:])  # only that card


WAYS: dict[str, Callable[[Card], Any]] = {
    "outline": lambda c: c.outline,
    "numbers": lambda c: [(type(n), n) for n in c.numbers],
    "follow_ups": lambda c: [(type(f), f) for f in c.follow_ups],
    "traps": lambda c: c.traps,
    "model_dump": lambda c: c.model_dump(),
    "model_dump include": lambda c: c.model_dump(include={"outline", "id"}),
    "to_json": lambda c: c.to_json(),
    "repr": repr,
    "str": str,
    "vars after a read": lambda c: (c.outline, c.question, dict(vars(c)))[2],
    "question": lambda c: c.question,
    "source": lambda c: c.source,
    "copy": lambda c: (lambda back: (type(back), back.model_dump()))(copy.copy(c)),
    "deepcopy": lambda c: (lambda back: (type(back), back.model_dump()))(copy.deepcopy(c)),
    "pickle": lambda c: (lambda back: (type(back), back.model_dump(), back.topic))(
        pickle.loads(pickle.dumps(c))
    ),
    "eq": lambda c: c,  # compared with == below
    "content_hash": lambda c: c.content_hash,
}


@pytest.mark.parametrize("way", WAYS)
def test_every_way_of_reading_a_lazy_card_sees_the_validated_card(way: str):
    warm, cold = warm_and_cold()
    for card, fresh in zip(warm, cold, strict=True):
        assert is_lazy(card)
        assert WAYS[way](card) == WAYS[way](fresh), way
    assert warm == cold and cold == warm


def test_the_answer_can_be_read_before_the_text():
    warm, cold = warm_and_cold()
    card = warm[0]
    assert card.follow_ups == cold[0].follow_ups
    assert ANSWER_PART.issubset(card.__dict__) and not TEXT_PART & card.__dict__.keys()
    assert card.question == cold[0].question and not is_lazy(card)
    assert card == cold[0]


def test_a_lazy_card_equals_a_validated_one_from_either_side():
    warm, cold = warm_and_cold()
    assert cold[0] == warm[0]  # Card.__eq__ on the validated side, the lazy card's fields read
    assert not is_lazy(warm[0])
    assert warm[1] != cold[2] and cold[2] != warm[1]


def test_a_copy_of_a_lazy_card_holds_its_answer_and_no_pending_read():
    warm, cold = warm_and_cold()
    for back in (copy.copy(warm[0]), pickle.loads(pickle.dumps(warm[1]))):
        assert not is_lazy(back) and all(name in back.__dict__ for name in LATER_FIELDS)
    assert copy.copy(warm[0]) == cold[0] and pickle.loads(pickle.dumps(warm[1])) == cold[1]


def test_an_assignment_before_the_text_is_read_is_not_overwritten_by_it():
    warm, cold = warm_and_cold()
    warm[0].outline = ["changed"]
    warm[0].question = "Changed?"
    assert warm[0].outline == ["changed"] and warm[0].question == "Changed?"
    assert warm[0].follow_ups == cold[0].follow_ups  # the rest of the answer read as it was
    assert warm[0].source == cold[0].source  # and the rest of the text
    assert warm[0].outline == ["changed"] and warm[0].question == "Changed?" and not is_lazy(warm[0])


def test_a_missing_attribute_is_still_an_attribute_error():
    warm, _ = warm_and_cold()
    with pytest.raises(AttributeError, match="no attribute 'answer'"):
        warm[0].answer  # noqa: B018
    assert is_lazy(warm[0])  # asking for something else reads nothing
    assert getattr(warm[0], "nothing", None) is None and not hasattr(warm[0], "_read")


def test_a_damaged_card_text_is_a_cache_miss_not_a_later_failure(isolated_home: Path):
    warm_and_cold()
    entries = sorted((isolated_home / "cache" / "banks").iterdir())
    for entry in entries:  # damage one byte in the middle of each entry's card texts
        raw = bytearray(entry.read_bytes())
        raw[len(raw) * 2 // 3] ^= 0x55
        entry.write_bytes(bytes(raw))
    cold = load_files(FILES, cache=False).cards
    again = load_files(FILES).cards  # every entry is refused and rewritten
    assert [c.model_dump() for c in again] == [c.model_dump() for c in cold]


def test_a_warm_validate_decodes_no_card_text(monkeypatch: pytest.MonkeyPatch):
    from typer.testing import CliRunner

    from interview_drill.cli.app import app

    load_files(FILES)
    decoded: list[object] = []
    real = cache_module._read_later
    monkeypatch.setattr(cache_module, "_read_later", lambda *args: (decoded.append(args), real(*args))[1])
    result = CliRunner().invoke(app, ["validate", "--no-builtin", "--bank", str(SAMPLE_BANK)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: ")
    assert decoded == []


def test_one_question_read_gives_every_card_of_its_file_its_text():
    """A report lists thousands of questions: the first read decodes the file's texts at once."""
    warm, cold = warm_and_cold()
    same_file = [c for c in warm if c.topic == warm[0].topic]
    other = [c for c in warm if c.topic != warm[0].topic]
    assert len(same_file) > 1 and other
    same_file[1].question = "Assigned before any read?"
    assert warm[0].question == cold[0].question
    assert all(TEXT_PART.issubset(c.__dict__) for c in same_file)
    assert not any(TEXT_PART & c.__dict__.keys() for c in other)  # other files' texts wait
    assert same_file[1].question == "Assigned before any read?"  # kept, not overwritten
    assert all(is_lazy(c) for c in same_file)  # their answers still wait
    by_id = {c.id: c for c in cold}
    assert [c.source for c in same_file] == [by_id[c.id].source for c in same_file]
    assert [c.question for c in same_file[2:]] == [by_id[c.id].question for c in same_file[2:]]
