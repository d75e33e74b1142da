"""Cards from the bank cache decode their text and answer on first use, and are ordinary cards in every respect.

A warm load decodes only each card's head (id, topic, level, kind, tags, traps, ...): a question or
source is read from the entry's texts (decoded for the whole file at the first read) without growing
the card's dict; reading a field of the answer (outline, numbers, follow-ups), or anything that reads
the whole card, completes the card. Every way the rest of the program (or a library) can look at a
card must see exactly what a validated card shows, also when the entry turns out damaged.
Plain Python (properties on the five later fields): no library internals, so there is no speedup
switch for it.
"""

from __future__ import annotations

import copy
import json
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import pytest

from interview_drill.bank import cache as cache_module
from interview_drill.bank import load_files
from interview_drill.domain.cards import FIELDS, HEAD_FIELDS, LATER_FIELDS, Card

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
    return card._later is not None


def later_of(card: Card) -> Any:
    return card._later


def test_a_warm_load_decodes_no_text_until_it_is_read():
    warm, cold = warm_and_cold()
    assert all(is_lazy(c) for c in warm) and not any(is_lazy(c) for c in cold)
    card, fresh = warm[0], cold[0]
    assert card.__dict__ == {}  # the head is in slots, the rest waits
    # the head is there without decoding
    assert (card.id, card.topic, card.seniority, card.kind, card.tags, card.aliases, card.traps) == (
        fresh.id, fresh.topic, fresh.seniority, fresh.kind, fresh.tags, fresh.aliases, fresh.traps,
    )  # fmt: skip
    assert later_of(card).texts is None
    assert card.question == fresh.question  # reading the text decodes the file's texts, not the answer
    assert later_of(card).texts is not None
    assert card.__dict__ == {}  # read from the entry's texts: the card keeps nothing
    assert is_lazy(card) and card.source == fresh.source and card.__dict__ == {}
    assert card.outline == fresh.outline  # reading the answer completes the card
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


def test_a_head_is_built_field_by_field_in_the_order_of_head_fields():
    assert tuple(name for name in FIELDS if name not in LATER_FIELDS) == HEAD_FIELDS
    heads = [tuple(f"{name}-{i}" for name in HEAD_FIELDS) for i in range(3)]
    cards = Card.from_heads(heads, cast(Any, None))
    assert [[getattr(c, name) for name in HEAD_FIELDS] for c in cards] == [list(h) for h in heads]
    with pytest.raises(ValueError):
        Card.from_heads([heads[0][:-1]], cast(Any, None))


