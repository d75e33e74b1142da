"""Find question-bank YAML files, parse them with line numbers, validate them into a Bank.

Every problem of every file is collected and reported as one `BankError` whose lines read
`path:line: field: message`. Parsing is `yaml.safe_load` semantics built on the composed node
tree (fast C composer when available), which gives line numbers, duplicate-key detection and
alias rejection in one pass.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from interview_drill.errors import BankError
from interview_drill.models import CARD_FIELDS, FREQUENCIES, KINDS, SENIORITIES, BankFile, Card

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 24
BANK_SUFFIXES = (".yaml", ".yml")

try:  # The C composer is several times faster; fall back to pure Python.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

_STR = "tag:yaml.org,2002:str"
_SCALAR_TAGS = {
    _STR,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_constructor = yaml.constructor.SafeConstructor()
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

    def close_ids(self, card_id: str, n: int = 3) -> list[str]:
        return difflib.get_close_matches(card_id, list(self.by_id), n=n, cutoff=0.5)


# ---------------------------------------------------------------- finding files


def bank_files(paths: Iterable[Path]) -> tuple[list[Path], list[str]]:
    """Expand files and directories into YAML files; missing paths become problems."""
    files: list[Path] = []
    problems: list[str] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.suffix in BANK_SUFFIXES and p.is_file() and not _hidden(p.relative_to(path))
            )
            files += found
        elif path.is_file():
            files.append(path)
        else:
            problems.append(f"{path}: bank: no such file or directory")
    return files, problems


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
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [f"{path}:1: file: is {size / 1e6:.1f} MB; bank files are limited to 5 MB"]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [f"{path}:1: file: cannot be read ({exc.strerror or exc})"]
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
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = exc.problem or exc.context or "cannot parse"
        lines = text.splitlines()
        if 0 < line <= len(lines) and "\t" in lines[line - 1]:
            what += " (tabs are not allowed for indentation; use spaces)"
        return ParsedFile(path, None, {}, [f"{path}:{line}: syntax: {what}"])
    except yaml.YAMLError as exc:
        return ParsedFile(path, None, {}, [f"{path}:1: syntax: {exc}"])
    except RecursionError:
        return ParsedFile(path, None, {}, [f"{path}:1: syntax: nesting is too deep"])
    if node is None:
        return ParsedFile(path, None, {}, [f"{path}:1: file: is empty; expected topic, title and cards"])
    builder = _Builder(path)
    try:
        data = builder.build(node, (), 0)
    except _Abort as stop:
        return ParsedFile(path, None, builder.lines, builder.problems + [stop.problem])
    return ParsedFile(path, data, builder.lines, builder.problems, builder.reported)


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
            raise _Abort(f"{self.where(loc[:2], line)}: nesting is deeper than {MAX_DEPTH} levels")
        self.lines.setdefault(loc, line)
        if isinstance(node, yaml.MappingNode):
            if node.tag != "tag:yaml.org,2002:map":
                return self._bad_tag(node, loc, line)
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problems.append(
                        f"{self.where(loc, key_node.start_mark.line + 1)}: keys must be plain text"
                    )
                    continue
                key = key_node.value
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

    def _bad_tag(self, node: yaml.Node, loc: tuple, line: int) -> Any:
        self.reported.add(loc)
        self.problems.append(f"{self.where(loc, line)}: the YAML tag {node.tag!r} is not allowed in a bank")
        # Stand in the raw text for a scalar so validation does not report the same value twice.
        return node.value if isinstance(node, yaml.ScalarNode) else None

    def _scalar(self, node: yaml.ScalarNode, loc: tuple, line: int) -> Any:
        tag = node.tag
        if tag == _STR:
            return node.value
        if tag not in _SCALAR_TAGS:
            return self._bad_tag(node, loc, line)
        if node.style:  # quoted or block scalars with an explicit non-str tag, e.g. !!int "3"
            return _constructor.construct_object(node, deep=True)
        raw = node.value
        value = _constructor.construct_object(node, deep=True)
        surprise = _yaml11_surprise(tag, raw, value)
        if surprise:
            self.problems.append(f"{self.where(loc, line)}: {surprise}")
            return raw  # report once; don't let validation complain about the same value again
        return value


def _yaml11_surprise(tag: str, raw: str, value: Any) -> str | None:
    """Plain scalars that YAML 1.1 silently turns into something the author did not write."""
    if tag.endswith(":bool") and raw.lower() not in ("true", "false"):
        return f"YAML reads `{raw}` as the boolean {value}; put it in quotes if you mean the text"
    if tag.endswith((":int", ":float")):
        plain = raw.lstrip("+-")
        if (
            ":" in plain
            or "_" in plain
            or plain.lower().startswith(("0x", "0b", "0o"))
            or (tag.endswith(":int") and len(plain) > 1 and plain.startswith("0"))
        ):
            return f"YAML reads `{raw}` as the number {value}; put it in quotes if you mean the text"
    return None


def format_loc(loc: Iterable[Any]) -> str:
    """('cards', 3, 'seniority') -> 'cards[3].seniority'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


