"""Find question-bank YAML files, parse them with line numbers, validate them into a Bank.

Every problem of every file is collected and reported as one `BankError` whose lines read
`path:line: field: message`. Parsing is `yaml.safe_load` semantics built on the composed node
tree (fast C composer when available), which gives line numbers and duplicate-key detection.
A streaming pass over the parser's events comes first: it refuses aliases, a second document and
nesting deep enough to crash the (recursive) composer before the composer runs.
Whatever a file holds, loading it gives a Bank or a BankError: never another exception, and never
a problem line that a hostile value could break in two or fill with terminal escapes.

Speed (a 10,000-card bank is ~19 MB): a file is first read by `_quick_parse`, one pass over the C
parser's events that builds plain data without line numbers and gives up at the first thing that is
not ordinary (an anchor, a tag, a duplicate key, a YAML 1.1 surprise, deep nesting, a second
document, a syntax error). Only when it gives up, or the data does not validate, does the file go
through the careful path above, whose messages are therefore exactly what they always were.
Validated files are kept in the user cache dir (`BankCache`), keyed by path, size, mtime and the
SHA-256 of the bytes, so a warm start neither parses nor validates.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from interview_drill import speedups
from interview_drill.domain.cards import (
    CARD_FIELDS,
    FREQUENCIES,
    KINDS,
    SENIORITIES,
    BankFile,
    Card,
    FollowUp,
    Number,
)
from interview_drill.errors import BankError, UsageError

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 24
MAX_PROBLEMS_PER_FILE = 100
BANK_SUFFIXES = (".yaml", ".yml")
_MAX_HINT_POOL = 5000  # difflib is O(pool) per hint: no "did you mean" among more ids than this

try:  # The C composer is several times faster; fall back to pure Python.
    from yaml import CSafeLoader as _Loader

    _C_LOADER = True
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

    _C_LOADER = False

_STR = "tag:yaml.org,2002:str"
_VALUE = "tag:yaml.org,2002:value"  # what the 1.1 resolver makes of a plain `=`: text to us
_MERGE = "tag:yaml.org,2002:merge"
_SCALAR_TAGS = {
    _STR,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_TAG_NAMES = {
    "tag:yaml.org,2002:int": "a whole number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "a boolean",
    "tag:yaml.org,2002:null": "an empty value",
    "tag:yaml.org,2002:timestamp": "a date",
}
_constructor = yaml.constructor.SafeConstructor()
# What PyYAML's scalar constructors raise on a value their tag cannot hold (`!!int abc`, 2024-13-45…).
_CONSTRUCT_ERRORS = (ArithmeticError, LookupError, ValueError, TypeError, AttributeError, yaml.YAMLError)
# Characters that would break a `path:line: field: message` line or act on a terminal: shown escaped.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]")
_NO_MERGE = "merge keys (`<<`) are not allowed in a bank; write the fields out"
_TOPLEVEL_FIELDS = ("topic", "title", "cards")
_CHOICES = {"seniority": SENIORITIES, "frequency": FREQUENCIES, "kind": KINDS}


@dataclass
class Bank:
    """The loaded cards of every bank, in file order, indexed by id and by former id."""

    cards: list[Card]
    topics: dict[str, str] = field(default_factory=dict)  # slug -> title
    files: list[Path] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.by_id = {c.id: c for c in self.cards}
        self.alias_of = {a: c.id for c in self.cards for a in c.aliases}

    def get(self, card_id: str) -> Card | None:
        """A card by id, or by one of its former ids."""
        card = self.by_id.get(card_id)
        if card is None and card_id in self.alias_of:
            card = self.by_id[self.alias_of[card_id]]
        return card

    def require(self, card_id: str) -> Card:
        """A card by id or former id; an unknown id is a UsageError suggesting close matches."""
        card = self.get(card_id)
        if card is None:
            close = self.close_ids(card_id)
            raise UsageError(
                f"no card `{card_id}`" + (f"; did you mean: {', '.join(close)}?" if close else "")
            )
        return card

    def close_ids(self, card_id: str, n: int = 3) -> list[str]:
        return difflib.get_close_matches(card_id, list(self.by_id), n=n, cutoff=0.5)


# ---------------------------------------------------------------- finding files


def bank_files(paths: Iterable[Path]) -> tuple[list[Path], list[str]]:
    """Expand files and directories into YAML files, each once; missing paths become problems."""
    files: list[Path] = []
    problems: list[str] = []
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.suffix in BANK_SUFFIXES and p.is_file() and not _hidden(p.relative_to(path))
            )
            if not found:
                problems.append(f"{path}: bank: no .yaml files in this folder")
            files += found
        elif path.is_file():
            files.append(path)
        else:
            problems.append(f"{path}: bank: no such file or directory")
    unique = []
    for f in files:  # the same bank given twice (e.g. --bank and IDRILL_BANK) is loaded once
        if (real := f.resolve()) not in seen:
            seen.add(real)
            unique.append(f)
    return unique, problems


def _hidden(rel: Path) -> bool:
    return any(part.startswith(".") for part in rel.parts)


# ---------------------------------------------------------------- parsing


@dataclass
class ParsedFile:
    path: Path
    data: Any
    lines: dict[tuple, int]  # path of a node (keys and indices) -> 1-based line
    problems: list[str]
    reported: set[tuple] = field(default_factory=set)  # nodes the parser already complained about

    def line(self, loc: tuple) -> int:
        """The line of the deepest node of `loc` that exists in the file."""
        loc = tuple(loc)
        while loc and loc not in self.lines:
            loc = loc[:-1]
        return self.lines.get(loc, 1)


def read_text(path: Path) -> tuple[str | None, list[str]]:
    """A bank file's text, or the problems that keep it from being read."""
    raw, _, problems = _read_bytes(path)
    if raw is None:
        return None, problems
    return _decode(raw, path)