def test_the_answer_can_be_read_before_the_text():
    warm, cold = warm_and_cold()
    card = warm[0]
    assert card.follow_ups == cold[0].follow_ups
    assert LATER_FIELDS.issubset(card.__dict__) and not is_lazy(card)
    assert card.question == cold[0].question and card.__dict__ == cold[0].__dict__
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
    for name in ("text", "fields"):
        real = getattr(cache_module._Later, name)
        monkeypatch.setattr(
            cache_module._Later, name, lambda *args, real=real: (decoded.append(args), real(*args))[1]
        )
    result = CliRunner().invoke(app, ["validate", "--no-builtin", "--bank", str(SAMPLE_BANK)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: ")
    assert decoded == []


def test_one_question_read_decodes_the_texts_of_its_file_only(monkeypatch: pytest.MonkeyPatch):
    """A report lists thousands of questions: the first read decodes the file's texts at once."""
    warm, cold = warm_and_cold()
    same_file = [c for c in warm if c.topic == warm[0].topic]
    other = [c for c in warm if c.topic != warm[0].topic]
    assert len(same_file) > 1 and other
    assert later_of(same_file[1]) is later_of(warm[0])
    same_file[1].question = "Assigned before any read?"  # an assignment completes that card
    assert not is_lazy(same_file[1])
    assert warm[0].question == cold[0].question
    assert later_of(warm[0]).texts is not None
    assert all(later_of(c).texts is None for c in other)  # other files' texts wait
    calls: list[object] = []
    real = cache_module.marshal.loads
    monkeypatch.setattr(cache_module.marshal, "loads", lambda blob: (calls.append(blob), real(blob))[1])
    assert same_file[1].question == "Assigned before any read?"  # kept, not overwritten
    by_id = {c.id: c for c in cold}
    assert [c.source for c in same_file] == [by_id[c.id].source for c in same_file]
    assert [c.question for c in same_file[2:]] == [by_id[c.id].question for c in same_file[2:]]
    assert calls == []  # decoded once
    assert all(is_lazy(c) for c in same_file if c is not same_file[1])  # their answers still wait
    assert all(c.__dict__ == {} for c in warm if c is not same_file[1])  # and no card keeps a text


def damage_entries(isolated_home: Path, part: str) -> list[Path]:
    """Flip a byte in the middle of the texts (`part` "texts") or of the first answer ("answers")
    of every cache entry, leaving the heads (and their CRC-32) as they were."""
    entries = sorted((isolated_home / "cache" / "banks").iterdir())
    for entry in entries:
        raw = bytearray(entry.read_bytes())
        line = raw.index(b"\n") + 1
        head = json.loads(raw[:line])
        texts = line + head["heads_bytes"]
        where = texts + head["texts_bytes"] // 2 if part == "texts" else texts + head["texts_bytes"] + 3
        raw[where] ^= 0x55
        entry.write_bytes(bytes(raw))
    return entries


@pytest.mark.parametrize("part", ["texts", "answers"])
@pytest.mark.parametrize("read", ["question", "outline", "model_dump", "eq"])
def test_a_damaged_text_or_answer_found_when_read_falls_back_to_the_bank_file(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch, part: str, read: str
):
    """Only the heads are checked at load; a text or an answer is checked when first read. A damaged
    one gives the card its fields from the bank file validated again (and the entry is rewritten),
    never a broken card, a wrong field or a traceback."""
    from interview_drill.bank import load as load_module

    warm_and_cold()
    entries = damage_entries(isolated_home, part)
    damaged = [e.read_bytes() for e in entries]
    validated: list[Path] = []
    real = load_module.validated_afresh
    monkeypatch.setattr(
        load_module, "validated_afresh", lambda path, store: (validated.append(path), real(path, store))[1]
    )
    cold = load_files(FILES, cache=False).cards
    warm = load_files(FILES).cards
    assert all(is_lazy(c) for c in warm) and validated == []  # the heads are sound: served
    ways = {
        "question": lambda c: c.question,
        "outline": lambda c: c.outline,
        "model_dump": lambda c: c.model_dump(),
        "eq": lambda c: c,
    }
    for card, fresh in zip(warm, cold, strict=True):
        assert ways[read](card) == ways[read](fresh)
    if part == "answers" and read == "question":
        assert validated == []  # the texts were sound, and the answers wait
    assert [c.model_dump() for c in warm] == [c.model_dump() for c in cold]
    assert [e.read_bytes() for e in entries] != damaged  # the fallback rewrote the entries
    assert len(validated) == len(FILES)  # once per file, whatever was read
    validated.clear()
    again = load_files(FILES).cards
    assert [c.model_dump() for c in again] == [c.model_dump() for c in cold] and validated == []


@pytest.mark.parametrize("edit", ["broken", "card gone", "card edited"])
def test_a_damaged_answer_of_a_bank_file_changed_since_it_loaded(
    tmp_path: Path, isolated_home: Path, edit: str
):
    """The fallback reads the bank file as it is now: the card's fields from it if the card is still
    there, else a BankError naming the file (what the next run would say), never a traceback."""
    import shutil

    from interview_drill.errors import BankError

    folder = tmp_path / "bank"
    shutil.copytree(SAMPLE_BANK, folder)
    files = sorted(folder.glob("*.yaml"))
    load_files(files)
    warm = load_files(files).cards
    damage_entries(isolated_home, "answers")
    first, second = [c for c in warm if c.topic == warm[0].topic][:2]
    text = files[0].read_text(encoding="utf-8")
    if edit == "broken":
        files[0].write_text("topic: [not, a, topic\n", encoding="utf-8")
    elif edit == "card gone":
        files[0].write_text(text.replace(f"id: {first.id}\n", "id: another-card\n"), encoding="utf-8")
    else:
        files[0].write_text(text.replace(first.question, "Edited?"), encoding="utf-8")
    if edit == "card edited":
        assert first.outline == load_files([files[0]], cache=False).cards[0].outline
        assert first.question == "Edited?" and not is_lazy(first)
        return
    with pytest.raises(BankError) as info:
        first.outline  # noqa: B018
    assert str(files[0]) in info.value.problems[0]
    if edit == "card gone":
        assert f"card `{first.id}` is no longer in this file" in info.value.problems[0]
        assert second.outline  # the others still read theirs