# ---------------------------------------------------------------- validation


def validate_file(parsed: ParsedFile) -> BankFile | None:
    """Validate parsed data against the model; problems are appended to `parsed.problems`."""
    if parsed.data is None:
        return None
    if not isinstance(parsed.data, dict):
        parsed.problems.append(f"{parsed.path}:1: file: must be a mapping with topic, title and cards")
        return None
    # Validate even when the parse found problems, to report everything in one go.
    try:
        return BankFile.model_validate(parsed.data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            if not any(loc[: len(r)] == r for r in parsed.reported):
                parsed.problems.append(_message(parsed, err))
        return None


def _message(parsed: ParsedFile, err: dict[str, Any]) -> str:
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    kind = err["type"]
    field_name = next((p for p in reversed(loc) if isinstance(p, str)), "")
    got = err.get("input")
    if kind == "extra_forbidden":
        allowed = _allowed_fields(loc)
        hint = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        msg = "unknown field" + (
            f"; did you mean `{hint[0]}`?" if hint else f" (allowed: {', '.join(allowed)})"
        )
    elif kind == "missing":
        msg = "required field is missing"
    elif kind == "literal_error":
        choices = _CHOICES.get(field_name, ())
        hint = difflib.get_close_matches(str(got), choices, n=1)
        msg = f"must be one of {', '.join(choices)}" + (
            f" (got `{got}`; did you mean `{hint[0]}`?)" if hint else f" (got `{got}`)"
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
        msg = f"`{got}` is not a valid slug: use lowercase letters, digits and single hyphens (e.g. `lora-rank`)"
    elif kind == "value_error":
        msg = err["msg"].removeprefix("Value error, ")
    else:
        msg = err["msg"]
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
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if hasattr(value, "isoformat"):
        return f"the date {value}"
    return f"`{value}`"


# ---------------------------------------------------------------- whole banks


def load_files(files: list[Path], *, extra_problems: Iterable[str] = ()) -> Bank:
    """Parse and validate files, then check ids across them. Raises BankError with every problem."""
    problems = list(extra_problems)
    loaded: list[tuple[ParsedFile, BankFile]] = []
    for path in files:
        parsed = parse_file(path)
        model = validate_file(parsed)
        problems += sorted(parsed.problems, key=_line_of)
        if model is not None and not parsed.problems:
            loaded.append((parsed, model))
    problems += _cross_check(loaded)
    if problems:
        raise BankError(problems)
    cards = [card for _, model in loaded for card in model.cards]
    topics: dict[str, str] = {}
    for _, model in loaded:
        topics.setdefault(model.topic, model.title)
    return Bank(cards=cards, topics=topics, files=list(files))


def _line_of(problem: str) -> int:
    parts = problem.split(":", 2)
    return int(parts[1]) if len(parts) > 2 and parts[1].isdigit() else 0


def _cross_check(loaded: list[tuple[ParsedFile, BankFile]]) -> list[str]:
    problems: list[str] = []
    owner: dict[str, str] = {}  # id or alias -> "path:line"
    for parsed, model in loaded:
        for i, card in enumerate(model.cards):
            for name, loc in [(card.id, ("cards", i, "id"))] + [
                (a, ("cards", i, "aliases", j)) for j, a in enumerate(card.aliases)
            ]:
                here = f"{parsed.path}:{parsed.line(loc)}"
                if name in owner:
                    problems.append(
                        f"{here}: {format_loc(loc)}: id `{name}` is already used at {owner[name]}"
                    )
                else:
                    owner[name] = here
    known = {card.id for _, model in loaded for card in model.cards}
    for parsed, model in loaded:
        for i, card in enumerate(model.cards):
            for j, rel in enumerate(card.related):
                if rel not in known:
                    loc = ("cards", i, "related", j)
                    hint = difflib.get_close_matches(rel, known, n=1)
                    problems.append(
                        f"{parsed.path}:{parsed.line(loc)}: {format_loc(loc)}: unknown card id `{rel}`"
                        + (f"; did you mean `{hint[0]}`?" if hint else "")
                    )
    return problems


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