def _read_bytes(path: Path) -> tuple[bytes | None, int, list[str]]:
    """(bytes, mtime_ns, problems): at most the size limit is ever read."""
    try:
        stat = path.stat()
        size = stat.st_size
        if size <= MAX_FILE_BYTES:
            with path.open("rb") as f:  # never more than the limit, even if the file grows meanwhile
                raw = f.read(MAX_FILE_BYTES + 1)
            size = max(size, len(raw))
    except OSError as exc:
        return None, 0, [f"{path}:1: file: cannot be read ({exc.strerror or exc})"]
    if size > MAX_FILE_BYTES:
        return None, 0, [f"{path}:1: file: is {size / 1e6:.1f} MB; bank files are limited to 5 MB"]
    return raw, stat.st_mtime_ns, []


def _decode(raw: bytes, path: Path) -> tuple[str | None, list[str]]:
    if raw.startswith(b"\xef\xbb\xbf"):
        return None, [f"{path}:1: file: starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM"]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        byte = raw[exc.start]
        return None, [f"{path}:{line}: file: is not valid UTF-8 (byte 0x{byte:02x}); save it as UTF-8"]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return None, [f"{path}:{line}: file: contains a NUL character; is this a text file?"]
    return text, []


def parse_file(path: Path) -> ParsedFile:
    """Parse one YAML file into plain data with line numbers, collecting problems."""
    text, problems = read_text(path)
    if text is None:
        return ParsedFile(path, None, {}, problems)
    return parse_text(text, path)


def parse_text(text: str, path: Path) -> ParsedFile:
    try:
        refused = _check_events(text, path)
        if refused:
            return ParsedFile(path, None, {}, [refused])
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        return ParsedFile(path, None, {}, [_syntax_problem(exc, text, path)])
    except yaml.reader.ReaderError as exc:
        return ParsedFile(path, None, {}, [_reader_problem(exc, text, path)])
    except yaml.YAMLError as exc:
        return ParsedFile(path, None, {}, [f"{path}:1: syntax: {SYNTAX} ({_escape(str(exc))[:200]})"])
    except RecursionError:
        return ParsedFile(path, None, {}, [f"{path}:1: file: {_too_deep()}"])
    if node is None or _is_empty(node):
        return ParsedFile(path, None, {}, [f"{path}:1: file: is empty; expected topic, title and cards"])
    builder = _Builder(path)
    try:
        data = builder.build(node, (), 0)
    except _Abort as stop:
        return ParsedFile(path, None, builder.lines, builder.problems + [stop.problem])
    return ParsedFile(path, data, builder.lines, builder.problems, builder.reported)


# Our own wording for a file the YAML parser refuses. The parser's explanation follows in brackets as
# a detail: its wording changes between releases, ours does not.
SYNTAX = "not valid YAML"


def _too_deep() -> str:
    return f"nesting is deeper than {MAX_DEPTH} levels"


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, path: Path) -> str:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    detail = exc.problem or exc.context or ""
    if exc.problem and exc.context and exc.context_mark and exc.context_mark.line + 1 != line:
        detail += f" ({exc.context} from line {exc.context_mark.line + 1})"
    lines = text.splitlines()
    hint = ""
    if 0 < line <= len(lines) and "\t" in lines[line - 1]:
        hint = "; tabs are not allowed for indentation, use spaces"
    detail = _escape(detail)[:200]
    return f"{path}:{line}: syntax: {SYNTAX}{hint}" + (f" ({detail})" if detail else "")


def _parser_refused_depth(exc: yaml.MarkedYAMLError, text: str) -> bool:
    """Whether the parser itself refused the file for its nesting (libyaml >= 0.2.6 has its own limit).

    Decided from the text, not from the parser's wording: the flow brackets open at the error's
    position, or the block indentation of its line, exceed our own limit.
    """
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return False
    # The C parser counts bytes of the UTF-8 text; a prefix slice is enough for counting brackets.
    head = text.encode("utf-8", "replace")[: mark.index] if _C_LOADER else text[: mark.index].encode()
    # Net count, not a scan: only asked once the parser has already refused the file.
    depth = head.count(b"[") + head.count(b"{") - head.count(b"]") - head.count(b"}")
    if depth >= MAX_DEPTH:
        return True
    start = head.rfind(b"\n") + 1
    row = head[start:]
    return len(row) - len(row.lstrip(b" -")) >= 2 * MAX_DEPTH


