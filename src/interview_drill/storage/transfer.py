"""Moving a whole history between databases: export it as JSON Lines, merge such a file back in.

Exports are in a stable order so they diff well in git; an import is one transaction that skips
what is already there (by natural key), so importing a file twice changes nothing. The file format
and its validation are in `transfer_parse.py`; this module holds the SQL of both directions.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from interview_drill.domain.review import CardRow
from interview_drill.errors import StoreError, UsageError
from interview_drill.files import atomic_write
from interview_drill.storage.history import Store
from interview_drill.storage.transfer_parse import (
    HISTORY_FORMAT,
    HISTORY_VERSION,
    HistoryData,
    HistoryFileError,
    last_review_ms,
    parse_history,
)

__all__ = [
    "HistoryData",
    "HistoryFileError",
    "ImportResult",
    "dump_history",
    "history_records",
    "import_history",
    "parse_history",
    "read_history",
    "write_history",
]


@dataclass(frozen=True)
class ImportResult:
    reviews_added: int = 0
    reviews_known: int = 0
    cards_added: int = 0
    cards_updated: int = 0
    cards_kept: int = 0  # the local state won: the card has newer local reviews
    sessions_added: int = 0
    number_answers_added: int = 0

    @property
    def changed(self) -> bool:
        return any(
            (
                self.reviews_added,
                self.cards_added,
                self.cards_updated,
                self.sessions_added,
                self.number_answers_added,
            )
        )


# ------------------------------------------------------------------ export


def history_records(store: Store) -> Iterator[dict[str, Any]]:
    """Everything the history holds, as JSON-ready objects in a stable order (diffable in git)."""
    yield {"format": HISTORY_FORMAT, "version": HISTORY_VERSION}
    for _, row in sorted(store.rows().items()):
        yield {"type": "card", **row.to_dict()}
    for mode, started, ended, done in _sessions(store.conn):
        yield {"type": "session", "mode": mode, "started_at": started, "ended_at": ended, "cards_done": done}
    for slug, at, rating, kind, dur, phase, answer, traps, before, s_mode, s_start in _reviews(store.conn):
        yield {
            "type": "review",
            "slug": slug,
            "reviewed_at": at,
            "rating": rating,
            "kind": kind,
            "duration_ms": dur,
            "phase_before": phase,
            "answer": answer,
            "traps_hit": json.loads(traps) if traps else None,
            "before": json.loads(before) if before else None,
            "session": [s_mode, s_start] if s_mode is not None else None,
        }
    for slug, index, answer, correct, at in _number_answers(store.conn):
        yield {
            "type": "number_answer",
            "slug": slug,
            "figure_index": index,
            "answer": answer,
            "correct": bool(correct),
            "answered_at": at,
        }


def dump_history(store: Store, fh: IO[str]) -> dict[str, int]:
    """Write the history as JSON Lines; returns how many records of each type were written."""
    counts: dict[str, int] = defaultdict(int)
    for record in history_records(store):
        fh.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        counts[record.get("type", "header")] += 1
    return dict(counts)


def write_history(store: Store, out: Path) -> dict[str, int]:
    """The history file at `out`, written atomically (the old file stays whole on failure)."""
    counts: dict[str, int] = {}

    def write(target: Path) -> None:
        with open(target, "w", encoding="utf-8", newline="\n") as fh:
            counts.update(dump_history(store, fh))

    atomic_write(out, write)
    return counts


# ------------------------------------------------------------------ import


def read_history(path: Path) -> HistoryData:
    """A history file, read and validated whole (HistoryFileError lists every bad line)."""
    try:
        with open(path, "rb") as fh:
            return parse_history(fh, str(path))
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a folder, not a history file") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def import_history(store: Store, data: HistoryData) -> ImportResult:
    """Merge a validated history into the store, in one transaction; importing twice changes nothing.

    Reviews, sessions and numbers-quiz answers are added unless already present (by natural key).
    A card's state is taken from the file when the card is new here, or when it has no review here
    newer than the file state's last review; otherwise the local state is kept.
    """
    try:
        with store.transaction():
            return _merge(store, data)
    except sqlite3.Error as exc:
        raise StoreError(f"history import failed, nothing was imported: {exc}") from None


def _merge(store: Store, data: HistoryData) -> ImportResult:
    ids = _card_ids(store.conn)
    local_before = set(ids)

    def card_id(slug: str) -> int:
        if slug not in ids:
            ids[slug] = store.upsert_row(None, CardRow(slug))
        return ids[slug]

    sessions = _session_ids(store.conn)
    sessions_added = 0
    for key, (ended, done) in sorted(data.sessions.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if key not in sessions:
            sessions[key] = _add_session(store.conn, key[0], key[1], ended, done)
            sessions_added += 1

    known = _review_keys(store.conn)  # in the history before this import
    in_file: Counter[tuple[str, int, int, str]] = Counter()
    added = known_count = 0
    for review in sorted(data.reviews, key=lambda r: (r.reviewed_at, r.slug)):
        in_file[review.key] += 1
        if in_file[review.key] <= known[review.key]:  # the n-th review with this key is already here
            known_count += 1
            continue
        session_id = None
        if review.session is not None:
            session_id = sessions.get(review.session)
            if session_id is None:  # a review whose session line is missing: recreate a bare session
                session_id = sessions[review.session] = _add_session(store.conn, *review.session)
                sessions_added += 1
        _add_review(
            store.conn, card_id(review.slug), session_id, review.rating, review.reviewed_at, review.duration_ms,
            review.kind, review.phase_before, review.before, review.answer, review.traps_hit,
        )  # fmt: skip
        added += 1

    cards_added = cards_updated = cards_kept = 0
    for slug, imported in sorted(data.cards.items()):
        if slug not in local_before:
            store.upsert_row(card_id(slug), imported)
            cards_added += 1
            continue
        local = store.row(slug)
        if local == imported:
            continue
        newest = _newest_review_ms(store.conn, ids[slug])
        if newest is None or newest <= last_review_ms(imported):
            store.upsert_row(ids[slug], imported)
            cards_updated += 1
        else:
            cards_kept += 1
    cards_added += len(set(ids) - local_before - set(data.cards))  # reviewed cards with no state line

    numbers_added = 0
    if data.number_answers:
        have = _number_answer_keys(store.conn)
        for slug, index, answer, correct, at in sorted(data.number_answers, key=lambda n: (n[4], n[0], n[1])):
            if (slug, index, answer, at) in have:
                continue
            have.add((slug, index, answer, at))
            _add_number_answer(store.conn, slug, index, answer, correct, at)
            numbers_added += 1

    return ImportResult(
        reviews_added=added,
        reviews_known=known_count,
        cards_added=cards_added,
        cards_updated=cards_updated,
        cards_kept=cards_kept,
        sessions_added=sessions_added,
        number_answers_added=numbers_added,
    )


# ------------------------------------------------------------------ SQL: reading a whole history


def _sessions(conn: sqlite3.Connection) -> list[tuple[str, int, int | None, int]]:
    """(mode, started_at, ended_at, cards_done) of every session, oldest first."""
    return conn.execute(
        "SELECT mode, started_at, ended_at, cards_done FROM sessions ORDER BY started_at, id"
    ).fetchall()


def _reviews(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
    """Every review with its session's natural key, oldest first: (slug, reviewed_at, rating, kind,
    duration_ms, phase_before, answer, traps_hit JSON, before JSON, session mode, session start)."""
    return conn.execute(
        "SELECT c.slug, r.reviewed_at, r.rating, r.kind, r.duration_ms, r.phase_before, r.answer, r.traps_hit, "
        "r.before, s.mode, s.started_at FROM reviews r JOIN cards c ON c.id = r.card_id "
        "LEFT JOIN sessions s ON s.id = r.session_id ORDER BY r.reviewed_at, r.id"
    ).fetchall()


def _number_answers(conn: sqlite3.Connection) -> list[tuple[str, int, str, int, int]]:
    """(slug, figure_index, answer, correct, answered_at) of the numbers quiz, oldest first."""
    return conn.execute(
        "SELECT slug, figure_index, answer, correct, answered_at FROM number_answers ORDER BY answered_at, id"
    ).fetchall()


# ------------------------------------------------------------------ SQL: merging (inside the import's transaction)


def _card_ids(conn: sqlite3.Connection) -> dict[str, int]:
    return {slug: cid for cid, slug in conn.execute("SELECT id, slug FROM cards")}


def _session_ids(conn: sqlite3.Connection) -> dict[tuple[str, int], int]:
    return {(m, s): sid for sid, m, s in conn.execute("SELECT id, mode, started_at FROM sessions")}


def _add_session(
    conn: sqlite3.Connection, mode: str, started_at: int, ended_at: int | None = None, cards_done: int = 0
) -> int:
    cur = conn.execute(
        "INSERT INTO sessions (mode, started_at, ended_at, cards_done) VALUES (?, ?, ?, ?)",
        (mode, started_at, ended_at, cards_done),
    )
    return int(cur.lastrowid or 0)


def _review_keys(conn: sqlite3.Connection) -> Counter[tuple[str, int, int, str]]:
    """How many reviews have each natural key (slug, reviewed_at, rating, kind): two reviews of one
    card in the same millisecond share a key and both count."""
    return Counter(
        conn.execute(
            "SELECT c.slug, r.reviewed_at, r.rating, r.kind FROM reviews r JOIN cards c ON c.id = r.card_id"
        )
    )


def _add_review(
    conn: sqlite3.Connection,
    card_id: int,
    session_id: int | None,
    rating: int,
    reviewed_at: int,
    duration_ms: int | None,
    kind: str,
    phase_before: int,
    before: CardRow | None,
    answer: str | None,
    traps_hit: Sequence[int] | None,
) -> None:
    """Insert one review as it was logged elsewhere; no state is applied."""
    conn.execute(
        "INSERT INTO reviews (card_id, session_id, rating, reviewed_at, duration_ms, kind, phase_before, "
        "before, answer, traps_hit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            card_id, session_id, rating, reviewed_at, duration_ms, kind, phase_before,
            json.dumps(before.to_dict()) if before else None,
            answer,
            json.dumps(sorted(traps_hit)) if traps_hit is not None else None,
        ),
    )  # fmt: skip


def _newest_review_ms(conn: sqlite3.Connection, card_id: int) -> int | None:
    """When the card was last reviewed (cram aside), in epoch ms."""
    newest: int | None = conn.execute(
        "SELECT max(reviewed_at) FROM reviews WHERE card_id = ? AND kind != 'cram'", (card_id,)
    ).fetchone()[0]
    return newest


def _number_answer_keys(conn: sqlite3.Connection) -> set[tuple[str, int, str, int]]:
    return set(conn.execute("SELECT slug, figure_index, answer, answered_at FROM number_answers"))


def _add_number_answer(
    conn: sqlite3.Connection, slug: str, index: int, answer: str, correct: bool, answered_at: int
) -> None:
    conn.execute(
        "INSERT INTO number_answers (slug, figure_index, answer, correct, answered_at) VALUES (?, ?, ?, ?, ?)",
        (slug, index, answer, int(correct), answered_at),
    )
