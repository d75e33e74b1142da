"""Anki collections (the SQLite file inside an .apkg): reading notes for `import`.

Both schemas are read: 11 (note types as JSON in `col.models`, what genanki and "support older
Anki versions" exports write) and 18 (`notetypes` and `fields` tables). The file is opened
read-only and immutable: it is a temporary copy, never the user's own collection.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class AnkiNote:
    note_id: int
    guid: str
    notetype: str
    cloze: bool
    field_names: tuple[str, ...]
    fields: tuple[str, ...]
    tags: tuple[str, ...]


class NotACollection(Exception):
    """The file is not an Anki collection we can read; the message says why."""


def read_notes(path: Path) -> list[AnkiNote]:
    """Every note of the collection at `path`, in note-id order. Raises NotACollection."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        raise NotACollection(f"cannot be opened ({exc})") from None
    try:
        types = _notetypes(conn)
        rows = conn.execute("SELECT id, guid, mid, tags, flds FROM notes ORDER BY id").fetchall()
    except sqlite3.Error as exc:
        raise NotACollection(f"is not an Anki collection ({exc})") from None
    finally:
        conn.close()
    notes = []
    for note_id, guid, mid, tags, flds in rows:
        name, cloze, names = types.get(mid, ("", False, ()))
        notes.append(
            AnkiNote(
                note_id,
                str(guid),
                name,
                cloze,
                names,
                tuple(str(flds).split("\x1f")),
                tuple(str(tags).split()),
            )
        )
    return notes


def _notetypes(conn: sqlite3.Connection) -> dict[int, tuple[str, bool, tuple[str, ...]]]:
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "notetypes" in tables and "fields" in tables:
        names: dict[int, list[str]] = {}
        for ntid, _, fname in conn.execute("SELECT ntid, ord, name FROM fields ORDER BY ntid, ord"):
            names.setdefault(ntid, []).append(fname)
        return {
            ntid: (name, "cloze" in name.lower(), tuple(names.get(ntid, [])))
            for ntid, name in conn.execute("SELECT id, name FROM notetypes")
        }
    (models,) = conn.execute("SELECT models FROM col").fetchone()
    found = {}
    for mid, model in json.loads(models or "{}").items():
        found[int(mid)] = (
            str(model.get("name", "")),
            model.get("type") == 1,
            tuple(str(f.get("name", "")) for f in model.get("flds", [])),
        )
    return found
