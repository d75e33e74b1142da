"""Make card text inert before it reaches a terminal, a CSV cell or a Markdown file."""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls, and whole ANSI/OSC escape sequences.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    """Remove terminal escape sequences and control characters, keeping tabs and newlines."""
    return _CONTROL.sub("", _ANSI.sub("", text))


def csv_cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = strip_controls(str(value))
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def markdown_inline(text: str) -> str:
    """Card text safe inside a Markdown paragraph or table cell: no HTML, no stray markup."""
    text = strip_controls(text).replace("\n", " ")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("|", "\\|")
