"""One card's whole review log, as written (`idrill card ID`): kept apart from `history.py`."""

from __future__ import annotations

import json

from interview_drill.domain.review import CardRow, LogEntry, Phase, Rating, from_ms
from interview_drill.storage.history import Store


def card_log(store: Store, slug: str) -> list[LogEntry]:
    """Every review of one card, cram included, oldest first, with the state before each."""
    cur = store.conn.execute(
        "SELECT r.rating, r.reviewed_at, r.kind, r.phase_before, r.before, r.duration_ms, r.session_id, "
        "r.answer, r.traps_hit FROM reviews r JOIN cards c ON c.id = r.card_id WHERE c.slug = ? "
        "ORDER BY r.reviewed_at, r.id",
        (slug,),
    )
    return [
        LogEntry(
            slug=slug,
            rating=Rating(rating),
            reviewed_at=from_ms(at),
            kind=kind,
            phase_before=Phase(phase),
            before=CardRow.from_dict(json.loads(before)) if before is not None else None,
            duration_ms=duration,
            session_id=sid,
            answer=answer,
            traps_hit=tuple(json.loads(traps)) if traps is not None else None,
        )
        for rating, at, kind, phase, before, duration, sid, answer, traps in cur
    ]
