"""Make card text inert: no control characters and no terminal escape sequences.

Every output starts from this; escaping for one format (HTML, Markdown, CSV, Anki) is render's.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls, and whole ANSI/OSC escape sequences.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    """Remove terminal escape sequences and control characters, keeping tabs and newlines."""
    return _CONTROL.sub("", _ANSI.sub("", text))
