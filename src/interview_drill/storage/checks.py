"""The history of coding-exercise checks (table `code_checks`, migration 3): SQL only.

Every check of an attempt is kept, from `idrill code --check` (standalone) and from the drill's `c`
key, where it is then linked to the review it was rated with (`link_review`). Undoing that review
unlinks it (a trigger of the migration): the check itself happened and stays.
"""

from __future__ import annotations

from datetime import datetime

from interview_drill.domain.figures.coding import LastCheck
from interview_drill.domain.review import from_ms, to_ms
from interview_drill.storage.history import Store


def record_check(
    store: Store,
    slug: str,
    at: datetime,
    *,
    passed: int,
    total: int,
    seconds: float,
    error: str | None = None,
    review_id: int | None = None,
) -> int:
    """Keep one check's result; its row id (to link it to a review later)."""
    with store.transaction():
        cur = store.conn.execute(
            "INSERT INTO code_checks (slug, checked_at, passed, total, seconds, error, review_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (slug, to_ms(at), passed, total, round(seconds, 3), error, review_id),
        )
        return int(cur.lastrowid or 0)


def link_review(store: Store, check_id: int, review_id: int) -> None:
    """Say which review a check was rated with (the drill's `c` key)."""
    with store.transaction():
        store.conn.execute("UPDATE code_checks SET review_id = ? WHERE id = ?", (review_id, check_id))


def last_checks(store: Store) -> dict[str, LastCheck]:
    """slug → its newest check."""
    out: dict[str, LastCheck] = {}
    cur = store.conn.execute(
        "SELECT slug, checked_at, passed, total, error FROM code_checks ORDER BY checked_at, id"
    )
    for slug, at, passed, total, error in cur:
        out[slug] = LastCheck(slug, from_ms(at), passed, total, error)
    return out


def checks_of(store: Store, slug: str) -> list[tuple[LastCheck, int | None]]:
    """Every check of one card, oldest first, each with the review it was rated with (if any)."""
    cur = store.conn.execute(
        "SELECT checked_at, passed, total, error, review_id FROM code_checks WHERE slug = ? "
        "ORDER BY checked_at, id",
        (slug,),
    )
    return [
        (LastCheck(slug, from_ms(at), passed, total, error), rid) for at, passed, total, error, rid in cur
    ]
