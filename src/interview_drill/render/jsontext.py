"""`json.dumps(doc, indent=2, ensure_ascii=False)`, the same text, ~3x faster.

With `indent`, the standard library gives up its C encoder for a chain of Python generators (one
`yield` per token, through every level of nesting): ~60 % of writing a 1.5 MB JSON report. This
writes the same text in one recursive pass that appends to a list, still escaping every string and
formatting every float with the standard library's own functions (C ones where CPython has them).
Anything but the JSON types a report is made of (dict with string keys, list, tuple, str, int,
float, bool, None) goes to `json.dumps` whole, so the text is the standard library's in every case.

`dumps_indented_encoded` gives the same text already encoded, in pieces of a few tens of KB made
as the text is written: a report with one non-ASCII character is two bytes a character as a whole
`str` (3 MB for a 1.5 MB report), and each fresh page of memory a process touches costs CPU time;
pieces are encoded and their memory reused, and the whole text never exists at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from json.encoder import encode_basestring
from typing import Any

_INF = float("inf")

# Tokens gathered before they are joined and handed on (`dumps_indented_encoded`); in a `Rows`,
# whose items are a few hundred characters each, two tokens an item: a few tens of KB either way,
# so that the joined piece and its encoding stay in memory that is freed and reused.
_CHUNK = 2048
_CHUNK_ROWS = 128


class Rows:
    """A list of objects whose text its maker writes, faster than this writer could from dicts.

    `texts(pad)` gives each item's text as `json.dumps(item, indent=2, ensure_ascii=False)` writes
    it, its lines after the first indented by `pad` (where the item stands in the document). A
    report's thousands of trap rows, formatted by one f-string each, are ~3x faster to write than
    dicts made to be taken apart again. Only this module's writers read it; `json.dumps` cannot.
    """

    __slots__ = ("texts",)

    def __init__(self, texts: Callable[[str], Iterable[str]]) -> None:
        self.texts = texts


class _Unusual(Exception):
    """A value this writer leaves to `json.dumps` (a subclass, a non-string key, a circular list…)."""


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == _INF:
        return "Infinity"
    if value == -_INF:
        return "-Infinity"
    return float.__repr__(value)


def dumps_indented(doc: Any, end: str = "") -> str:
    """The text of `json.dumps(doc, indent=2, ensure_ascii=False) + end`."""
    try:
        return _write(doc, end, None)
    except (_Unusual, RecursionError):
        return json.dumps(doc, indent=2, ensure_ascii=False) + end


def dumps_indented_encoded(doc: Any, encode: Callable[[str], bytes], end: str = "") -> list[bytes]:
    """`encode` of consecutive pieces of `dumps_indented(doc, end)`, cut between tokens.

    `encode` must work character by character (as UTF-8 and `inert_json` do), so that the pieces
    joined are `encode(dumps_indented(doc, end))`.
    """
    pieces: list[bytes] = []
    try:
        _write(doc, end, lambda text: pieces.append(encode(text)))
    except (_Unusual, RecursionError):
        return [encode(json.dumps(doc, indent=2, ensure_ascii=False) + end)]
    return pieces


def _write(doc: Any, end: str, emit: Callable[[str], object] | None) -> str:
    """The text, returned whole (`emit` None), or handed to `emit` in pieces (then "" is returned)."""
    out: list[str] = []
    append = out.append
    enc = encode_basestring
    seen: set[int] = set()  # containers on the current path: a cycle is the standard library's error
    # (a flat dict's keys, its indent) → `"key": ` of each, with the opening or separator in front of it
    layouts: dict[tuple[tuple[Any, ...], str], list[str]] = {}

    def flat(d: dict[Any, Any], pad: str, enc: Any = enc, str_: type = str, int_: type = int) -> bool:
        """A dict of scalars (a report's rows: thousands of traps, cards) appended token by token, or
        False (and nothing appended)."""
        heads = layouts.get((tuple(d), pad))
        if heads is None:
            if not all(type(k) is str for k in d):
                return False
            inner = pad + "  "
            heads = ["{\n" + inner] + [",\n" + inner] * (len(d) - 1)
            heads = [sep + enc(k) + ": " for sep, k in zip(heads, d)]  # noqa: B905 (as many as keys)
            heads.append("\n" + pad + "}")
            layouts[(tuple(d), pad)] = heads
        start = len(out)
        for head, v in zip(heads, d.values()):  # noqa: B905 (the closing is left over: appended below)
            t = type(v)
            append(head)
            if t is str_:
                append(enc(v))
            elif t is int_:
                append(int.__repr__(v))
            elif v is None:
                append("null")
            elif t is float:
                append(_float(v))
            elif t is bool:
                append("true" if v else "false")
            else:
                del out[start:]
                return False
        append(heads[-1])
        return True

    def enter(o: Any, empty: str, pad: str) -> str | None:
        """A container's inner indent, once it is known to be neither empty (then written whole)
        nor already on the current path (a cycle: the standard library's error)."""
        if not o:
            append(empty)
            return None
        if id(o) in seen:
            raise _Unusual
        seen.add(id(o))
        return pad + "  "

    def value(o: Any, pad: str) -> None:
        t = type(o)
        if t is str:
            append(enc(o))
        elif o is None:
            append("null")
        elif o is True:
            append("true")
        elif o is False:
            append("false")
        elif t is int:
            append(int.__repr__(o))
        elif t is float:
            append(_float(o))
        elif t is dict:
            inner = enter(o, "{}", pad)
            if inner is None:
                return
            sep = "{\n" + inner
            for k, v in o.items():
                if type(k) is not str:
                    raise _Unusual
                append(sep)
                append(enc(k))
                append(": ")
                value(v, inner)
                sep = ",\n" + inner
            append("\n" + pad + "}")
            seen.discard(id(o))
        elif t is Rows:
            inner = pad + "  "
            sep = "[\n" + inner
            for text in o.texts(inner):
                append(sep)
                append(text)
                sep = ",\n" + inner
                if emit is not None and len(out) > _CHUNK_ROWS:
                    emit("".join(out))
                    del out[:]
            append("[]" if sep[0] == "[" else "\n" + pad + "]")
        elif t is list or t is tuple:
            inner = enter(o, "[]", pad)
            if inner is None:
                return
            sep = "[\n" + inner
            for v in o:
                append(sep)
                sep = ",\n" + inner
                if not (type(v) is dict and v and flat(v, inner)):
                    value(v, inner)
                if emit is not None and len(out) > _CHUNK:
                    emit("".join(out))
                    del out[:]
            append("\n" + pad + "]")
            seen.discard(id(o))
        else:
            raise _Unusual

    value(doc, "")
    append(end)
    if emit is None:
        return "".join(out)
    emit("".join(out))
    return ""
