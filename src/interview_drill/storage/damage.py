"""Damaged rows: values in the history database that no reader can use (a phase of 9, a NULL
stability on a review card, `before` that is not JSON, a `reviewed_at` of 'x', a rating of 7).

One bad value must not crash every command: the readers in `history.py` and `transfer.py` select
only rows that pass the conditions below (in SQL, so 100,000 reviews cost no Python loop), `find`
lists the others with their ids and what is wrong, and `repair` backs the file up and then resets
bad cards to new and moves bad log rows out into a JSON Lines file beside the database.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from interview_drill.domain.bounds import (
    MAX_COUNT,
    MAX_DIFFICULTY,
    MAX_MS,
    MAX_STABILITY,
    MAX_STEP,
    MIN_DIFFICULTY,
    memory_problem,
)
from interview_drill.domain.review import KINDS_OF_REVIEW


# Text and blobs sort above every number in SQLite, so a BETWEEN or an IN on a number column refuses
# them without a typeof() per row (it doubles a 100k-row scan). A NULL makes a comparison NULL, not
# false: each condition is wrapped in coalesce(…, 0) so that `NOT` of it finds the NULL rows too.
def _time(col: str) -> str:
    return f"({col} BETWEEN 0 AND {MAX_MS})"


def _count(col: str) -> str:
    return f"({col} BETWEEN 0 AND {MAX_COUNT})"


_KINDS = ", ".join(f"'{k}'" for k in KINDS_OF_REVIEW)

# A card row the scheduler can use (domain/bounds.py's memory_problem, in SQL).
KEEP_VALID_CARD = (
    "(typeof(slug) = 'text' AND phase IN (0, 1, 2, 3)"
    f" AND {_count('reps')} AND {_count('lapses')}"
    f" AND (buried_until IS NULL OR {_time('buried_until')})"
    " AND (content_hash IS NULL OR typeof(content_hash) = 'text')"
    " AND (phase = 0 OR ("
    f"(step IS NULL OR (typeof(step) = 'integer' AND step BETWEEN 0 AND {MAX_STEP}))"
    f" AND stability > 0 AND stability <= {MAX_STABILITY}"
    f" AND difficulty BETWEEN {MIN_DIFFICULTY} AND {MAX_DIFFICULTY}"
    f" AND {_time('due')} AND {_time('last_review')})))"
)
VALID_CARD = f"coalesce({KEEP_VALID_CARD}, 0)"
# `KEEP_VALID_CARD` is for a WHERE that keeps the valid rows, where a NULL drops a row as a false
# does: there SQLite tests the terms with jumps, stopping at the first false one, while inside
# coalesce() it computes every term's value (10,000 rows: ~half the work). `DAMAGED_CARD` is
# `NOT VALID_CARD` in the same jumping form (a NULL is not true: damaged).
DAMAGED_CARD = f"CASE WHEN {KEEP_VALID_CARD} THEN 0 ELSE 1 END"


def _json(col: str, kind: str) -> str:
    # CASE, not AND: SQLite may evaluate json_type() first, and it raises on malformed JSON.
    return f"(CASE WHEN json_valid({col}) THEN json_type({col}) = '{kind}' ELSE 0 END)"


def valid_review(r: str = "r", *, whole: bool = True) -> str:
    """A review row (table alias `r`) every reader can use; `whole=False` checks only the columns the
    figures read (time, rating, kind, phase, duration), skipping the JSON parse of `before`."""
    core = (
        f"{_time(f'{r}.reviewed_at')} AND {r}.rating IN (1, 2, 3, 4)"
        f" AND {r}.kind IN ({_KINDS}) AND {r}.phase_before IN (0, 1, 2, 3)"
        f" AND ({r}.duration_ms IS NULL OR {_count(f'{r}.duration_ms')})"
    )
    if not whole:
        return f"coalesce(({core}), 0)"
    return (
        f"coalesce(({core} AND ({r}.answer IS NULL OR typeof({r}.answer) = 'text')"
        f" AND ({r}.before IS NULL OR {_json(f'{r}.before', 'object')})"
        f" AND ({r}.traps_hit IS NULL OR {_json(f'{r}.traps_hit', 'array')})), 0)"
    )


VALID_REVIEW = valid_review()
VALID_SESSION = f"coalesce((typeof(mode) = 'text' AND {_time('started_at')} AND (ended_at IS NULL OR {_time('ended_at')})), 0)"
VALID_NUMBER_ANSWER = (
    f"coalesce((typeof(slug) = 'text' AND typeof(answer) = 'text' AND {_time('answered_at')}"
    " AND typeof(figure_index) = 'integer' AND figure_index >= 0 AND correct IN (0, 1)), 0)"
)


@dataclass(frozen=True)
class DamagedRow:
    """One row no reader can use: its table, row id, card and what is wrong with it."""

    table: str
    row_id: int
    slug: str | None
    problem: str

    def describe(self) -> str:
        card = f" (card {self.slug})" if self.slug else ""
        return f"{self.table} row {self.row_id}{card}: {self.problem}"


def find(conn: sqlite3.Connection) -> list[DamagedRow]:
    """Every damaged row, cards first, each with what is wrong."""
    found: list[DamagedRow] = []
    for row in conn.execute(
        "SELECT id, slug, phase, step, stability, difficulty, due, last_review, reps, lapses, buried_until "
        f"FROM cards WHERE NOT {VALID_CARD} ORDER BY id"
    ):
        cid, slug, phase, step, stab, diff, due, last, reps, lapses, buried = row
        problem = memory_problem(phase, step, stab, diff, due, last) or (
            f"reps, lapses or buried_until out of range ({reps!r}, {lapses!r}, {buried!r})"
        )
        found.append(DamagedRow("cards", cid, slug if isinstance(slug, str) else None, problem))
    for row in conn.execute(
        "SELECT r.id, c.slug, r.reviewed_at, r.rating, r.kind, r.phase_before, r.before, r.traps_hit "
        f"FROM reviews r LEFT JOIN cards c ON c.id = r.card_id WHERE NOT {VALID_REVIEW} ORDER BY r.id"
    ):
        rid, slug, at, rating, kind, phase, before, traps = row
        found.append(
            DamagedRow("reviews", rid, slug, _review_problem(at, rating, kind, phase, before, traps))
        )
    for sid, mode, started in conn.execute(
        f"SELECT id, mode, started_at FROM sessions WHERE NOT {VALID_SESSION} ORDER BY id"
    ):
        found.append(DamagedRow("sessions", sid, None, f"mode or times out of range ({mode!r}, {started!r})"))
    for nid, slug in conn.execute(
        f"SELECT id, slug FROM number_answers WHERE NOT {VALID_NUMBER_ANSWER} ORDER BY id"
    ):
        found.append(
            DamagedRow("number_answers", nid, slug if isinstance(slug, str) else None, "a value out of range")
        )
    return found


def _review_problem(at: Any, rating: Any, kind: Any, phase: Any, before: Any, traps: Any) -> str:
    if type(at) is not int or not 0 <= at <= MAX_MS:
        return f"reviewed_at is not a time ({_short(at)})"
    if type(rating) is not int or not 1 <= rating <= 4:
        return f"rating must be 1-4 ({_short(rating)})"
    if kind not in KINDS_OF_REVIEW:
        return f"kind is unknown ({_short(kind)})"
    if type(phase) is not int or not 0 <= phase <= 3:
        return f"phase_before must be 0-3 ({_short(phase)})"
    if before is not None:
        return f"before is not a card state ({_short(before)})"
    if traps is not None:
        return f"traps_hit is not a list ({_short(traps)})"
    return "duration or answer of the wrong type"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


@dataclass(frozen=True)
class Repair:
    backup: Path
    cards_reset: list[str]
    quarantined: int
    quarantine_file: Path | None


def repair(conn: sqlite3.Connection, db: Path, now: datetime) -> Repair:
    """Back the database up, then reset damaged cards to new (their log is kept) and move damaged
    reviews, sessions and numbers-quiz answers out into a JSON Lines file beside the database."""
    from interview_drill.storage.opening import backup, transaction

    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    saved = backup(conn, db.with_name(f"{db.name}.repair-{stamp}.bak"))
    damaged = find(conn)
    reset: list[str] = []
    moved: list[dict[str, Any]] = []
    with transaction(conn):
        for row in damaged:
            if row.table == "cards":
                conn.execute(
                    "UPDATE cards SET phase = 0, step = NULL, stability = NULL, difficulty = NULL, due = NULL, "
                    "last_review = NULL, reps = 0, lapses = 0, buried_until = NULL, "
                    "content_hash = CASE WHEN typeof(content_hash) = 'text' THEN content_hash END, "
                    "suspended = CASE WHEN suspended IN (0, 1) THEN suspended ELSE 0 END WHERE id = ?",
                    (row.row_id,),
                )
                reset.append(row.slug or f"#{row.row_id}")
                continue
            cur = conn.execute(f"SELECT * FROM {row.table} WHERE id = ?", (row.row_id,))  # noqa: S608
            names = [d[0] for d in cur.description]
            values = cur.fetchone()
            if values is None:
                continue
            if row.table == "sessions":
                conn.execute("UPDATE reviews SET session_id = NULL WHERE session_id = ?", (row.row_id,))
            moved.append(
                {"table": row.table, "problem": row.problem, **dict(zip(names, values, strict=True))}
            )
            conn.execute(f"DELETE FROM {row.table} WHERE id = ?", (row.row_id,))  # noqa: S608
        quarantine = None
        if moved:  # written before the commit: if it cannot be written, nothing is deleted
            quarantine = db.with_name(f"{db.name}.quarantine-{stamp}.jsonl")
            with open(quarantine, "w", encoding="utf-8") as fh:
                for record in moved:
                    fh.write(json.dumps(record, ensure_ascii=False, default=repr) + "\n")
    return Repair(saved, reset, len(moved), quarantine)
