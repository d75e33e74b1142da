"""Make card text inert before it reaches a terminal, a CSV cell or a Markdown file."""

from __future__ import annotations

import re
import unicodedata

# C0 controls except tab and newline, DEL, C1 controls, and whole ANSI/OSC escape sequences.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    """Remove terminal escape sequences and control characters, keeping tabs and newlines."""
    return _CONTROL.sub("", _ANSI.sub("", text))


# Characters a spreadsheet skips or folds before it decides that a cell is a formula: invisible
# format characters and spaces in front, and fullwidth look-alikes (＝ folds to = under NFKC).
_INVISIBLE = " \u00a0\u200b\u200c\u200d\u2060\ufeff\u180e\u3000"
_FORMULA = ("=", "+", "-", "@")


def csv_cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = strip_controls(str(value))
    first = unicodedata.normalize("NFKC", text.lstrip(_INVISIBLE)[:1])
    if text[:1] in ("\t", "\r") or first[:1] in _FORMULA:
        return "'" + text
    return text


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def markdown_inline(text: str) -> str:
    """Card text safe inside a Markdown paragraph or table cell: no HTML, no stray markup."""
    text = strip_controls(text).replace("\n", " ")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("|", "\\|")
