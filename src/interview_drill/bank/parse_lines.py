"""The quickest path: a bank file in YAML's everyday block layout, read line by line, or a shrug (`SLOW`).

Most bank files use a small part of YAML: `key: value` and `- item` lines nested by indentation,
values on one line (plain, quoted, or a `[a, b]` list) or a simple `|` / `>` block. For those, one
regular expression over the whole text, then a few string tests per line, is about twice as quick
as reading the C parser's events, which build several Python objects per scalar. Anything this
reader does not fully understand (values running over several lines, anchors, tags, flow mappings,
tabs, unusual line breaks or characters, odd indentation, duplicate keys, unusual blocks…) makes it
give up, and the file goes to the event reader (`bank.parse_fast`), then to the careful parser. So
whenever it returns data, it is the data the careful parser gives, without a problem (the two share
`bank.yaml_rules`); tests/bank/test_parse_lines.py checks that on real banks and generated text.
"""

from __future__ import annotations

import re
from typing import Any

from interview_drill.bank.yaml_rules import ANY_RESOLVER, IMPLICIT, SLOW, plain_value

# Every line, in one pass: its indentation, a sequence dash and the spaces after it, a key and the
# spaces after its colon, and the rest of the line. (Possessive quantifiers never backtrack, and the
# usual one-space separators are cached one-character strings: both spare time on 10,000 cards.)
# A key is ordinary word characters (libyaml allows a key up to 1024 characters, far above 128).
_LINES = re.compile(
    r"^( *+)(?:(-)( ++|$))?(?:([A-Za-z0-9_][A-Za-z0-9_-]{0,127}+):( ++|$))?(.*+)$", re.MULTILINE
)
# What the first character of a value says: 0 an ordinary character, 1 a character some implicit
# resolver may read (`yes`, `1.5`), 2 a quote or `[`, 3 a block scalar, 4 an indicator this reader
# leaves to the others ('-', '?' and ':' can start a plain scalar, but only in some positions), 5 a
# character whose resolvers could not be joined into one regexp.
_ORDINARY, _RESOLVED, _QUOTE_OR_LIST, _BLOCK, _INDICATOR, _HARD = range(6)
_FIRST: dict[str, int] = {c: _INDICATOR for c in "-?:,]{}#&*!%@`"}
_FIRST.update({'"': _QUOTE_OR_LIST, "'": _QUOTE_OR_LIST, "[": _QUOTE_OR_LIST, "|": _BLOCK, ">": _BLOCK})
_FIRST.update({c: _RESOLVED if ANY_RESOLVER[c] else _HARD for c in ANY_RESOLVER if c and c not in _FIRST})
# For a plain scalar starting with a _RESOLVED character: a match means "maybe not text".
_MAYBE_NOT_TEXT = {c: joined.match for c, joined in ANY_RESOLVER.items() if joined is not None}
# Inside `[...]`: anything beyond plain, comma-separated items is left to the event reader (an
# indicator at the start of an item is refused item by item).
_FLOW_ODD = re.compile(r"[\[\]{}#:?]")
# Characters YAML reads in a way a line reader could get wrong: tabs, a CR (outside "\r\n") and
# every other control character (libyaml refuses most of them), NEL, the Unicode line and paragraph
# separators (YAML 1.1 line breaks), byte-order marks and the non-characters U+FFFE / U+FFFF.
_ODD_CHARS = ("\u2028", "\u2029", "\ufeff", "\ufffe", "\uffff")
_C1 = re.compile("[\x80-\x9f]")
# Bytes the check below deletes as harmless: all but the ASCII controls other than the line feed,
# and 0xC2, the first byte of U+0080–U+00BF in UTF-8 (which holds NEL and the C1 controls).
_KEEP = {*range(0x00, 0x0A), *range(0x0B, 0x20), 0x7F, 0xC2}
_HARMLESS = bytes(b for b in range(256) if b not in _KEEP)
_OFF = 1 << 62  # no guard: any indentation may follow
_MAX_DEPTH = 12  # as the event reader: a card sits at depth 5, anything deeper goes the careful way


def read_lines(text: str, raw: bytes) -> Any:
    """The file's data as the careful parser reads it, or `SLOW`. `raw` is `text` as UTF-8."""
    if "\r" in text:  # Windows line ends: YAML reads "\r\n" as one line break, as "\n"
        if text.count("\r") != text.count("\r\n"):
            return SLOW  # a lone CR is a line break too: left to the others
        text, raw = text.replace("\r\n", "\n"), raw.replace(b"\r\n", b"\n")
    if None in IMPLICIT or not _ordinary_chars(text, raw):
        return SLOW  # (a resolver for every first character: not the loader this was written for)
    try:
        return _read(text)
    except _GiveUp:
        return SLOW


class _GiveUp(Exception):
    pass


