"""`inert_json` escapes exactly the characters of one character class (DEL, C1, U+2028/9), whichever path it takes."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interview_drill.domain.textsafe import inert_json, inert_json_utf8


def by_the_class(text: str) -> str:
    return re.sub(r"[\x7f-\x9f\u2028\u2029]", lambda m: f"\\u{ord(m.group()):04x}", text)


# Near misses on purpose: other two-byte characters led by \xc2 (·, °), other \xe2\x80 ones (—, …, ’).
alphabet = st.sampled_from(list('a{}":,\n é·°—…’→😀\x7f\x80\x9b\x9f\xa0\u2028\u2029\ud800'))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(alphabet, max_size=12), max_size=6))
def test_any_json_text_comes_out_as_the_character_class_makes_it(strings: list[str]):
    text = json.dumps(strings, ensure_ascii=False)
    assert inert_json(text) == by_the_class(text)


@pytest.mark.parametrize(
    "raw, escaped",
    [
        ("plain ascii", "plain ascii"),
        ("del \x7f here", "del \\u007f here"),
        ("csi \x9b[2J", "csi \\u009b[2J"),
        ("dash — and dot · kept", "dash — and dot · kept"),
        ("line\u2028para\u2029", "line\\u2028para\\u2029"),
        ("lone \ud800 surrogate \x85", "lone \ud800 surrogate \\u0085"),
    ],
)
def test_the_characters_that_matter_and_their_neighbours(raw: str, escaped: str):
    assert inert_json(raw) == escaped


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(alphabet.filter(lambda c: c != "\ud800"), max_size=12), max_size=6))
def test_the_utf8_of_any_json_text_is_that_of_the_inert_text(strings: list[str]):
    text = json.dumps(strings, ensure_ascii=False)
    assert inert_json_utf8(text) == inert_json(text).encode("utf-8")


@pytest.mark.parametrize(
    "raw", ["plain ascii", "del \x7f", "csi \x9b[2J", "· — …", "line\u2028para\u2029", "→ \x85"]
)
def test_utf8_of_the_characters_that_matter(raw: str):
    assert inert_json_utf8(raw) == inert_json(raw).encode("utf-8")


def test_a_lone_surrogate_cannot_be_written_as_utf8():
    with pytest.raises(UnicodeEncodeError):
        inert_json_utf8('"lone \ud800"')
