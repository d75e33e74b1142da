"""Make card text inert: no control characters and no terminal escape sequences.

Every output starts from this; escaping for one format (HTML, Markdown, CSV, Anki) is render's.
"""

from __future__ import annotations

import re
from functools import cache

# C0 controls except tab and newline, DEL, C1 controls, and whole ANSI/OSC escape sequences.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    """Remove terminal escape sequences and control characters, keeping tabs and newlines."""
    return _CONTROL.sub("", _ANSI.sub("", text))


# JSON written with ensure_ascii=False keeps these raw; a terminal reading U+009B as CSI would act on
# what follows. As \uXXXX escapes they are the same JSON value, and inert. (Compiled when first used,
# like the next one: the commands that write no JSON, every one but a few, skip ~0.2 ms.)
@cache
def _raw_in_json() -> re.Pattern[str]:
    return re.compile(r"[\x7f-\x9f\u2028\u2029]")


# The same characters in the text's UTF-8, found by searches for fixed bytes (C speed, ~3x faster than
# the class above over a 1.5 MB report, which is all one JSON text).
@cache
def _c1_utf8() -> re.Pattern[bytes]:
    return re.compile(rb"\xc2[\x80-\x9f]")


def inert_json(text: str) -> str:
    """JSON text (from `json.dumps(..., ensure_ascii=False)`) with DEL, C1 controls and line separators escaped."""
    if text.isascii():  # a one-byte string: the search for DEL is a memchr
        if "\x7f" not in text:
            return text
    elif _inert_utf8(text.encode("utf-8", "surrogatepass"), ascii=False):  # json.dumps keeps a lone surrogate
        return text
    return _escape_raw(text)


def inert_json_utf8(text: str) -> bytes:
    """`inert_json(text)` as UTF-8 (strict: a lone surrogate raises, as writing it to a file would),
    encoded once: the bytes searched for what needs escaping are the ones returned."""
    raw = text.encode("utf-8")
    if _inert_utf8(raw, ascii=len(raw) == len(text)):  # as many bytes as characters: all ASCII
        return raw
    return _escape_raw(text).encode("utf-8")


def _inert_utf8(raw: bytes, *, ascii: bool) -> bool:
    """Whether UTF-8 `raw` holds nothing `inert_json` escapes (`ascii`: it is all ASCII, so no C1)."""
    if b"\x7f" in raw:
        return False
    if ascii:
        return True
    return b"\xe2\x80\xa8" not in raw and b"\xe2\x80\xa9" not in raw and not _c1_utf8().search(raw)


def _escape_raw(text: str) -> str:
    return _raw_in_json().sub(lambda m: f"\\u{ord(m.group()):04x}", text)


_TSV = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def tsv_field(text: str) -> str:
    """A field of a tab-separated line: inert, and a backslash, tab or line break written as an escape."""
    return strip_controls(text).translate(_TSV)