def _check_events(text: str, path: Path) -> str | None:
    """Stream the parser's events once and refuse what must never reach the composer.

    The composer recurses once per nesting level (in C, where a deeply nested file overflows the
    stack and crashes the process) and expands aliases into shared nodes; it also stops at a second
    document with a message of its own. This pass tracks where each node sits, so the refusal
    names the field and the exact line.
    """
    stack: list[list[Any]] = []  # open collections: [loc, next index | current key, expecting a key]
    try:
        return _walk_events(text, path, stack)
    except yaml.MarkedYAMLError as exc:
        if not _parser_refused_depth(exc, text):
            raise
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        loc = stack[-1][0] if stack else ()
        return f"{path}:{line}: {format_loc(loc[:2]) or 'file'}: {_too_deep()}"


def _walk_events(text: str, path: Path, stack: list[list[Any]]) -> str | None:
    documents = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.NodeEvent):
            loc = _event_loc(stack, event)
            line = event.start_mark.line + 1
            if isinstance(event, yaml.AliasEvent) and loc[-1:] == ("<<",):
                return f"{path}:{line}: {format_loc(loc[:-1]) or 'file'}: {_NO_MERGE}"
            if isinstance(event, yaml.AliasEvent):
                return f"{path}:{line}: {format_loc(loc) or 'file'}: anchors and aliases (&, *) are not allowed in a bank"
            if isinstance(event, yaml.CollectionStartEvent):
                if len(stack) >= MAX_DEPTH:
                    return f"{path}:{line}: {format_loc(loc[:2]) or 'file'}: {_too_deep()}"
                stack.append([loc, 0, True] if isinstance(event, yaml.MappingStartEvent) else [loc, 0, None])
        elif isinstance(event, yaml.CollectionEndEvent):
            stack.pop()
        elif isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                line = event.start_mark.line + 1
                return f"{path}:{line}: file: only one YAML document per file; a second one starts here"
    return None


def _event_loc(stack: list[list[Any]], event: yaml.NodeEvent) -> tuple:
    """Where the node that `event` starts sits, advancing its parent collection past it."""
    if not stack:
        return ()
    frame = stack[-1]
    loc, position, expecting_key = frame
    if expecting_key is None:  # a sequence: the next item
        frame[1] = position + 1
        return loc + (position,)
    if expecting_key:  # a key: it belongs to the mapping itself
        frame[1] = event.value if isinstance(event, yaml.ScalarEvent) else "?"
        frame[2] = False
        return loc
    frame[2] = True
    return loc + (position,)


def _reader_problem(exc: yaml.reader.ReaderError, text: str, path: Path) -> str:
    """A character YAML refuses to read (raw control characters, U+FFFE…), with its line."""
    # The C reader counts bytes of the UTF-8 encoding, the Python one counts characters.
    before = text.encode("utf-8", "replace")[: exc.position] if _C_LOADER else text[: exc.position]
    line = before.count(b"\n" if _C_LOADER else "\n") + 1
    char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
    return (
        f"{path}:{line}: file: contains the character U+{char:04X}, which YAML does not allow; "
        "remove it, or write it as an escape inside double quotes"
    )


def _is_empty(node: yaml.Node) -> bool:
    """A document with nothing in it (a lone `---`), which the composer hands back as an empty null."""
    return isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null") and node.value == ""


class _Abort(Exception):
    def __init__(self, problem: str):
        self.problem = problem


