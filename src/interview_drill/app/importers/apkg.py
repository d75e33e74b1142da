"""Anki packages (.apkg) as cards: front → question, back → outline, tags kept.

Basic and "Basic (and reversed card)" notes give their first field as the question and their
second as the outline: one bullet per list item, or else per line. Notes exported by idrill keep
every field (numbers, follow-ups, traps, id). HTML becomes our inline markup (bold, emphasis,
code); other tags, images and sounds are dropped. Cloze notes are reported, not imported.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from interview_drill.app.anki import ANKI_MODEL_NAME
from interview_drill.app.importers.drafts import Draft, SourceError, read_source, split_number, split_tags
from interview_drill.files import safe_name
from interview_drill.storage.anki_collection import AnkiNote, NotACollection, read_notes

_MAX_COLLECTION = 200_000_000
_WRAP = {"b": "**", "strong": "**", "i": "*", "em": "*", "code": "`"}
_BREAKS = {"br", "div", "p", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "ul", "ol"}


class _Text(HTMLParser):
    """HTML as lines of text with our markup; list items kept apart from the other lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.items: list[str] = []
        self.buf: list[str] = []
        self.in_item = 0
        self.skip = 0

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.buf)).strip()
        if text:
            (self.items if self.in_item else self.lines).append(text)
        self.buf = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in _WRAP:
            self.buf.append(_WRAP[tag])
        elif tag == "li":
            self._flush()
            self.in_item += 1
        elif tag in _BREAKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in _WRAP:
            self.buf.append(_WRAP[tag])
        elif tag == "li":
            self._flush()
            self.in_item = max(0, self.in_item - 1)
        elif tag in _BREAKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.buf.append(re.sub(r"\[sound:[^\]]*\]", "", data))

    def result(self) -> tuple[list[str], list[str]]:
        self._flush()
        return self.lines, self.items


def html_lines(html: str) -> tuple[list[str], list[str]]:
    """(lines outside lists, list items) of an Anki field, as text with our inline markup."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.result()


def html_text(html: str) -> str:
    lines, items = html_lines(html)
    return " ".join(lines + items) or unescape(re.sub(r"<[^>]*>", "", html)).strip()


def read_apkg(path: Path) -> tuple[list[Draft], list[str]]:
    """The notes of an .apkg as drafts (line = the note's position), and file-level problems."""
    shown = safe_name(path)
    read_source(path)  # regular file, size cap
    try:
        with zipfile.ZipFile(path) as archive, tempfile.TemporaryDirectory(prefix="idrill-apkg-") as work:
            names = set(archive.namelist())
            member = next((n for n in ("collection.anki21", "collection.anki2") if n in names), None)
            if member is None:
                if "collection.anki21b" in names:
                    raise SourceError(
                        f"{shown}:1: file: written by a newer Anki in a compressed format; export it again "
                        "with “Support older Anki versions” ticked"
                    )
                raise SourceError(f"{shown}:1: file: has no Anki collection inside")
            if archive.getinfo(member).file_size > _MAX_COLLECTION:
                raise SourceError(f"{shown}:1: file: its collection is over 200 MB")
            target = Path(work) / "collection.sqlite"
            target.write_bytes(archive.read(member))
            notes = read_notes(target)
    except zipfile.BadZipFile:
        raise SourceError(f"{shown}:1: file: is not an Anki package (not a zip archive)") from None
    except NotACollection as exc:
        raise SourceError(f"{shown}:1: file: {exc}") from None
    drafts = [_draft(path, shown, i, note) for i, note in enumerate(notes, 1)]
    return drafts, []


def _draft(path: Path, shown: str, line: int, note: AnkiNote) -> Draft:
    draft = Draft(path, line)
    data: dict[str, Any] = draft.data
    if note.cloze:
        draft.problems.append(
            f"{shown}:{line}: note: cloze notes cannot be imported (note type “{note.notetype}”)"
        )
        return draft
    if len(note.fields) < 2:
        draft.problems.append(f"{shown}:{line}: note: needs a front and a back field")
        return draft
    fields = dict(zip(note.field_names, note.fields, strict=False))
    ours = note.notetype == ANKI_MODEL_NAME and "Question" in fields
    front, back = (fields["Question"], fields.get("Outline", "")) if ours else note.fields[:2]
    data["question"] = html_text(front)
    lines, items = html_lines(back)
    outline = items or lines
    if outline:
        data["outline"] = outline
    tags = []
    for tag in note.tags:
        level, _, value = tag.partition("::")
        if level in ("seniority", "kind", "frequency") and value:
            data[level] = value
        elif level != "topic" or not value:
            tags.append(tag)
    if tags:
        data["tags"] = split_tags(" ".join(tags))
    if ours:
        _our_fields(fields, data, draft, shown)
    return draft


def _our_fields(fields: dict[str, str], data: dict[str, Any], draft: Draft, shown: str) -> None:
    """An idrill export's other fields: numbers, follow-ups (answer in italics), traps, id."""
    if card_id := html_text(fields.get("Id", "")):
        data["id"] = card_id
    _, numbers = html_lines(fields.get("Numbers", ""))
    for item in numbers:
        number = split_number(item)
        if number is None:
            draft.problems.append(f"{shown}:{draft.line}: numbers: cannot read `{item}`")
        else:
            data.setdefault("numbers", []).append(number)
    for raw in re.findall(r"<li>(.*?)</li>", fields.get("FollowUps", ""), flags=re.S):
        question, _, answer = raw.partition("<br>")
        entry: Any = html_text(question)
        if answer:
            entry = {"question": entry, "answer": html_text(answer).strip("*")}
        data.setdefault("follow_ups", []).append(entry)
    _, traps = html_lines(fields.get("Traps", ""))
    if traps:
        data["traps"] = traps
