"""Merging a validated history file into the store in bounded transactions, all or nothing.

A history file can hold a million reviews; one transaction for all of them would hold the write lock
for many seconds and starve a drill that is rating meanwhile. So an import runs as a series of short
transactions, each holding the lock for one chunk of rows:

1. *open*: record the import in `imports` (with this process's id), create the sessions and the
   cards the file needs (each listed in `import_created`);
2. *reviews*: insert them `CHUNK` at a time, each row marked `reviews.imported = <the import's id>`
   and skipped when its natural key is already there (another session may add rows meanwhile);
3. *close*: numbers-quiz answers, card states (decided with every review in place), and the import's
   bookkeeping deleted — the import is done.

All or nothing: an error, Ctrl-C or a dying process between 1 and 3 leaves a pending import, and
`roll_back` removes what it added (its reviews by their mark, its sessions and cards by the list).
Ctrl-C and errors roll back at once; after a killed process, `recover` does it at the next read-write
open, once no live process owns the import. The rows of an import in flight are visible to other
sessions for those few seconds; what a drill decides from (card states) changes only in step 3.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from interview_drill.domain.review import CardRow

CHUNK = 5000  # reviews a transaction: a few milliseconds of write lock each


@dataclass(frozen=True)
class Counts:
    reviews_added: int = 0
    reviews_known: int = 0
    cards_added: int = 0
    cards_updated: int = 0
    cards_kept: int = 0
    sessions_added: int = 0
    number_answers_added: int = 0


class _Tx:
    """BEGIN IMMEDIATE … COMMIT on a connection in autocommit mode (the store's transaction)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, kind: object, *rest: object) -> None:
        self.conn.execute("ROLLBACK" if kind is not None else "COMMIT")


def _host() -> str:
    import socket  # only for an import's lock: every open imports this module

    return socket.gethostname()


def merge(conn: sqlite3.Connection, data: Any, *, started_ms: int, chunk: int | None = None) -> Counts:
    """Merge a `HistoryData` (see `transfer_parse`) in bounded transactions; see the module docstring."""
    local = {slug: cid for cid, slug in conn.execute("SELECT id, slug FROM cards")}
    known = set(
        conn.execute(
            "SELECT c.slug, r.reviewed_at, r.rating, r.kind FROM reviews r JOIN cards c ON c.id = r.card_id"
        )
    )
    fresh: list[Any] = []
    known_count = 0
    for review in sorted(data.reviews, key=lambda r: (r.reviewed_at, r.slug)):
        if review.key in known:
            known_count += 1
            continue
        known.add(review.key)
        fresh.append(review)
    del known

    chunk = chunk or CHUNK
    import_id = _open(conn, data, fresh, started_ms)
    try:
        with _Tx(conn):
            ids = {slug: cid for cid, slug in conn.execute("SELECT id, slug FROM cards")}
            sessions = {
                (m, s): sid for sid, m, s in conn.execute("SELECT id, mode, started_at FROM sessions")
            }
        added = 0
        for start in range(0, len(fresh), chunk):
            with _Tx(conn):
                # rowcount, not total_changes: that counts the figure tallies' trigger writes too
                added += conn.executemany(
                    _INSERT_REVIEW,
                    (_review_values(r, ids, sessions, import_id) for r in fresh[start : start + chunk]),
                ).rowcount
        counts = _close(conn, data, import_id, set(local))
    except BaseException:
        roll_back(conn, import_id)
        raise
    cards_added = counts.cards_added + len({r.slug for r in fresh} - set(local) - set(data.cards))
    return Counts(
        reviews_added=added,
        reviews_known=known_count + len(fresh) - added,
        cards_added=cards_added,
        cards_updated=counts.cards_updated,
        cards_kept=counts.cards_kept,
        sessions_added=counts.sessions_added,
        number_answers_added=counts.number_answers_added,
    )


def _open(conn: sqlite3.Connection, data: Any, fresh: Sequence[Any], started_ms: int) -> int:
    """Step 1: the import's record, and the sessions and cards it needs (listed for a roll-back)."""
    with _Tx(conn):
        import_id = int(
            conn.execute(
                "INSERT INTO imports (started_at, pid, host) VALUES (?, ?, ?)",
                (started_ms, os.getpid(), _host()),
            ).lastrowid
            or 0
        )
        created: list[tuple[int, str, int]] = []
        have = {(m, s) for m, s in conn.execute("SELECT mode, started_at FROM sessions")}
        wanted = dict(sorted(data.sessions.items(), key=lambda kv: (kv[0][1], kv[0][0])))
        for review in fresh:  # a review whose session line is missing: a bare session
            if review.session is not None and review.session not in wanted:
                wanted[review.session] = (None, 0)
        for (mode, started), (ended, done) in wanted.items():
            if (mode, started) in have:
                continue
            cur = conn.execute(
                "INSERT INTO sessions (mode, started_at, ended_at, cards_done) VALUES (?, ?, ?, ?)",
                (mode, started, ended, done),
            )
            created.append((import_id, "sessions", int(cur.lastrowid or 0)))
        slugs = {slug for (slug,) in conn.execute("SELECT slug FROM cards")}
        for slug in sorted({r.slug for r in fresh} | set(data.cards)):
            if slug not in slugs:
                cur = conn.execute("INSERT INTO cards (slug) VALUES (?)", (slug,))
                created.append((import_id, "cards", int(cur.lastrowid or 0)))
        conn.executemany("INSERT INTO import_created (import_id, tbl, row_id) VALUES (?, ?, ?)", created)
    return import_id


_INSERT_REVIEW = (
    "INSERT INTO reviews (card_id, session_id, rating, reviewed_at, duration_ms, kind, phase_before, before, "
    "answer, traps_hit, imported) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM reviews "
    "WHERE card_id = ?1 AND reviewed_at = ?4 AND rating = ?3 AND kind = ?6)"
)


def _review_values(
    r: Any, ids: dict[str, int], sessions: dict[tuple[str, int], int], import_id: int
) -> tuple[Any, ...]:
    return (
        ids[r.slug],
        sessions[r.session] if r.session is not None else None,
        r.rating,
        r.reviewed_at,
        r.duration_ms,
        r.kind,
        r.phase_before,
        json.dumps(r.before.to_dict()) if r.before else None,
        r.answer,
        json.dumps(sorted(r.traps_hit)) if r.traps_hit is not None else None,
        import_id,
    )


def _close(conn: sqlite3.Connection, data: Any, import_id: int, local_before: set[str]) -> Counts:
    """Step 3: numbers answers and card states, then the import is done (one short transaction)."""
    from interview_drill.storage.history import _ROW_COLS, _row, _values
    from interview_drill.storage.transfer_parse import last_review_ms

    with _Tx(conn):
        sessions_added = conn.execute(
            "SELECT count(*) FROM import_created WHERE import_id = ? AND tbl = 'sessions'", (import_id,)
        ).fetchone()[0]
        numbers_added = 0
        if data.number_answers:
            have = set(conn.execute("SELECT slug, figure_index, answer, answered_at FROM number_answers"))
            for slug, index, answer, correct, at in sorted(
                data.number_answers, key=lambda n: (n[4], n[0], n[1])
            ):
                if (slug, index, answer, at) in have:
                    continue
                have.add((slug, index, answer, at))
                conn.execute(
                    "INSERT INTO number_answers (slug, figure_index, answer, correct, answered_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (slug, index, answer, int(correct), at),
                )
                numbers_added += 1
        added = updated = kept = 0
        for slug, imported in sorted(data.cards.items()):
            found = conn.execute(f"SELECT id, {_ROW_COLS} FROM cards WHERE slug = ?", (slug,)).fetchone()
            card_id, local = found[0], _row(found[1:])
            if slug not in local_before:
                added += 1
            elif local == imported:
                continue
            else:
                newest = conn.execute(
                    "SELECT max(reviewed_at) FROM reviews WHERE card_id = ? AND kind != 'cram'", (card_id,)
                ).fetchone()[0]
                if newest is not None and newest > last_review_ms(imported):
                    kept += 1
                    continue
                updated += 1
            _update(conn, card_id, imported, _values)
        conn.execute("DELETE FROM import_created WHERE import_id = ?", (import_id,))
        conn.execute("DELETE FROM imports WHERE id = ?", (import_id,))
    return Counts(
        cards_added=added,
        cards_updated=updated,
        cards_kept=kept,
        sessions_added=sessions_added,
        number_answers_added=numbers_added,
    )


def _update(conn: sqlite3.Connection, card_id: int, row: CardRow, values: Any) -> None:
    conn.execute(
        "UPDATE cards SET phase=?, step=?, stability=?, difficulty=?, due=?, last_review=?, reps=?, "
        "lapses=?, content_hash=?, buried_until=?, suspended=? WHERE id=?",
        (*values(row), card_id),
    )


def roll_back(conn: sqlite3.Connection, import_id: int) -> None:
    """Remove what a pending import added: its reviews (in chunks), then its sessions and cards."""
    if conn.in_transaction:  # interrupted inside a chunk
        conn.execute("ROLLBACK")
    while True:
        with _Tx(conn):
            gone = conn.execute(
                "DELETE FROM reviews WHERE id IN (SELECT id FROM reviews WHERE imported = ? LIMIT ?)",
                (import_id, CHUNK * 4),
            ).rowcount
        if gone == 0:
            break
    with _Tx(conn):
        created = conn.execute(
            "SELECT tbl, row_id FROM import_created WHERE import_id = ?", (import_id,)
        ).fetchall()
        for tbl, row_id in created:
            if tbl == "sessions":  # unless a drill has logged a review in it since
                conn.execute(
                    "DELETE FROM sessions WHERE id = ? AND NOT EXISTS (SELECT 1 FROM reviews WHERE session_id = ?)",
                    (row_id, row_id),
                )
            elif tbl == "cards":  # unless a drill has rated, suspended or buried it since
                conn.execute(
                    "DELETE FROM cards WHERE id = ? AND phase = 0 AND suspended = 0 AND buried_until IS NULL "
                    "AND NOT EXISTS (SELECT 1 FROM reviews WHERE card_id = ?)",
                    (row_id, row_id),
                )
        conn.execute("DELETE FROM import_created WHERE import_id = ?", (import_id,))
        conn.execute("DELETE FROM imports WHERE id = ?", (import_id,))


def abandoned(conn: sqlite3.Connection) -> Iterator[int]:
    """Pending imports whose process is gone (killed mid-import on this machine)."""
    for import_id, pid, host in conn.execute("SELECT id, pid, host FROM imports").fetchall():
        if host == _host() and pid != os.getpid() and not _alive(pid):
            yield import_id


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: someone else's process, so it is alive
        return True
    return True


def recover(conn: sqlite3.Connection) -> int:
    """Roll back every import a killed process left pending; returns how many."""
    found = list(abandoned(conn))
    for import_id in found:
        roll_back(conn, import_id)
    return len(found)
