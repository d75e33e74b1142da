"""Cards from the bank cache decode their answer on first use, and are ordinary cards in every respect.

A warm load decodes only each card's head (id, topic, question, level, kind, tags, traps, ...):
reading a field of the answer (outline, numbers, follow-ups), or anything that reads the whole card, decodes the text first. Every way the rest of the
program (or a library) can look at a card must see exactly what a validated card shows.
"""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from interview_drill import speedups
from interview_drill.bank import cache as cache_module
from interview_drill.bank import load_files
from interview_drill.domain.cards import Card

from ..conftest import SAMPLE_BANK

FILES = sorted(SAMPLE_BANK.glob("*.yaml"))


@pytest.fixture(autouse=True)
def cache_everything(monkeypatch: pytest.MonkeyPatch, isolated_home: Path) -> None:
    monkeypatch.delenv(speedups.SWITCH, raising=False)
    monkeypatch.setattr(cache_module, "CACHE_MIN_BYTES", 0)
    monkeypatch.setattr(cache_module, "_LAZY", [])
    monkeypatch.setattr(speedups, "NOTES", [])


def warm_and_cold() -> tuple[list[Card], list[Card]]:
    cold = load_files(FILES, cache=False).cards
    load_files(FILES)  # writes the cache
    warm = load_files(FILES).cards
    assert len(warm) == len(cold) > 3
    return warm, cold


def is_lazy(card: Card) -> bool:
    return type(card) is not Card


def test_a_warm_load_decodes_no_text_until_it_is_read():
    warm, cold = warm_and_cold()
    assert all(is_lazy(c) for c in warm)
    card, fresh = warm[0], cold[0]
    # the head is there without decoding
    assert (card.id, card.topic, card.question, card.seniority, card.kind, card.tags, card.traps) == (
        fresh.id, fresh.topic, fresh.question, fresh.seniority, fresh.kind, fresh.tags, fresh.traps,
    )  # fmt: skip
    assert is_lazy(card)
    assert card.outline == fresh.outline  # reading the answer decodes it
    assert not is_lazy(card) and type(card) is Card
    assert list(card.__dict__) == list(fresh.__dict__)
    assert all(is_lazy(c) for c in warm[1:])  # only that card


WAYS: dict[str, Callable[[Card], Any]] = {
    "outline": lambda c: c.outline,
    "numbers": lambda c: [(type(n), n.model_dump(), n.model_fields_set) for n in c.numbers],
    "follow_ups": lambda c: [(type(f), f.model_dump(), f.model_fields_set) for f in c.follow_ups],
    "traps": lambda c: c.traps,
    "model_dump": lambda c: c.model_dump(),
    "model_dump json": lambda c: c.model_dump(mode="json"),
    "model_dump_json": lambda c: c.model_dump_json(),
    "to_json": lambda c: c.to_json(),
    "repr": repr,
    "str": str,
    "iter": lambda c: list(c),
    "fields set": lambda c: (c.model_fields_set, c.model_dump(exclude_unset=True)),
    "copy": lambda c: copy.copy(c).model_dump(),
    "deepcopy": lambda c: copy.deepcopy(c).model_dump(),
    "model_copy": lambda c: c.model_copy(update={"source": "x"}).model_dump(),
    "pickle": lambda c: (lambda back: (type(back), back.model_dump()))(pickle.loads(pickle.dumps(c))),
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


def test_a_lazy_card_equals_a_validated_one_from_either_side():
    warm, cold = warm_and_cold()
    assert cold[0] == warm[0]  # Card.__eq__ on the validated side, the lazy card's fields read
    assert not is_lazy(warm[0])
    assert warm[1] != cold[2] and cold[2] != warm[1]


def test_an_assignment_before_the_text_is_read_is_not_overwritten_by_it():
    warm, cold = warm_and_cold()
    warm[0].outline = ["changed"]
    assert warm[0].outline == ["changed"]
    assert "outline" in warm[0].model_fields_set
    assert warm[0].follow_ups == cold[0].follow_ups


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


def test_with_the_speedups_off_every_text_is_decoded_at_once(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(speedups.SWITCH, "1")
    warm, cold = warm_and_cold()
    assert not any(is_lazy(c) for c in warm)
    assert [c.model_dump() for c in warm] == [c.model_dump() for c in cold]


def test_a_warm_validate_decodes_no_card_text(monkeypatch: pytest.MonkeyPatch):
    from typer.testing import CliRunner

    from interview_drill.cli.app import app

    load_files(FILES)
    decoded: list[bytes] = []
    real = cache_module._fill_text
    monkeypatch.setattr(cache_module, "_LAZY", [])
    monkeypatch.setattr(cache_module, "_fill_text", lambda values, blob: (decoded.append(blob), real(values, blob)))
    result = CliRunner().invoke(app, ["validate", "--no-builtin", "--bank", str(SAMPLE_BANK)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: ")
    assert decoded == []
