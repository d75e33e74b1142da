"""Cards as an Anki deck (.apkg, written with genanki): one note per card, stable ids and GUIDs.

genanki is imported only when a deck is written. Anki matches notes on re-import by GUID, and the
note type and deck by id, so a newer export of the same cards updates them instead of duplicating.
"""

from __future__ import annotations

import itertools
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from interview_drill.domain.cards import Card
from interview_drill.files import Target, atomic_write

# Fixed forever: Anki recognises the note type and the deck by these ids, and each note by its GUID
# (from the card id), so importing a newer export updates the notes instead of duplicating them.
# Changing ANKI_FIELDS needs a new model id.
ANKI_MODEL_ID = 1_742_031_981
ANKI_DECK_ID = 1_742_031_982
ANKI_DECK_NAME = "Interview drill"
ANKI_MODEL_NAME = "interview-drill card"
ANKI_FIELDS = ("Question", "Outline", "Numbers", "FollowUps", "Traps", "Id")
_ANKI_FRONT = '<div class="question">{{Question}}</div>'
_ANKI_BACK = (
    '{{FrontSide}}<hr id="answer">'
    "{{#Outline}}<h4>Outline</h4>{{Outline}}{{/Outline}}"
    "{{#Numbers}}<h4>Numbers to drop</h4>{{Numbers}}{{/Numbers}}"
    "{{#FollowUps}}<h4>Follow-ups</h4>{{FollowUps}}{{/FollowUps}}"
    "{{#Traps}}<h4>Traps</h4>{{Traps}}{{/Traps}}"
    '<div class="id">{{Id}}</div>'
)
_ANKI_CSS = (
    ".card { font-family: sans-serif; font-size: 18px; text-align: left; }\n"
    ".question { font-weight: bold; }\n"
    ".id { margin-top: 1em; font-size: 12px; color: #888; }\n"
)


def anki_tags(card: Card) -> list[str]:
    """Hierarchical tags for topic, seniority and kind, then the card's own tags (all slugs: no spaces)."""
    return [f"topic::{card.topic}", f"seniority::{card.seniority}", f"kind::{card.kind}", *card.tags]


def anki_guid(card_id: str) -> str:
    import genanki

    return genanki.guid_for(card_id)


def earlier_anki(head: bytes) -> bool:
    """Whether a file's first bytes are an Anki package (a zip holding `collection.anki2`)."""
    return head.startswith(b"PK\x03\x04") and b"collection.anki2" in head


def write_anki(
    cards: Sequence[Card],
    out: Path,
    *,
    timestamp: float,
    fields: Callable[[Card], Mapping[str, str]],
    schedule: Callable[[sqlite3.Connection], None] | None = None,
    target: Target | None = None,
) -> int:
    """Write an .apkg with one note per card; returns the number of notes.

    `fields(card)` gives the note's fields as HTML by name (ANKI_FIELDS), rendered by the caller
    (render/anki.py: app does not format card text). `timestamp` (seconds) stamps the notes, so the
    same cards at the same time give the same file. `schedule(conn)`, if given, edits the
    collection genanki wrote (cards' scheduling, revlog) before it is packed (app/anki_schedule.py).
    """
    import genanki

    model = genanki.Model(
        ANKI_MODEL_ID,
        ANKI_MODEL_NAME,
        fields=[{"name": name} for name in ANKI_FIELDS],
        templates=[{"name": "Question", "qfmt": _ANKI_FRONT, "afmt": _ANKI_BACK}],
        css=_ANKI_CSS,
    )
    deck = genanki.Deck(ANKI_DECK_ID, ANKI_DECK_NAME)
    for card in cards:
        note = fields(card)
        deck.add_note(
            genanki.Note(
                model=model,
                fields=[note[name] for name in ANKI_FIELDS],
                tags=anki_tags(card),
                guid=anki_guid(card.id),
            )
        )
    package = genanki.Package(deck)

    def write(target: Path) -> None:
        # Package.write_to_file leaves its SQLite temp file behind: build the collection ourselves.
        with tempfile.TemporaryDirectory(prefix="idrill-anki-") as work:
            collection = Path(work) / "collection.anki2"
            conn = sqlite3.connect(collection)
            try:
                package.write_to_db(conn.cursor(), timestamp, itertools.count(int(timestamp * 1000)))
                if schedule is not None:
                    schedule(conn)
                conn.commit()
            finally:
                conn.close()
            stamp = time.gmtime(max(timestamp, 315_532_800))[:6]  # zip dates start in 1980
            with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
                for name, payload in (("collection.anki2", collection.read_bytes()), ("media", b"{}")):
                    archive.writestr(zipfile.ZipInfo(name, date_time=stamp), payload, zipfile.ZIP_DEFLATED)

    atomic_write(out, write, what="Anki deck", target=target)
    return len(cards)
