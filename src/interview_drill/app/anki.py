"""Cards as an Anki deck (.apkg, written with genanki): one note per card, stable ids and GUIDs.

genanki is imported only when a deck is written. Anki matches notes on re-import by GUID, and the
note type and deck by id, so a newer export of the same cards updates them instead of duplicating.
"""

from __future__ import annotations

import html
import itertools
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from interview_drill.domain.cards import Card
from interview_drill.domain.textsafe import strip_controls
from interview_drill.files import atomic_write

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


def _html(text: str) -> str:
    """Card text is untrusted: no controls, no markup of its own; newlines become line breaks."""
    return html.escape(strip_controls(text)).replace("\n", "<br>")


def _bullets(items: Iterable[str]) -> str:
    items = list(items)
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>" if items else ""


def anki_fields(card: Card) -> list[str]:
    """The note's fields, in ANKI_FIELDS order, as escaped HTML."""
    return [
        _html(card.question),
        _bullets(_html(line) for line in card.outline),
        _bullets(f"<b>{_html(n.figure)}</b> — {_html(n.about)}" for n in card.numbers),
        _bullets(
            _html(f.question) + (f"<br><i>{_html(f.answer)}</i>" if f.answer else "") for f in card.follow_ups
        ),
        _bullets(_html(trap) for trap in card.traps),
        _html(card.id),
    ]


def anki_tags(card: Card) -> list[str]:
    """Hierarchical tags for topic, seniority and kind, then the card's own tags (all slugs: no spaces)."""
    return [f"topic::{card.topic}", f"seniority::{card.seniority}", f"kind::{card.kind}", *card.tags]


def anki_guid(card_id: str) -> str:
    import genanki

    return genanki.guid_for(card_id)


def write_anki(cards: Sequence[Card], out: Path, *, timestamp: float) -> int:
    """Write an .apkg with one note per card; returns the number of notes.

    `timestamp` (seconds) stamps the notes, so the same cards at the same time give the same file.
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
        deck.add_note(
            genanki.Note(model=model, fields=anki_fields(card), tags=anki_tags(card), guid=anki_guid(card.id))
        )
    package = genanki.Package(deck)

    def write(target: Path) -> None:
        # Package.write_to_file leaves its SQLite temp file behind: build the collection ourselves.
        with tempfile.TemporaryDirectory(prefix="idrill-anki-") as work:
            collection = Path(work) / "collection.anki2"
            conn = sqlite3.connect(collection)
            try:
                package.write_to_db(conn.cursor(), timestamp, itertools.count(int(timestamp * 1000)))
                conn.commit()
            finally:
                conn.close()
            stamp = time.gmtime(max(timestamp, 315_532_800))[:6]  # zip dates start in 1980
            with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
                for name, payload in (("collection.anki2", collection.read_bytes()), ("media", b"{}")):
                    archive.writestr(zipfile.ZipInfo(name, date_time=stamp), payload, zipfile.ZIP_DEFLATED)

    atomic_write(out, write)
    return len(cards)
