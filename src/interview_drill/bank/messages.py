"""Problem lines: how a bank's problems read, `path:line: field: message`, whatever the file holds.

Owns the wording for pydantic's validation errors (mapped to our own messages, with "did you mean"
hints), the escaping that keeps a hostile value from breaking a line in two or acting on a terminal,
field locations (`cards[3].seniority`), and the per-file cap and order of problems. Knows nothing
about YAML: the parsers hand it locations and lines.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interview_drill.domain.cards import CARD_FIELDS, FREQUENCIES, KINDS, SENIORITIES

if TYPE_CHECKING:
    from pydantic import ValidationError
    from pydantic_core import ErrorDetails

MAX_PROBLEMS_PER_FILE = 100
# Characters that would break a `path:line: field: message` line or act on a terminal: shown escaped.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]")
_TOPLEVEL_FIELDS = ("topic", "title", "cards")
_CHOICES = {"seniority": SENIORITIES, "frequency": FREQUENCIES, "kind": KINDS}


def escape(text: str) -> str:
    """Line breaks, control and bidi characters as visible escapes (`\\n`, `\\x1b`, `\\u202e`)."""
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def show(value: Any, limit: int = 60) -> str:
    """A value quoted in a message: one short line, whatever the file holds."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return escape(text)


def format_loc(loc: Iterable[Any]) -> str:
    """('cards', 3, 'seniority') -> 'cards[3].seniority'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            # A colon would make the field part of `path:line: field: message` ambiguous.
            name = show(part, 40).replace(":", "\\x3a") or '""'
            out += f".{name}" if out else name
    return out


def capped(problems: list[str], path: Path) -> list[str]:
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


# ---------------------------------------------------------------- pydantic's errors


def validation_problems(
    exc: ValidationError, path: Path, line: Callable[[tuple], int], reported: set[tuple]
) -> list[str]:
    """pydantic's errors as problem lines in line order, leaving out values the parser reported.

    `line` gives the line of a location; `reported` holds the locations (and their parents) the
    parser already complained about, so one bad value is never reported twice.
    """
    errors = [
        err
        for err in exc.errors(include_url=False)
        if not any(tuple(err["loc"])[:n] in reported for n in range(len(err["loc"]) + 1))
    ]
    errors.sort(key=lambda err: line(err["loc"]))
    # Only the first MAX_PROBLEMS_PER_FILE can be shown: spare the rest the "did you mean" search.
    return [_message(path, line, err, hints=i < MAX_PROBLEMS_PER_FILE) for i, err in enumerate(errors)]


def _message(path: Path, line: Callable[[tuple], int], err: ErrorDetails, *, hints: bool = True) -> str:
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
            f" (got `{show(got)}`; did you mean `{hint[0]}`?)" if hint else f" (got `{show(got)}`)"
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
        msg = f"`{show(got)}` is not a valid slug: use lowercase letters, digits and single hyphens (e.g. `lora-rank`)"
    elif kind == "value_error":
        msg = err["msg"].removeprefix("Value error, ")
    else:
        msg = escape(err["msg"])
    return f"{path}:{line(loc)}: {format_loc(loc) or 'file'}: {msg}"


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
        return f"the number {show(value)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if hasattr(value, "isoformat"):
        return f"the date {value}"
    return f"`{show(value)}`"
