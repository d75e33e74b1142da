"""Model grades of typed answers, one per review (table `grades`, migration 3).

A grade is deleted with its review (a trigger: `undo` needs no change), so a later review that
reuses the id never inherits it.
"""

from __future__ import annotations

from datetime import datetime

from interview_drill.domain.review import from_ms
from interview_drill.storage.history import Store


def save(store: Store, review_id: int, model: str, prompt_version: str, grade_json: str) -> None:
    """Store the grade of review `review_id` (replacing any earlier one), committed."""
    with store.transaction():
        store.conn.execute(
            "INSERT OR REPLACE INTO grades (review_id, model, prompt_version, grade) VALUES (?, ?, ?, ?)",
            (review_id, model, prompt_version, grade_json),
        )


def _present(store: Store) -> bool:
    """A read-only command may open a history not yet migrated to 3: it has no grades then."""
    found = store.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'grades'")
    return found.fetchone() is not None


def for_card(store: Store, slug: str) -> list[tuple[datetime, str]]:
    """(reviewed_at, grade JSON) of the card's graded reviews, oldest first."""
    if not _present(store):
        return []
    rows = store.conn.execute(
        "SELECT r.reviewed_at, g.grade FROM grades g JOIN reviews r ON r.id = g.review_id "
        "JOIN cards c ON c.id = r.card_id WHERE c.slug = ? ORDER BY r.reviewed_at, r.id",
        (slug,),
    ).fetchall()
    return [(from_ms(at), grade) for at, grade in rows]


def all_grades(store: Store) -> list[tuple[str, str]]:
    """(slug, grade JSON) of every graded review that is not cram."""
    if not _present(store):
        return []
    rows = store.conn.execute(
        "SELECT c.slug, g.grade FROM grades g JOIN reviews r ON r.id = g.review_id "
        "JOIN cards c ON c.id = r.card_id WHERE r.kind != 'cram' ORDER BY r.reviewed_at, r.id"
    ).fetchall()
    return [(slug, grade) for slug, grade in rows]
