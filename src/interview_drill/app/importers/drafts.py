"""What a reader hands over: a card's fields in our names, with where each came from."""

from __future__ import annotations

import hashlib
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from interview_drill.files import safe_name

MAX_SOURCE_BYTES = 20_000_000
SLUG_MAX = 60


@dataclass
class Draft:
    """One card read from a source: `data` holds our field names (no topic), `lines` their lines."""

    source: Path
    line: int
    data: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    title: str = ""  # a title the source gives its topic (a Markdown `# Title`), if any
    problems: list[str] = field(default_factory=list)  # this card's problem lines

    def line_of(self, loc: tuple[Any, ...]) -> int:
        return self.lines.get(str(loc[0]), self.line) if loc else self.line


def slugify(text: str, limit: int = SLUG_MAX) -> str:
    """A slug of `text` (accents folded, markup dropped), cut at a word boundary; '' if nothing is left."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    if len(slug) > limit:
        cut = slug[: limit + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut else slug[:limit]
    return slug.strip("-")


def card_slug(question: str) -> str:
    """The id a question gets: its slug, or a short hash when no letter or digit survives."""
    return slugify(question) or "card-" + hashlib.sha256(question.encode()).hexdigest()[:8]


def split_items(text: str) -> list[str]:
    """A cell's list: one item per line when it has several lines, else split on `;`."""
    lines = [ln.strip() for ln in text.replace("\r\n", "\n").split("\n")]
    parts = lines if len([ln for ln in lines if ln]) > 1 else text.split(";")
    return [re.sub(r"^(?:[-*+•]|\d+[.)])\s+", "", p.strip()) for p in parts if p.strip()]


def split_tags(text: str) -> list[str]:
    """Tags given as `a, b c;d` (or Anki's space-separated, with `::` levels): slugs, in order, once."""
    seen: list[str] = []
    for raw in re.split(r"[,;\s]+", text):
        tag = slugify(raw.replace("::", "-"))
        if tag and tag not in seen:
            seen.append(tag)
    return seen


def split_number(text: str) -> dict[str, str] | None:
    """`**figure** about`, `figure: about` or `figure — about` as a number; None if it is neither."""
    text = text.strip()
    m = re.match(r"^\*\*(.+?)\*\*\s*[:—–-]?\s*(.+)$", text)
    if m:
        return {"figure": m.group(1).strip(), "about": m.group(2).strip()}
    for sep in (": ", " — ", " – ", " :: "):
        if sep in text:
            figure, about = text.split(sep, 1)
            if figure.strip() and about.strip():
                return {"figure": figure.strip(), "about": about.strip()}
    return None


def split_follow_up(text: str) -> str | dict[str, str]:
    """`question :: answer` as a follow-up with its answer; otherwise the bare question."""
    if " :: " in text:
        q, a = text.split(" :: ", 1)
        return {"question": q.strip(), "answer": a.strip()}
    return text.strip()


class SourceError(Exception):
    """A source file that cannot be read at all; the message is one problem line."""


def read_source(path: Path) -> bytes:
    """A source file's bytes: regular files only, at most MAX_SOURCE_BYTES."""
    shown = safe_name(path)
    try:
        info = os.stat(path)
    except OSError as exc:
        raise SourceError(f"{shown}:1: file: cannot be read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(info.st_mode):
        raise SourceError(f"{shown}:1: file: is not a regular file")
    if info.st_size > MAX_SOURCE_BYTES:
        raise SourceError(f"{shown}:1: file: is {info.st_size / 1e6:.1f} MB; sources are limited to 20 MB")
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_SOURCE_BYTES + 1)
    except OSError as exc:
        raise SourceError(f"{shown}:1: file: cannot be read ({exc.strerror or exc})") from None
    if len(raw) > MAX_SOURCE_BYTES:
        raise SourceError(f"{shown}:1: file: is over 20 MB; sources are limited to 20 MB")
    return raw


def read_source_text(path: Path) -> str:
    """A text source as str (UTF-8, a byte-order mark allowed), newlines normalised."""
    raw = read_source(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SourceError(f"{safe_name(path)}:{line}: file: is not valid UTF-8; save it as UTF-8") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")
