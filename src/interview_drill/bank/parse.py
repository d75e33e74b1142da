"""The careful parser: a bank file as plain data with the line of every node, and every problem.

Parsing is `yaml.safe_load` semantics built on the composed node tree (fast C composer when
available), which gives line numbers and duplicate-key detection. A streaming pass over the
parser's events comes first: it refuses aliases, a second document and nesting deep enough to crash
the (recursive) composer before the composer runs. Every parser error is mapped to our own wording
(the parser's explanation follows in brackets). `validate_file` then checks the data against the
card model and adds pydantic's errors as problem lines. Whatever a file holds, the result is data
or problems: never another exception.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from interview_drill.bank.discover import read_text
from interview_drill.bank.messages import escape, format_loc, show, validation_problems
from interview_drill.bank.yaml_rules import (
    C_LOADER,
    KEY_TAGS,
    MERGE,
    SCALAR_TAGS,
    STR,
    VALUE,
    Loader,
    read_scalar,
)
from interview_drill.domain.cards import BankFile

MAX_DEPTH = 24
# Our own wording for a file the YAML parser refuses. The parser's explanation follows in brackets as
# a detail: its wording changes between releases, ours does not.
SYNTAX = "not valid YAML"
_NO_MERGE = "merge keys (`<<`) are not allowed in a bank; write the fields out"


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


def parse_file(path: Path) -> ParsedFile:
    """Parse one YAML file into plain data with line numbers, collecting problems."""
    text, problems = read_text(path)
    if text is None:
        return ParsedFile(path, None, {}, problems)
    return parse_text(text, path)


def parse_text(text: str, path: Path) -> ParsedFile:
    """Parse a bank file's text (read from `path`) into plain data with line numbers and problems."""
    try:
        refused = _check_events(text, path)
        if refused:
            return ParsedFile(path, None, {}, [refused])
        node = yaml.compose(text, Loader=Loader)
    except yaml.MarkedYAMLError as exc:
        return ParsedFile(path, None, {}, [_syntax_problem(exc, text, path)])
    except yaml.reader.ReaderError as exc:
        return ParsedFile(path, None, {}, [_reader_problem(exc, text, path)])
    except yaml.YAMLError as exc:
        return ParsedFile(path, None, {}, [f"{path}:1: syntax: {SYNTAX} ({escape(str(exc))[:200]})"])
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
        parsed.problems += validation_problems(exc, parsed.path, parsed.line, parsed.reported)
        return None


# ---------------------------------------------------------------- what the parser refuses


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
    detail = escape(detail)[:200]
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
    head = text.encode("utf-8", "replace")[: mark.index] if C_LOADER else text[: mark.index].encode()
    # Net count, not a scan: only asked once the parser has already refused the file.
    depth = head.count(b"[") + head.count(b"{") - head.count(b"]") - head.count(b"}")
    if depth >= MAX_DEPTH:
        return True
    start = head.rfind(b"\n") + 1
    row = head[start:]
    return len(row) - len(row.lstrip(b" -")) >= 2 * MAX_DEPTH


def _reader_problem(exc: yaml.reader.ReaderError, text: str, path: Path) -> str:
    """A character YAML refuses to read (raw control characters, U+FFFE…), with its line."""
    # The C reader counts bytes of the UTF-8 encoding, the Python one counts characters.
    if C_LOADER:
        line = text.encode("utf-8", "replace")[: exc.position].count(b"\n") + 1
    else:
        line = text[: exc.position].count("\n") + 1
    char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
    return (
        f"{path}:{line}: file: contains the character U+{char:04X}, which YAML does not allow; "
        "remove it, or write it as an escape inside double quotes"
    )


def _is_empty(node: yaml.Node) -> bool:
    """A document with nothing in it (a lone `---`), which the composer hands back as an empty null."""
    return isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null") and node.value == ""


# ---------------------------------------------------------------- the event pre-pass


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
    for event in yaml.parse(text, Loader=Loader):
        if isinstance(event, yaml.NodeEvent):
            loc = _event_loc(stack, event)
            line = event.start_mark.line + 1 if event.start_mark else 1
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
                line = event.start_mark.line + 1 if event.start_mark else 1
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


# ---------------------------------------------------------------- the builder


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
        assert isinstance(node, yaml.ScalarNode)  # the composer makes no other kind of node
        return self._scalar(node, loc, line)

    def _key(self, node: yaml.Node, loc: tuple) -> str | None:
        """A mapping key as text, or None (and a problem) for keys a bank cannot have."""
        line = node.start_mark.line + 1
        if not isinstance(node, yaml.ScalarNode):
            problem = "keys must be plain text"
        elif node.tag == MERGE:
            problem = _NO_MERGE
        elif node.tag in KEY_TAGS:
            return node.value
        else:
            problem = f"the YAML tag {show(node.tag)!r} is not allowed in a bank"
        self.problems.append(f"{self.where(loc, line)}: {problem}")
        return None

    def _bad_tag(self, node: yaml.Node, loc: tuple, line: int) -> Any:
        self.reported.add(loc)
        self.problems.append(
            f"{self.where(loc, line)}: the YAML tag {show(node.tag)!r} is not allowed in a bank"
        )
        # Stand in the raw text for a scalar so validation does not report the same value twice.
        return node.value if isinstance(node, yaml.ScalarNode) else None

    def _scalar(self, node: yaml.ScalarNode, loc: tuple, line: int) -> Any:
        tag = node.tag
        if tag in (STR, VALUE):
            return node.value
        if tag not in SCALAR_TAGS:
            return self._bad_tag(node, loc, line)
        value, problem = read_scalar(node)
        if problem:
            self.reported.add(loc)  # report once; don't let validation complain about the same value again
            self.problems.append(f"{self.where(loc, line)}: {problem}")
        return value
