"""A card as the fields of an Anki note: HTML written by `markup.to_anki`, so the bank's `code`,
**bold** and *emphasis* arrive in Anki as formatting, never as raw markers, and card text is
escaped. Pure: the .apkg itself (note type, deck, tags, GUIDs, the file) is app's Anki writer.
"""

from __future__ import annotations

from collections.abc import Iterable

from interview_drill.domain.cards import Card
from interview_drill.render.markup import to_anki


def _bullets(items: Iterable[str]) -> str:
    # An empty field, not an empty list: the note type hides a section whose field is empty.
    items = list(items)
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>" if items else ""


def note_fields(card: Card) -> dict[str, str]:
    """The note's fields by name (the names of app's ANKI_FIELDS), as HTML."""
    return {
        "Question": to_anki(card.question),
        "Outline": _bullets(to_anki(line) for line in card.outline),
        "Numbers": _bullets(f"<b>{to_anki(n.figure)}</b> — {to_anki(n.about)}" for n in card.numbers),
        "FollowUps": _bullets(
            to_anki(f.question) + (f"<br><i>{to_anki(f.answer)}</i>" if f.answer else "")
            for f in card.follow_ups
        ),
        "Traps": _bullets(to_anki(trap) for trap in card.traps),
        "Id": to_anki(card.id),
    }
