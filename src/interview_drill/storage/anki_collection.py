"""Anki collections (the SQLite file inside an .apkg): reading notes for `import`, and writing
the scheduling of an exported deck (`cards` rows and `revlog`, as rslib's card and revlog modules
define them) for `export anki --with-schedule`.

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


# ------------------------------------------------------------------ writing a schedule


@dataclass(frozen=True)
class AnkiSchedule:
    """A card's scheduling columns (rslib `Card`): type 0 new, 1 learn, 2 review, 3 relearn; queue
    0 new, 1 learn (due in epoch seconds), 2 review and 3 day-learn (due in days since the
    collection's `crt`), -1 suspended, -3 buried; ivl in days; left: learning steps to go; data:
    the FSRS memory as JSON (`s` stability, `d` difficulty 1–10, `dr` desired retention, `lrt` last
    review in epoch seconds)."""

    type: int
    queue: int
    due: int
    ivl: int
    factor: int
    reps: int
    lapses: int
    left: int
    data: str


@dataclass(frozen=True)
class AnkiReview:
    """One revlog row (rslib `RevlogEntry`): id = answer time in epoch ms; ease = button 1–4; ivl and
    last_ivl in days when positive, seconds when negative; factor = 1000 × (0.1 + (d − 1) / 9) under
    FSRS; time = answer time in ms; type 0 learning, 1 review, 2 relearning."""

    id: int
    ease: int
    ivl: int
    last_ivl: int
    factor: int
    time: int
    type: int


def collection_created(conn: sqlite3.Connection) -> int:
    """The collection's creation time (`col.crt`, epoch seconds): day numbers count from it."""
    (crt,) = conn.execute("SELECT crt FROM col").fetchone()
    return int(crt)


def write_schedule(
    conn: sqlite3.Connection,
    states: dict[str, AnkiSchedule],
    reviews: dict[str, list[AnkiReview]],
    mtime: int,
) -> tuple[int, int]:
    """Give each note's card (found by note GUID) its schedule and revlog; returns (cards, reviews)."""
    card_of = dict(
        conn.execute("SELECT n.guid, c.id FROM notes n JOIN cards c ON c.nid = n.id AND c.ord = 0")
    )
    cards = written = 0
    taken = {r[0] for r in conn.execute("SELECT id FROM revlog")}
    for guid, s in states.items():
        cid = card_of.get(guid)
        if cid is None:
            continue
        conn.execute(
            "UPDATE cards SET type=?, queue=?, due=?, ivl=?, factor=?, reps=?, lapses=?, left=?, data=?, mod=? "
            "WHERE id=?",
            (s.type, s.queue, s.due, s.ivl, s.factor, s.reps, s.lapses, s.left, s.data, mtime, cid),
        )
        cards += 1
    for guid, entries in reviews.items():
        cid = card_of.get(guid)
        if cid is None:
            continue
        for r in entries:
            rid = r.id
            while rid in taken:  # revlog ids are unique: two answers in one ms move apart by 1 ms
                rid += 1
            taken.add(rid)
            conn.execute(
                "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
                "VALUES (?, ?, -1, ?, ?, ?, ?, ?, ?)",
                (rid, cid, r.ease, r.ivl, r.last_ivl, r.factor, r.time, r.type),
            )
            written += 1
    return cards, written