class _Builder:
    """Turns composed YAML nodes into Python data, recording each node's line."""

    def __init__(self, path: Path):
        self.path = path
        self.lines: dict[tuple, int] = {}
        self.problems: list[str] = []
        self.seen: set[int] = set()
        self.reported: set[tuple] = set()

    def where(self, loc: tuple, line: int) -> str:
        return f"{self.path}:{line}: {format_loc(loc) or 'file'}"

    def build(self, node: yaml.Node, loc: tuple, depth: int) -> Any:
        line = node.start_mark.line + 1
        if id(node) in self.seen:  # an alias: the composer hands back the anchored node again
            raise _Abort(
                f"{self.where(loc, self.lines.get(loc, line))}: anchors and aliases (&, *) are not allowed in a bank"
            )
        self.seen.add(id(node))
        if depth > MAX_DEPTH:
            raise _Abort(f"{self.where(loc[:2], line)}: {_too_deep()}")
        self.lines.setdefault(loc, line)
        if isinstance(node, yaml.MappingNode):
            if node.tag != "tag:yaml.org,2002:map":
                return self._bad_tag(node, loc, line)
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = self._key(key_node, loc)
                if key is None:
                    self.seen.add(id(value_node))
                    continue
                key_line = key_node.start_mark.line + 1
                if key in out:
                    first = self.lines.get(loc + (key,), "?")
                    self.problems.append(
                        f"{self.where(loc + (key,), key_line)}: duplicate key (first given at line {first})"
                    )
                    self.seen.add(id(value_node))
                    continue
                self.lines[loc + (key,)] = key_line
                out[key] = self.build(value_node, loc + (key,), depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                return self._bad_tag(node, loc, line)
            return [self.build(item, loc + (i,), depth + 1) for i, item in enumerate(node.value)]
        return self._scalar(node, loc, line)

    def _key(self, node: yaml.Node, loc: tuple) -> str | None:
        """A mapping key as text, or None (and a problem) for keys a bank cannot have."""
        line = node.start_mark.line + 1
        if not isinstance(node, yaml.ScalarNode):
            problem = "keys must be plain text"
        elif node.tag == _MERGE:
            problem = _NO_MERGE
        elif node.tag in _SCALAR_TAGS or node.tag == _VALUE:
            return node.value
        else:
            problem = f"the YAML tag {_show(node.tag)!r} is not allowed in a bank"
        self.problems.append(f"{self.where(loc, line)}: {problem}")
        return None

    def _bad_tag(self, node: yaml.Node, loc: tuple, line: int) -> Any:
        self.reported.add(loc)
        self.problems.append(
            f"{self.where(loc, line)}: the YAML tag {_show(node.tag)!r} is not allowed in a bank"
        )
        # Stand in the raw text for a scalar so validation does not report the same value twice.
        return node.value if isinstance(node, yaml.ScalarNode) else None

    def _scalar(self, node: yaml.ScalarNode, loc: tuple, line: int) -> Any:
        tag = node.tag
        if tag in (_STR, _VALUE):
            return node.value
        if tag not in _SCALAR_TAGS:
            return self._bad_tag(node, loc, line)
        raw = node.value
        try:
            # Call the tag's constructor directly: `construct_object` would cache every node forever.
            value = _constructor.yaml_constructors[tag](_constructor, node)
        except _CONSTRUCT_ERRORS:
            self.reported.add(loc)
            self.problems.append(
                f"{self.where(loc, line)}: YAML cannot read `{_show(raw)}` as {_TAG_NAMES.get(tag, tag)}; "
                "put it in quotes if you mean the text"
            )
            return raw
        if node.style:  # quoted or block scalars with an explicit non-str tag, e.g. !!int "3"
            return value
        surprise = _yaml11_surprise(tag, raw, value)
        if surprise:
            self.reported.add(loc)  # report once; don't let validation complain about the same value again
            self.problems.append(f"{self.where(loc, line)}: {surprise}")
            return raw
        return value


def _yaml11_surprise(tag: str, raw: str, value: Any) -> str | None:
    """Plain scalars that YAML 1.1 silently turns into something the author did not write."""
    if tag.endswith(":bool") and raw.lower() not in ("true", "false"):
        return f"YAML reads `{raw}` as the boolean {value}; put it in quotes if you mean the text"
    # 010 is 8, 1:30 is 90, 1_000 is 1000, but also 1.50 is 1.5 and +5 is 5: any number that would
    # not be written back the way the author wrote it.
    if tag.endswith((":int", ":float")):
        try:
            written = repr(value)
        except ValueError:  # an integer longer than Python will print (sys.get_int_max_str_digits)
            return f"YAML reads `{_show(raw)}` as a huge number; put it in quotes if you mean the text"
        if written != raw:
            return f"YAML reads `{_show(raw)}` as the number {_show(value)}; put it in quotes if you mean the text"
    return None


# ---------------------------------------------------------------- the quick path

_SLOW = object()  # what `_quick_parse` returns when a file needs the careful path
_QUICK_DEPTH = 12  # a card sits at depth 5; anything deeper is left to the careful path
_IMPLICIT = dict(_Loader.yaml_implicit_resolvers)  # first character -> [(tag, regexp)]
_SEQ, _ROOT = object(), object()  # `key` of a sequence being filled, and of the document itself


def _quick_parse(text: str) -> Any:
    """The file's data as `yaml.safe_load` gives it, or `_SLOW` if the careful path is needed.

    One pass over the C parser's events, building dicts and lists on an explicit stack (no recursion,
    no node tree, no line numbers). It gives up at anything the careful path would comment on or that
    an ordinary bank never has: anchors, aliases, tags, complex or merge keys, duplicate keys, scalars
    that YAML 1.1 reads as something else, nesting deeper than a card's, several documents, errors.
    So whenever it returns data, the careful path would have returned the same data and no problem.
    """
    if None in _IMPLICIT:  # a resolver for every first character: not the loader this was written for
        return _SLOW
    loader = _Loader(text)
    try:
        return _quick_events(loader.get_event)
    except Exception:  # a syntax or reader error, or anything unexpected: the careful path explains
        return _SLOW
    finally:
        loader.dispose()


def _quick_events(get: Any) -> Any:
    if get().__class__ is not yaml.StreamStartEvent or get().__class__ is not yaml.DocumentStartEvent:
        return _SLOW
    scalar, mapping_start, sequence_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    stack: list[tuple[Any, Any]] = []
    top: Any = None
    key: Any = _ROOT  # None: the mapping `top` expects a key; a str: it expects that key's value
    root: Any = _SLOW
    while True:
        event = get()
        cls = event.__class__
        if cls is scalar:
            if event.anchor is not None or event.tag is not None:
                return _SLOW
            value = event.value
            plain = event.implicit[0]
            if key is None:
                if value in top or (plain and _plain_tag(value) not in _KEY_TAGS):
                    return _SLOW
                key = value
                continue
            if plain and value[:1] in _IMPLICIT:
                value = _plain_value(value)
                if value is _SLOW:
                    return _SLOW
        elif cls is mapping_start or cls is sequence_start:
            if event.anchor is not None or event.tag is not None or key is None or len(stack) >= _QUICK_DEPTH:
                return _SLOW
            value = {} if cls is mapping_start else []
            if key is _SEQ:
                top.append(value)
            elif key is _ROOT:
                root = value
            else:
                top[key] = value
                key = None
            stack.append((top, key))
            top, key = value, (None if cls is mapping_start else _SEQ)
            continue
        elif cls in ends:
            if key is not None and key is not _SEQ:  # a key without a value: cannot happen, but be sure
                return _SLOW
            top, key = stack.pop()
            continue
        elif cls is yaml.DocumentEndEvent:
            break
        else:  # an alias, or anything else
            return _SLOW
        if key is _SEQ:
            top.append(value)
        elif key is _ROOT:
            root = value
        else:
            top[key] = value
            key = None
    if get().__class__ is not yaml.StreamEndEvent or not isinstance(root, dict):
        return _SLOW  # a second document, or a file that is not a mapping: the careful path says so
    return root


_KEY_TAGS = _SCALAR_TAGS | {_VALUE}


def _plain_tag(value: str) -> str:
    """The tag YAML's implicit resolvers give a plain scalar (what `Resolver.resolve` does)."""
    for tag, regexp in _IMPLICIT.get(value[:1], ()):
        if regexp.match(value):
            return tag
    return _STR


def _plain_value(value: str) -> Any:
    """A plain scalar as the careful path's `_Builder._scalar` reads it, or `_SLOW` if it would complain."""
    tag = _plain_tag(value)
    if tag in (_STR, _VALUE):
        return value
    if tag not in _SCALAR_TAGS:
        return _SLOW
    try:
        result = _constructor.yaml_constructors[tag](_constructor, yaml.ScalarNode(tag, value))
    except _CONSTRUCT_ERRORS:
        return _SLOW
    return _SLOW if _yaml11_surprise(tag, value, result) else result


def _show(value: Any, limit: int = 60) -> str:
    """A value quoted in a message: one short line, whatever the file holds."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return _escape(text)


def _escape(text: str) -> str:
    """Line breaks, control and bidi characters as visible escapes (`\\n`, `\\x1b`, `\\u202e`)."""
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def format_loc(loc: Iterable[Any]) -> str:
    """('cards', 3, 'seniority') -> 'cards[3].seniority'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            # A colon would make the field part of `path:line: field: message` ambiguous.
            name = _show(part, 40).replace(":", "\\x3a") or '""'
            out += f".{name}" if out else name
    return out


# ---------------------------------------------------------------- validation


def validate_file(parsed: ParsedFile) -> BankFile | None:
    """Validate parsed data against the model; problems are appended to `parsed.problems`."""
    if parsed.data is None and parsed.problems:
        return None
    if not isinstance(parsed.data, dict):  # a list, a scalar, or a document that is just `~`
        parsed.problems.append(f"{parsed.path}:1: file: must be a mapping with topic, title and cards")
        return None
    # Validate even when the parse found problems, to report everything in one go.
    try:
        return BankFile.model_validate(parsed.data)
    except ValidationError as exc:
        errors = [
            err
            for err in exc.errors(include_url=False)
            if not any(tuple(err["loc"])[:n] in parsed.reported for n in range(len(err["loc"]) + 1))
        ]
        errors.sort(key=lambda err: parsed.line(err["loc"]))
        # Only the first MAX_PROBLEMS_PER_FILE can be shown: spare the rest the "did you mean" search.
        for i, err in enumerate(errors):
            parsed.problems.append(_message(parsed, err, hints=i < MAX_PROBLEMS_PER_FILE))
        return None


def _message(parsed: ParsedFile, err: dict[str, Any], *, hints: bool = True) -> str:
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    kind = err["type"]
    field_name = next((p for p in reversed(loc) if isinstance(p, str)), "")
    got = err.get("input")
    if kind == "extra_forbidden":
        allowed = _allowed_fields(loc)
        hint = difflib.get_close_matches(str(loc[-1]), allowed, n=1) if hints else []
        msg = "unknown field" + (
            f"; did you mean `{hint[0]}`?" if hint else f" (allowed: {', '.join(allowed)})"
        )
    elif kind == "missing":
        msg = "required field is missing"
    elif kind == "literal_error":
        choices = _CHOICES.get(field_name, ())
        hint = difflib.get_close_matches(str(got), choices, n=1) if hints else []
        msg = f"must be one of {', '.join(choices)}" + (
            f" (got `{_show(got)}`; did you mean `{hint[0]}`?)" if hint else f" (got `{_show(got)}`)"
        )
    elif kind == "string_type":
        msg = f"must be text, not {_describe(got)}" + ("; put it in quotes" if _is_scalar(got) else "")
    elif kind == "list_type":
        msg = f"must be a list, not {_describe(got)}"
    elif kind in ("model_type", "dict_type", "model_attributes_type"):
        if len(loc) >= 2 and loc[-2] == "follow_ups":
            msg = f"must be a question (text) or a mapping with question and answer, not {_describe(got)}"
        else:
            msg = f"must be a mapping, not {_describe(got)}"
    elif kind == "string_too_short":
        msg = "must not be empty"
    elif kind == "too_short":
        need = err.get("ctx", {}).get("min_length", 1)
        msg = f"must have at least {need} item{'s' if need != 1 else ''}"
    elif kind == "string_pattern_mismatch":
        msg = f"`{_show(got)}` is not a valid slug: use lowercase letters, digits and single hyphens (e.g. `lora-rank`)"
    elif kind == "value_error":
        msg = err["msg"].removeprefix("Value error, ")
    else:
        msg = _escape(err["msg"])
    return f"{parsed.path}:{parsed.line(loc)}: {format_loc(loc) or 'file'}: {msg}"


def _allowed_fields(loc: tuple) -> list[str]:
    if len(loc) <= 1:
        return list(_TOPLEVEL_FIELDS)
    if loc[-2] == "numbers" or (len(loc) >= 3 and loc[-3] == "numbers"):
        return ["figure", "about"]
    if len(loc) >= 3 and loc[-3] == "follow_ups":
        return ["question", "answer"]
    return list(CARD_FIELDS)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (int, float, bool)) or value is None or hasattr(value, "isoformat")


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {_show(value)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if hasattr(value, "isoformat"):
        return f"the date {value}"
    return f"`{_show(value)}`"


# ---------------------------------------------------------------- the cache of validated files

CACHE_FORMAT = 1  # bump when what a cache file holds changes
# Below this many bytes in all, a bank loads in a few milliseconds: caching it would gain nothing and
# leave a cache entry behind for every small file someone validates once.
CACHE_MIN_BYTES = 128 * 1024


class BankCache:
    """Validated cards of bank files, one JSON file per bank file, in the user cache dir.

    An entry is used only if the bank file's resolved path, size, mtime and SHA-256 and the code that
    validated it (package version, cache format, the sources of the loader and the card model) all
    match, so a stale entry is never used. Reading never fails (a corrupt or unreadable entry is a
    miss, rewritten after the file is validated again); writing is atomic and never fails (a read-only
    cache dir just means no cache).
    """

    def __init__(self, folder: Path):
        self.folder = folder

    @classmethod
    def default(cls) -> BankCache:
        from interview_drill.paths import cache_dir

        return cls(cache_dir() / "banks")

    def key(self, path: Path, raw: bytes, mtime_ns: int) -> dict[str, Any]:
        return {
            "path": str(path.resolve()),
            "size": len(raw),
            "mtime_ns": mtime_ns,
            "sha256": hashlib.sha256(raw).hexdigest(),
            "code": _code_fingerprint(),
        }

    def _entry(self, key: dict[str, Any]) -> Path:
        return self.folder / (hashlib.sha256(key["path"].encode()).hexdigest()[:32] + ".json")

    def read(self, key: dict[str, Any]) -> bytes | None:
        """The raw entry for the file `key` describes (not yet checked), or None."""
        try:
            return self._entry(key).read_bytes()
        except OSError:
            return None

    def get(self, key: dict[str, Any], blob: bytes | None = None) -> tuple[str, str, list[Card]] | None:
        """(topic, title, cards) of the file `key` describes, or None. `blob`: what `read` gave."""
        try:
            blob = self.read(key) if blob is None else blob
            if blob is None:
                return None
            head, _, body = blob.partition(b"\n")
            if json.loads(head) != key:
                return None
            data = json.loads(body)
            topic, title = data["topic"], data["title"]
            cards = [_card_from_state(state) for state in data["cards"]]
            if not (isinstance(topic, str) and isinstance(title, str) and cards):
                return None
            return topic, title, cards
        except Exception:  # missing, unreadable, corrupt or from another version: a miss
            return None

    def put(self, key: dict[str, Any], model: BankFile) -> None:
        """Keep a validated file's cards; silently does nothing if the cache dir cannot be written."""
        tmp = None
        try:
            body = {
                "topic": model.topic,
                "title": model.title,
                "cards": [_card_state(c) for c in model.cards],
            }
            self.folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("wb", dir=self.folder, prefix=".tmp-", delete=False) as f:
                tmp = f.name
                f.write(json.dumps(key).encode() + b"\n" + json.dumps(body, ensure_ascii=False).encode())
            os.replace(tmp, self._entry(key))
            tmp = None
        except (OSError, ValueError, TypeError):
            pass
        finally:
            if tmp is not None:
                with suppress(OSError):
                    os.unlink(tmp)


@cache
def _code_fingerprint() -> str:
    """Changes whenever the code that parses and validates a bank might (also in a source checkout)."""
    import pydantic

    from interview_drill import __version__
    from interview_drill.domain import cards as models

    digest = hashlib.sha256(f"{__version__}|{CACHE_FORMAT}|{pydantic.VERSION}|{yaml.__version__}".encode())
    for source in (__file__, models.__file__):
        digest.update(Path(source).read_bytes())
    return digest.hexdigest()


# A model is stored as [field values, names of unset fields] and rebuilt without validation (the
# values were validated when the entry was written), by `speedups.model_builder`.
# tests/test_bank_cache.py checks that a rebuilt card equals the validated one in every respect.
_NAMES = {cls: frozenset(cls.model_fields) for cls in (Card, Number, FollowUp)}
_BUILDERS: dict[type, Any] = {}


def _model_state(model: Any, **values: Any) -> list[Any]:
    names = _NAMES[type(model)]
    fields = {name: model.__dict__[name] for name in names}
    return [fields | values, sorted(names - model.model_fields_set)]


def _card_state(card: Card) -> list[Any]:
    return _model_state(
        card,
        numbers=[_model_state(n) for n in card.numbers],
        follow_ups=[_model_state(f) for f in card.follow_ups],
    )


def _construct(cls: type, state: list[Any]) -> Any:
    values, unset = state
    names = _NAMES[cls]
    if values.keys() != names:
        raise ValueError("not a cached model")
    build = _BUILDERS.get(cls) or _BUILDERS.setdefault(cls, speedups.model_builder(cls))
    return build(values, set(names).difference(unset) if unset else set(names))


def _card_from_state(state: list[Any]) -> Card:
    values = state[0]
    values["numbers"] = [_construct(Number, n) for n in values["numbers"]]
    values["follow_ups"] = [_construct(FollowUp, f) for f in values["follow_ups"]]
    return _construct(Card, state)


# ---------------------------------------------------------------- whole banks


@dataclass
class _Loaded:
    """A file that loaded without problems; its line numbers are found only if a message needs one."""

    path: Path
    topic: str
    title: str
    cards: list[Card]
    parsed: ParsedFile | None = None

    def line(self, loc: tuple) -> int:
        if self.parsed is None:
            self.parsed = parse_file(self.path)  # rare: a cross-file problem in a quickly loaded file
        return self.parsed.line(loc)


def load_files(files: list[Path], *, extra_problems: Iterable[str] = (), cache: bool = True) -> Bank:
    """Parse and validate files, then check ids across them. Raises BankError with every problem.

    With `cache` (and at least CACHE_MIN_BYTES to load), files unchanged since they were last
    validated come from `BankCache`.
    """
    problems = list(extra_problems)
    store = BankCache.default() if cache and _total_size(files) >= CACHE_MIN_BYTES else None
    loaded: list[_Loaded] = []
    with speedups.paused():  # millions of objects and no cycles: the GC would only rescan them
        for path, fetched in zip(files, _prefetch(files, store), strict=True):
            entry, found = _load_file(path, store, fetched)
            problems += _capped(found, path)
            if entry is not None:
                loaded.append(entry)
        problems += _cross_check(loaded)
    if problems:
        raise BankError([_escape(p) for p in problems])
    cards = [card for entry in loaded for card in entry.cards]
    topics: dict[str, str] = {}
    for entry in loaded:
        topics.setdefault(entry.topic, entry.title)
    return Bank(cards=cards, topics=topics, files=list(files))


@dataclass
class _Fetched:
    """A bank file's bytes and, if a cache is in use, its cache key and the entry stored under it."""

    raw: bytes | None
    problems: list[str]
    key: dict[str, Any] | None = None
    entry: bytes | None = None


def _fetch(path: Path, store: BankCache | None) -> _Fetched:
    raw, mtime_ns, problems = _read_bytes(path)
    if raw is None or store is None:
        return _Fetched(raw, problems)
    key = store.key(path, raw, mtime_ns)
    return _Fetched(raw, problems, key, store.read(key))


def _prefetch(files: list[Path], store: BankCache | None) -> Iterator[_Fetched]:
    """`_fetch` of each file in order, done one or two files ahead in a background thread.

    Reading and hashing release the GIL, so they overlap with parsing (cold) or decoding the cache
    (warm) of the previous file: on two cores that hides them, ~10% of a warm start.
    """
    if len(files) < 2:
        yield from (_fetch(path, store) for path in files)
        return
    import queue
    import threading

    ahead: queue.Queue[_Fetched | BaseException] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def work() -> None:
        for path in files:
            if stop.is_set():
                return
            try:
                ahead.put(_fetch(path, store))
            except BaseException as exc:  # handed to the caller, which raises it
                ahead.put(exc)
                return

    worker = threading.Thread(target=work, name="bank-prefetch", daemon=True)
    worker.start()
    try:
        for _ in files:
            got = ahead.get()
            if isinstance(got, BaseException):
                raise got
            yield got
    finally:
        stop.set()
        while worker.is_alive():  # the caller stopped early: unblock the worker so it can end
            with suppress(queue.Empty):
                ahead.get(timeout=0.05)
        worker.join()


def _total_size(files: list[Path]) -> int:
    total = 0
    for path in files:
        with suppress(OSError):
            total += path.stat().st_size
    return total


def _load_file(path: Path, store: BankCache | None, fetched: _Fetched) -> tuple[_Loaded | None, list[str]]:
    """One file: from the cache, else the quick path, else the careful path (which gives messages)."""
    raw, key = fetched.raw, fetched.key
    if raw is None:
        return None, fetched.problems
    if store and key and (hit := store.get(key, fetched.entry)):
        return _Loaded(path, *hit), []
    text, problems = _decode(raw, path)
    if text is None:
        return None, problems
    model, parsed = None, None
    data = _quick_parse(text)
    if data is not _SLOW:
        with suppress(ValidationError):  # the careful path will say what is wrong, with lines
            model = BankFile.model_validate(data)
    if model is None:
        parsed = parse_text(text, path)
        model = validate_file(parsed)
        if model is None or parsed.problems:
            return None, parsed.problems
    if store and key:
        store.put(key, model)
    return _Loaded(path, model.topic, model.title, model.cards, parsed), []


def _capped(problems: list[str], path: Path) -> list[str]:
    """One file's problems in line order, at most MAX_PROBLEMS_PER_FILE of them."""
    prefix = f"{path}:"

    def line_of(problem: str) -> int:
        head = problem[len(prefix) :].split(":", 1)[0] if problem.startswith(prefix) else ""
        return int(head) if head.isdigit() else 0

    ordered = sorted(problems, key=line_of)
    if len(ordered) <= MAX_PROBLEMS_PER_FILE:
        return ordered
    rest = ordered[MAX_PROBLEMS_PER_FILE:]
    return ordered[:MAX_PROBLEMS_PER_FILE] + [
        f"{path}:{line_of(rest[0]) or 1}: file: {len(rest)} more problems not shown; fix the ones above first"
    ]


def _cross_check(loaded: list[_Loaded]) -> list[str]:
    """Problems that only show across files: ids used twice, related ids that no card has."""
    found: dict[int, list[str]] = {id(entry): [] for entry in loaded}
    owner: dict[str, tuple[_Loaded, tuple]] = {}  # id or alias -> where it was first given
    given = [card.id for entry in loaded for card in entry.cards]
    given += [a for entry in loaded for card in entry.cards for a in card.aliases]
    unique = len(set(given)) == len(given)  # the usual case: no need to say where each id is given
    for entry in [] if unique else loaded:
        for i, card in enumerate(entry.cards):
            names = [(card.id, ("cards", i, "id"))]
            if card.aliases:
                names += [(a, ("cards", i, "aliases", j)) for j, a in enumerate(card.aliases)]
            for name, loc in names:
                if name in owner:
                    first, first_loc = owner[name]
                    found[id(entry)].append(
                        f"{entry.path}:{entry.line(loc)}: {format_loc(loc)}: id `{name}` is already used at "
                        f"{first.path}:{first.line(first_loc)}"
                    )
                else:
                    owner[name] = (entry, loc)
    known = {card.id for entry in loaded for card in entry.cards}
    pool: list[str] | None = None  # "did you mean" candidates, sorted only if a related id is unknown
    for entry in loaded:
        mine = found[id(entry)]
        for i, card in enumerate(entry.cards):
            if known.issuperset(card.related):
                continue
            for j, rel in enumerate(card.related):
                if rel not in known:
                    loc = ("cards", i, "related", j)
                    if pool is None:
                        pool = sorted(known) if len(known) <= _MAX_HINT_POOL else []
                    hint = (
                        difflib.get_close_matches(rel, pool, n=1) if len(mine) < MAX_PROBLEMS_PER_FILE else []
                    )
                    mine.append(
                        f"{entry.path}:{entry.line(loc)}: {format_loc(loc)}: unknown card id `{rel}`"
                        + (f"; did you mean `{hint[0]}`?" if hint else "")
                    )
    return [p for entry in loaded for p in _capped(found[id(entry)], entry.path)]


def iter_bank_paths(user_paths: list[Path], include_builtin: bool, builtin: Path) -> Iterator[Path]:
    if include_builtin:
        yield builtin
    yield from user_paths


def load_bank(user_paths: list[Path] | None = None, *, include_builtin: bool = True) -> Bank:
    """The built-in bank plus the user's banks, validated. Raises BankError."""
    from interview_drill.paths import builtin_bank_dir

    paths = list(iter_bank_paths(list(user_paths or []), include_builtin, builtin_bank_dir()))
    if not paths:
        raise BankError(["bank: no banks to load: --no-builtin was given without --bank or IDRILL_BANK"])
    files, problems = bank_files(paths)
    if not files and not problems:
        problems = [f"{os.pathsep.join(map(str, paths))}: bank: no .yaml files found"]
    return load_files(files, extra_problems=problems)
