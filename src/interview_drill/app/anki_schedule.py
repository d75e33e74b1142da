"""Your schedule in an Anki deck: each card's FSRS memory, due date and review log, written into
the collection genanki made (`export anki --with-schedule`).

Anki reads a card's scheduling from its `cards` row and its memory from the row's `data` JSON, and
its history from `revlog` (see `storage.anki_collection` for the columns, as rslib defines them).
Importing the deck with "Import any learning progress" then continues where idrill left off:
review cards keep their due day, learning cards their due time, FSRS its stability and difficulty.
New cards are left as genanki wrote them; cram reviews are left out, as in every revlog export.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import Any

from interview_drill.app.anki import anki_guid
from interview_drill.domain.review import CardRow, Phase
from interview_drill.domain.settings import Settings
from interview_drill.storage.anki_collection import (
    AnkiReview,
    AnkiSchedule,
    collection_created,
    write_schedule,
)
from interview_drill.storage.history import Store
from interview_drill.storage.transfer import history_records

_DAY = 86_400
_REVLOG_TYPE = {Phase.NEW: 0, Phase.LEARNING: 0, Phase.REVIEW: 1, Phase.RELEARNING: 2}


def fsrs_factor(difficulty: float) -> int:
    """Anki's revlog `factor` under FSRS: difficulty 1–10 mapped to 100–1100."""
    return round((0.1 + (difficulty - 1) / 9) * 1000)


def card_schedule(row: CardRow, crt: int, now: datetime, settings: Settings) -> AnkiSchedule | None:
    """A studied card's Anki scheduling columns; None for a card never studied (left new)."""
    m = row.memory
    if m is None:
        return None
    due_s = int(m.due.timestamp())
    day = (due_s - crt) // _DAY
    data = json.dumps(
        {
            "s": round(m.stability, 4),
            "d": round(m.difficulty, 3),
            "dr": round(settings.desired_retention, 2),
            "lrt": int(m.last_review.timestamp()),
        },
        separators=(",", ":"),
    )
    if m.phase == Phase.REVIEW:
        ctype, queue, due, left = 2, 2, day, 0
        ivl = max(1, round((m.due - m.last_review).total_seconds() / _DAY))
    else:
        steps = settings.learning_steps if m.phase == Phase.LEARNING else settings.relearning_steps
        left = max(0, len(steps) - (m.step or 0))
        ctype = 1 if m.phase == Phase.LEARNING else 3
        soon = due_s - int(now.timestamp()) < _DAY
        queue, due = (1, due_s) if soon else (3, day)
        ivl = 0 if m.phase == Phase.LEARNING else max(1, round(m.stability))
    if row.suspended:
        queue = -1
    elif row.buried_until is not None and row.buried_until > now:
        queue = -3
    return AnkiSchedule(ctype, queue, due, ivl, 2500, row.reps, row.lapses, left, data)


def _interval(state: CardRow | None, at_ms: int) -> int:
    """A revlog interval: days (positive) for a review card, seconds (negative) while learning."""
    m = state.memory if state else None
    if m is None:
        return 0
    secs = int(m.due.timestamp() - at_ms / 1000)
    if m.phase == Phase.REVIEW:
        return max(1, round(secs / _DAY))
    return -max(1, secs)


def review_log(records: list[dict[str, Any]], rows: dict[str, CardRow]) -> dict[str, list[AnkiReview]]:
    """Each card's scheduled and mock reviews as revlog rows, oldest first.

    The state after a review is the state the next review started from (logged with it), or the
    card's current state after its last review.
    """
    by_card: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        if r.get("type") == "review" and r["kind"] != "cram":
            by_card[r["slug"]].append(r)
    out: dict[str, list[AnkiReview]] = {}
    for slug, reviews in by_card.items():
        reviews.sort(key=lambda r: r["reviewed_at"])
        entries: list[AnkiReview] = []
        last_ivl = 0
        for i, r in enumerate(reviews):
            after: CardRow | None = rows.get(slug)
            if i + 1 < len(reviews) and reviews[i + 1]["before"]:
                after = CardRow.from_dict(reviews[i + 1]["before"])
            ivl = _interval(after, r["reviewed_at"])
            difficulty = after.memory.difficulty if after and after.memory else 5.0
            entries.append(
                AnkiReview(
                    id=r["reviewed_at"],
                    ease=r["rating"],
                    ivl=ivl,
                    last_ivl=last_ivl,
                    factor=fsrs_factor(difficulty),
                    time=min(int(r["duration_ms"] or 0), 2**31 - 1),
                    type=_REVLOG_TYPE[Phase(r["phase_before"])],
                )
            )
            last_ivl = ivl
        out[slug] = entries
    return out


def schedule_writer(
    store: Store, slugs: set[str], settings: Settings, now: datetime
) -> tuple[Callable[[sqlite3.Connection], None], dict[str, int]]:
    """The hook `write_anki` calls on the collection, and the counts it fills in (cards, reviews)."""
    records = list(history_records(store))
    rows = {slug: row for slug, row in store.rows().items() if slug in slugs}
    log = {slug: entries for slug, entries in review_log(records, rows).items() if slug in slugs}
    counts = {"cards": 0, "reviews": 0}

    def write(conn: sqlite3.Connection) -> None:
        crt = collection_created(conn)
        states = {}
        for slug, row in rows.items():
            schedule = card_schedule(row, crt, now, settings)
            if schedule is not None:
                states[anki_guid(slug)] = schedule
        cards, reviews = write_schedule(
            conn, states, {anki_guid(s): e for s, e in log.items()}, int(now.timestamp())
        )
        counts.update(cards=cards, reviews=reviews)

    return write, counts
