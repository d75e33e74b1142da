"""What `idrill reschedule` replaced (table `reschedules`), so that one run can be undone as one step."""

from __future__ import annotations

import json
from datetime import datetime

from interview_drill.domain.review import CardRow, from_ms, to_ms
from interview_drill.storage.history import Store


def record(store: Store, done_at: datetime, before: list[CardRow]) -> None:
    """Remember the states a reschedule replaced; call inside the reschedule's `transaction()`."""
    store.conn.execute(
        "INSERT INTO reschedules (done_at, before) VALUES (?, ?)",
        (to_ms(done_at), json.dumps([row.to_dict() for row in before])),
    )


def latest(store: Store) -> tuple[int, datetime, list[CardRow]] | None:
    found = store.conn.execute(
        "SELECT id, done_at, before FROM reschedules ORDER BY id DESC LIMIT 1"
    ).fetchone()
    if found is None:
        return None
    rid, at, before = found
    return rid, from_ms(at), [CardRow.from_dict(d) for d in json.loads(before)]


def forget(store: Store, reschedule_id: int) -> None:
    store.conn.execute("DELETE FROM reschedules WHERE id = ?", (reschedule_id,))


def reviewed_since(store: Store, slug: str, moment: datetime) -> bool:
    return (
        store.conn.execute(
            "SELECT 1 FROM reviews r JOIN cards c ON c.id = r.card_id WHERE c.slug = ? AND r.reviewed_at > ? "
            "AND r.kind != 'cram' LIMIT 1",
            (slug, to_ms(moment)),
        ).fetchone()
        is not None
    )
