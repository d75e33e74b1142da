"""SQL for manual reschedules (`idrill postpone`): each moved card's state before and after, by batch.

A batch is one command. Undo restores every card of the newest batch to its state before, as long
as nothing changed it since (a rating afterwards makes the stored "after" stale: then undo refuses).
Call the writers inside `Store.transaction()`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from interview_drill.domain.review import CardRow, to_ms
from interview_drill.storage.history import Store


@dataclass(frozen=True)
class Moved:
    card_id: int
    before: CardRow
    after: CardRow


def next_batch(store: Store) -> int:
    row = store.conn.execute("SELECT COALESCE(MAX(batch), 0) FROM reschedules").fetchone()
    return int(row[0]) + 1


def record(store: Store, batch: int, moved: Moved, at: datetime, kind: str) -> None:
    store.conn.execute(
        "INSERT INTO reschedules (batch, card_id, at, kind, before, after) VALUES (?, ?, ?, ?, ?, ?)",
        (
            batch,
            moved.card_id,
            to_ms(at),
            kind,
            json.dumps(moved.before.to_dict()),
            json.dumps(moved.after.to_dict()),
        ),
    )


def newest_batch(store: Store, kind: str | None = None) -> tuple[int, list[Moved]] | None:
    """The newest batch (of one kind, if given) and its moves (oldest first), or None when there is none."""
    sql, args = "SELECT MAX(batch) FROM reschedules", tuple[str, ...]()
    if kind is not None:
        sql, args = sql + " WHERE kind = ?", (kind,)
    row = store.conn.execute(sql, args).fetchone()
    if row is None or row[0] is None:
        return None
    batch = int(row[0])
    moves = [
        Moved(int(card_id), CardRow.from_dict(json.loads(before)), CardRow.from_dict(json.loads(after)))
        for card_id, before, after in store.conn.execute(
            "SELECT card_id, before, after FROM reschedules WHERE batch = ? ORDER BY id", (batch,)
        )
    ]
    return batch, moves


def forget_batch(store: Store, batch: int) -> None:
    store.conn.execute("DELETE FROM reschedules WHERE batch = ?", (batch,))
