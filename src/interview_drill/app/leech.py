"""What happens when a card becomes a leech (`leech_action`): it is tagged, or also suspended."""

from __future__ import annotations

from interview_drill.domain.review import CardRow
from interview_drill.domain.settings import Settings
from interview_drill.storage.history import Store


def on_new_leech(store: Store, row: CardRow, settings: Settings) -> str:
    """Carry out `leech_action` for a card that just became a leech; the line to tell the user."""
    if settings.leech_action == "suspend":
        store.set_suspended([row.slug], True)
        return f"{row.slug} is a leech ({row.lapses} lapses): suspended; rewrite it or split it, then unsuspend it"
    return f"{row.slug} is now a leech ({row.lapses} lapses): worth rewriting or splitting"
