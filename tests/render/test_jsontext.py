"""The fast indented JSON writer gives exactly the standard library's text, whatever the document."""

from __future__ import annotations

import json
import math
from collections import OrderedDict
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interview_drill.render.jsontext import dumps_indented

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
