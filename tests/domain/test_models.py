from __future__ import annotations

import pytest
from pydantic import ValidationError

from interview_drill.domain.cards import BankFile, Card


def card(**over):
    data = {"id": "a-card", "question": "Why?", "outline": ["because"]}
    data.update(over)
    return Card.model_validate(data)


def test_minimal_card_gets_defaults():
    c = card()
    assert (c.seniority, c.frequency, c.kind) == ("mid", "common", "conceptual")
    assert c.numbers == [] and c.follow_ups == [] and c.traps == []


def test_bare_number_figure_becomes_text():
    c = card(numbers=[{"figure": 8, "about": "rank"}, {"figure": 0.5, "about": "bytes per param at 4 bit"}])
    assert [n.figure for n in c.numbers] == ["8", "0.5"]


def test_follow_up_may_be_a_plain_question():
    c = card(follow_ups=["Why zero?", {"question": "Merge?", "answer": "Yes."}])
    assert [(f.question, f.answer) for f in c.follow_ups] == [("Why zero?", ""), ("Merge?", "Yes.")]


@pytest.mark.parametrize(
    "over",
    [
        {"id": "Not A Slug"},
        {"id": "double--hyphen"},
        {"question": "   "},
        {"outline": []},
        {"seniority": "principal"},
        {"kind": "trivia"},
        {"frequency": "rare"},
        {"tags": ["Bad Tag"]},
        {"colour": "red"},
        {"topic": "lora"},
    ],
)
def test_invalid_cards_are_rejected(over):
    with pytest.raises(ValidationError):
        card(**over)


def test_content_hash_tracks_text_not_metadata():
    base = card()
    assert card().content_hash == base.content_hash
    assert card(question="Why not?").content_hash != base.content_hash
    assert card(outline=["because", "also"]).content_hash != base.content_hash
    assert card(tags=["x"], seniority="staff").content_hash == base.content_hash


def test_content_hash_is_the_hash_of_the_dumped_text_for_every_built_in_card():
    """Stored histories hold these hashes, made when the card was a pydantic model: the hand-built
    text must stay what pydantic dumps of the card's validated model."""
    import hashlib
    import json

    from interview_drill.bank import load_bank
    from interview_drill.domain.card_schema import CardModel

    cards = load_bank([], include_builtin=True).cards
    assert len(cards) > 200
    for c in [*cards, card(numbers=[{"figure": 8, "about": "r"}], follow_ups=["Why?"], traps=["t"])]:
        model = CardModel.model_validate(c.model_dump())
        text = model.model_dump(include={"question", "outline", "numbers", "follow_ups", "traps"})
        blob = json.dumps(text, sort_keys=True, ensure_ascii=False).encode()
        assert c.content_hash == hashlib.sha256(blob).hexdigest()[:16], c.id


def test_bank_file_stamps_topic_on_cards():
    f = BankFile.model_validate(
        {"topic": "lora", "title": "LoRA", "cards": [{"id": "x", "question": "q", "outline": ["o"]}]}
    )
    assert f.cards[0].topic == "lora"
    assert f.cards[0].to_json()["topic"] == "lora"


def test_the_constructor_validates_as_model_validate_does():
    with pytest.raises(ValidationError):
        Card(id="Not A Slug", question="q", outline=["o"])
    with pytest.raises(ValidationError):
        Card.model_validate(["not", "a", "mapping"])
    made = Card(
        id="a-card", question=" Why? ", outline=["because"], numbers=[{"figure": 8, "about": "r"}], topic="t"
    )
    assert made.question == "Why?" and made.topic == "t"  # stripped as validated, topic kept
    assert made != Card.model_validate(made.model_dump())  # the topic is not part of the dump
    again = Card.model_validate(made.model_dump())
    again.topic = "t"
    assert again == made and made.model_dump() == again.model_dump()


def test_cards_compare_by_value_and_are_not_hashable():
    a, b = card(), card()
    assert a == b and a is not b
    b.source = "elsewhere"
    assert a != b
    with pytest.raises(TypeError):
        hash(a)
    assert card(numbers=[{"figure": 8, "about": "r"}]).numbers[0] == ("8", "r")  # a named tuple
