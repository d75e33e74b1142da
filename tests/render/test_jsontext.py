"""The fast indented JSON writer gives exactly the standard library's text, whatever the document."""

from __future__ import annotations

import json
import math
from collections import OrderedDict
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interview_drill.domain.textsafe import inert_json, inert_json_utf8
from interview_drill.render import jsontext
from interview_drill.render.jsontext import dumps_indented, dumps_indented_encoded

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
documents = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=40,
)


def stdlib(doc: Any) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False)


@settings(max_examples=400, deadline=None)
@given(documents)
def test_any_json_document_reads_as_the_standard_librarys(doc: Any):
    assert dumps_indented(doc) == stdlib(doc)


@pytest.mark.parametrize(
    "doc",
    [
        {"line separators \u2028\u2029": 'quotes " and \\ and \x00 and é and 😀'},
        [float("nan"), math.inf, -math.inf, -0.0, 1e300, 5e-324, 0.1],
        {"nested": {"empty": {}, "list": [[], [{}]], "deep": [[[[1]]]]}},
        [],
        {},
        "just a string",
    ],
)
def test_the_edges_read_as_the_standard_librarys(doc: Any):
    assert dumps_indented(doc) == stdlib(doc)


@pytest.mark.parametrize(
    "doc",
    [
        {1: "an int key", None: "a None key", 2.5: "a float key"},  # json turns keys into strings
        {"a subclass": OrderedDict(b=1), "an int subclass": True, "str subclass": type("S", (str,), {})("x")},
        [1 << 70, (1, [2])],
    ],
)
def test_what_it_does_not_write_itself_is_the_standard_librarys_text(doc: Any):
    assert dumps_indented(doc) == stdlib(doc)


def test_a_value_json_cannot_write_is_its_error():
    with pytest.raises(TypeError):
        dumps_indented({"a": object()})
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference"):
        dumps_indented({"loop": loop})


# ------------------------------------------------------------------ in encoded pieces

inert_texts = st.text(
    st.sampled_from(list('a"\\\n é·→−≈×😀\x00\x1b\x7f\x80\x85\x9b\x9f\xa0\u2028\u2029')), max_size=12
)
inert_documents = st.recursive(
    st.none() | st.integers() | st.floats() | inert_texts,
    lambda inner: (
        st.lists(inner, max_size=6)
        | st.lists(st.fixed_dictionaries({"k": inner, "q": inert_texts, "n": st.integers()}), max_size=6)
        | st.dictionaries(inert_texts, inner, max_size=4)
    ),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(inert_documents, st.integers(min_value=0, max_value=8))
def test_encoded_pieces_join_into_the_encoded_text(doc: Any, chunk: int):
    """Cut anywhere (down to one token a piece), the pieces are the old text's UTF-8: the standard
    library's text, made inert (DEL, C1, U+2028/9 escaped), with its final newline."""
    old = (inert_json(stdlib(doc)) + "\n").encode("utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(jsontext, "_CHUNK", chunk)
        pieces = dumps_indented_encoded(doc, inert_json_utf8, "\n")
    assert b"".join(pieces) == old
    assert dumps_indented(doc, "\n") == stdlib(doc) + "\n"


def test_rows_are_cut_into_pieces_and_unusual_ones_fall_back_whole(monkeypatch):
    monkeypatch.setattr(jsontext, "_CHUNK", 4)
    rows = [{"topic": "t→", "card": f"c{i}", "q": "line\u2028sep \x85", "n": i, "x": None} for i in range(50)]
    doc = {"rows": rows, "mixed": [{"a": [1]}, {"a": 1.5, "b": True}], "end": "\x7f"}
    pieces = dumps_indented_encoded(doc, inert_json_utf8, "\n")
    assert len(pieces) > 10
    assert b"".join(pieces) == (inert_json(stdlib(doc)) + "\n").encode()
    unusual = {"rows": rows, "key": {1: "an int key"}}
    assert dumps_indented_encoded(unusual, inert_json_utf8, "\n") == [
        (inert_json(stdlib(unusual)) + "\n").encode()
    ]


def as_rows(items: list[Any]) -> jsontext.Rows:
    """Items written by their maker: each one's own text, its lines indented to where it stands."""
    return jsontext.Rows(lambda pad: [stdlib(item).replace("\n", "\n" + pad) for item in items])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.dictionaries(inert_texts, st.none() | st.integers() | inert_texts, max_size=4), max_size=6),
    st.integers(min_value=0, max_value=3),
    st.integers(min_value=0, max_value=2),
)
def test_rows_written_by_their_maker_read_as_the_list_they_stand_for(
    items: list[Any], depth: int, chunk: int
):
    doc: Any = items
    shown: Any = as_rows(items)
    for i in range(depth):  # at any depth, in a dict or a list
        doc, shown = ({"k": doc, "after": i}, {"k": shown, "after": i}) if i % 2 else ([doc, i], [shown, i])
    assert dumps_indented(shown, "\n") == stdlib(doc) + "\n"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(jsontext, "_CHUNK_ROWS", chunk)
        pieces = dumps_indented_encoded(shown, inert_json_utf8, "\n")
    assert b"".join(pieces) == (inert_json(stdlib(doc)) + "\n").encode()