def _ordinary_chars(text: str, raw: bytes) -> bool:
    odd = raw.translate(None, _HARMLESS)  # C speed; usually empty or a few 0xC2 bytes
    if odd.strip(b"\xc2") or (odd and _C1.search(text)):
        return False
    return not any(c in text for c in _ODD_CHARS)  # each a memchr-speed search


def _read(text: str) -> Any:
    root: dict[str, Any] = {}
    # Open collections, innermost last: (indentation, the dict or list, a sequence written at its
    # key's own indentation, which ends at the first line there that is not a `- ` item).
    stack: list[tuple[int, Any, bool]] = [(0, root, False)]
    indent, compact = 0, False
    top: Any = root
    pending: tuple[dict[str, Any], str, int] | None = None  # a `key:` whose value is on the next lines
    guard = _OFF  # after a value at this column, a deeper line would continue it (or be an error)
    block: _Block | None = None  # a `|` or `>` scalar whose lines are being read
    first_kind, maybe_not_text = _FIRST.get, _MAYBE_NOT_TEXT
    for spaces, dash, after_dash, key, after_key, rest in _LINES.findall(text):
        if block is not None:
            if block.take(spaces + dash + after_dash + (key and f"{key}:{after_key}") + rest):
                continue
            block.finish()
            block = None
        if not dash and not key:
            if not rest or rest[0] == "#":
                continue  # an empty line or a comment: nothing, whatever its indentation
            raise _GiveUp  # text where a key should be
        n = len(spaces)
        if n > guard:
            raise _GiveUp  # a value running over several lines, or an error
        guard = _OFF
        if pending is not None:
            owner, name, column = pending
            pending = None
            if n > column or (n == column and dash):
                child: Any = [] if dash else {}
                owner[name] = child
                stack.append((n, child, n == column))
                if len(stack) > _MAX_DEPTH:
                    raise _GiveUp
                indent, top, compact = n, child, n == column
            else:
                owner[name] = _NULL
        if n != indent or compact:
            while n < indent or (n == indent and compact and not dash):
                stack.pop()
                indent, top, compact = stack[-1]
            if n != indent:
                raise _GiveUp  # a line between two levels of indentation
        if dash:
            if top.__class__ is not list:
                raise _GiveUp
            if not key:
                if not rest:
                    raise _GiveUp  # `-` alone: its item is on the next lines
                first = rest[0]
                kind = first_kind(first, _ORDINARY)
                if kind <= _RESOLVED:  # plain text, most values: tested here, without a call
                    if rest[-1] == " ":
                        rest = rest.rstrip(" ")
                    if (":" in rest or "#" in rest) and _odd_plain(rest):
                        raise _GiveUp  # a second key on the line, or a comment after the value
                    top.append(
                        rest if kind == _ORDINARY or maybe_not_text[first](rest) is None else _plain(rest)
                    )
                elif kind == _BLOCK:
                    block = _Block(rest, top, None, n)
                    continue
                else:
                    top.append(_value(rest, kind))
                guard = n
                continue
            column = n + 1 + len(after_dash)
            entry: dict[str, Any] = {}
            top.append(entry)
            stack.append((column, entry, False))
            if len(stack) > _MAX_DEPTH:
                raise _GiveUp
            indent, top, compact = column, entry, False
        elif top.__class__ is not dict:
            raise _GiveUp  # a key among the items of a list
        else:
            column = n
        if key in top:
            raise _GiveUp  # a duplicate key: the careful path says where
        if not rest:
            pending = (top, key, column)
            continue
        first = rest[0]
        kind = first_kind(first, _ORDINARY)
        if kind <= _RESOLVED:
            if rest[-1] == " ":
                rest = rest.rstrip(" ")
            if (":" in rest or "#" in rest) and _odd_plain(rest):
                raise _GiveUp
            top[key] = rest if kind == _ORDINARY or maybe_not_text[first](rest) is None else _plain(rest)
        elif kind == _BLOCK:
            block = _Block(rest, top, key, column)
            continue
        else:
            top[key] = _value(rest, kind)
        guard = column
    if block is not None:
        block.finish(at_end=True)
    if pending is not None:
        pending[0][pending[1]] = _NULL
    if not root:
        raise _GiveUp  # nothing but comments: the careful path calls it empty
    return root


class _Block:
    """A literal (`|`, `|-`) or folded (`>`, `>-`) scalar: lines of one indentation, then less.

    Leading, inner or whitespace-only blank lines, more-indented lines, trailing spaces, `+` and
    indentation indicators are left to the event reader: their rules are subtle and banks rarely
    need them.
    """

    def __init__(self, header: str, owner: Any, key: str | None, parent: int):
        header = header.rstrip(" ")
        if header not in ("|", "|-", ">", ">-"):
            raise _GiveUp
        self.joiner = "\n" if header[0] == "|" else " "
        self.tail = "" if header.endswith("-") else "\n"
        self.owner, self.key, self.parent = owner, key, parent
        self.lines: list[str] = []
        self.indent = -1
        self.blank = False  # an empty line since the last line of text

    def take(self, line: str) -> bool:
        """Whether `line` belongs to the scalar (False: the scalar ended before it)."""
        if not line:
            self.blank = True
            return True
        body = line.lstrip(" ")
        n = len(line) - len(body)
        if not body or body[-1] == " ":
            raise _GiveUp  # a line of spaces, or trailing spaces (kept or folded: left to libyaml)
        if self.indent < 0:
            if self.blank or n <= self.parent:
                raise _GiveUp  # leading blank lines, or an empty scalar
            self.indent = n
        if n == self.indent:
            if self.blank:
                raise _GiveUp  # a blank line inside the scalar
            self.lines.append(body)
            return True
        if n > self.indent:
            raise _GiveUp  # a more-indented line
        return False

    def finish(self, at_end: bool = False) -> None:
        if not self.lines or (at_end and not self.blank and self.tail):
            raise _GiveUp  # empty, or the file ends without a line break after it
        value = self.joiner.join(self.lines) + self.tail
        if self.key is None:
            self.owner.append(value)
        else:
            self.owner[self.key] = value


def _odd_plain(text: str) -> bool:
    """Whether plain text holds a second key (`: `) or a comment (` #`), or ends like a key.

    (Single-character searches are much quicker on non-ASCII text, so callers test for ":" and "#"
    first.)
    """
    return ": " in text or " #" in text or text[-1] == ":"


def _value(rest: str, kind: int) -> Any:
    """A value written on one line after `key: ` or `- ` that needs a closer look than ordinary text."""
    text = rest.rstrip(" ")
    if kind == _HARD:
        if _odd_plain(text):
            raise _GiveUp
        return _plain(text)
    first = text[0]
    if first == '"':
        inner = text[1:-1]
        if len(text) < 2 or text[-1] != '"':
            raise _GiveUp  # a quote running on to the next line, or something after the closing one
        if "\\" in inner:
            return _unescape(inner)
        if '"' in inner:
            raise _GiveUp
        return inner
    if first == "'":
        inner = text[1:-1]
        if len(text) < 2 or text[-1] != "'" or "'" in inner.replace("''", ""):
            raise _GiveUp
        return inner.replace("''", "'")
    if first == "[":
        return _flow_list(text)
    raise _GiveUp  # an indicator


# The escapes both PyYAML scanners (libyaml's and the Python one) read alike, with the same result.
_ESCAPES = {
    " ": " ", '"': '"', "/": "/", "\\": "\\", "0": "\x00", "a": "\x07", "b": "\x08", "e": "\x1b",
    "f": "\x0c", "n": "\n", "r": "\r", "t": "\t", "v": "\x0b", "N": "\x85", "_": "\xa0",
    "L": "\u2028", "P": "\u2029",
}  # fmt: skip
_ESCAPE = re.compile(r'\\(?:([ "/\\0abefnrtvN_LP])|x([0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8}))')
_QUOTED = re.compile(
    r'(?:[^"\\]|\\(?:[ "/\\0abefnrtvN_LP]|x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}))*'
)


def _unescape(inner: str) -> str:
    """The inside of a one-line double-quoted scalar with escapes, or give up on any other escape."""
    if not _QUOTED.fullmatch(inner):
        raise _GiveUp  # an escape YAML does not know, or a quote that ends the scalar early
    return _ESCAPE.sub(_escaped, inner)


def _escaped(m: re.Match[str]) -> str:
    if m[1] is not None:
        return _ESCAPES[m[1]]
    code = int(m[2] or m[3] or m[4], 16)
    if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        raise _GiveUp  # libyaml refuses these, the Python scanner does not: left to the careful path
    return chr(code)


def _flow_list(text: str) -> list[Any]:
    inner = text[1:-1]
    if text[-1] != "]" or _FLOW_ODD.search(inner):
        raise _GiveUp
    if not inner.strip(" "):
        return []
    items = [item.strip(" ") for item in inner.split(",")]
    first_kind = _FIRST.get
    for i, item in enumerate(items):
        if not item:
            raise _GiveUp  # an empty item (a trailing comma)
        first = item[0]
        kind = first_kind(first, _ORDINARY)
        if kind == _RESOLVED:
            if _MAYBE_NOT_TEXT[first](item) is not None:
                items[i] = _plain(item)
        elif kind == _HARD:
            items[i] = _plain(item)
        elif kind != _ORDINARY:
            raise _GiveUp  # `-`, a quote and the like: left to the event reader
    return items


def _plain(text: str) -> Any:
    """A plain scalar as YAML's implicit resolvers read it (`yes`, `1.5`…), or give up on a surprise."""
    value = plain_value(text)
    if value is SLOW:
        raise _GiveUp
    return value


_NULL = plain_value("")  # `key:` with nothing after it
