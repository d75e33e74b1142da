"""Moving a whole history between databases: export it as JSON Lines, merge such a file back in.

Exports are in a stable order so they diff well in git; an import is one transaction that skips
what is already there (by natural key), so importing a file twice changes nothing. The file format
and its validation are in `transfer_parse.py`; this module holds the SQL of both directions.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from interview_drill.domain.bounds import MAX_ANSWER_CHARS
from interview_drill.domain.review import to_ms
from interview_drill.domain.textsafe import inert_json
from interview_drill.errors import StoreError, UsageError
from interview_drill.files import Target, atomic_write, safe_name
from interview_drill.paths import open_regular, safe_path
from interview_drill.storage.damage import VALID_NUMBER_ANSWER, VALID_REVIEW, VALID_SESSION
from interview_drill.storage.history import Store
from interview_drill.storage.merge import merge
from interview_drill.storage.transfer_parse import (
    HISTORY_FORMAT,
    HISTORY_VERSION,
    MAX_FILE_BYTES,
    MAX_LINE_BYTES,
    HistoryData,
    HistoryFileError,
    parse_history,
)

__all__ = [
    "HistoryData",
    "HistoryFileError",
    "ImportResult",
    "dump_history",
    "earlier_history",
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
    """Everything the history holds, as JSON-ready objects in a stable order (diffable in git).

    Damaged rows (`storage/damage.py`) are left out: the rest is still saved; `damage.find` lists them.
    """
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
        fh.write(inert_json(json.dumps(record, ensure_ascii=False, separators=(",", ":"))) + "\n")
        counts[record.get("type", "header")] += 1
    return dict(counts)


def earlier_history(head: bytes) -> bool:
    """Whether a file's first bytes are an earlier history export (its header line)."""
    return head.startswith(b'{"format":"%s"' % HISTORY_FORMAT.encode())


def write_history(store: Store, out: Path, *, target: Target | None = None) -> dict[str, int]:
    """The history file at `out`, written atomically (the old file stays whole on failure); `target`
    says what it must not replace (see `files.Target`)."""
    counts: dict[str, int] = {}

    def write(target: Path) -> None:
        with open(target, "w", encoding="utf-8", newline="\n") as fh:
            counts.update(dump_history(store, fh))

    atomic_write(out, write, what="history export", target=target)
    return counts


# ------------------------------------------------------------------ import


def read_history(path: Path, *, now: datetime | None = None) -> HistoryData:
    """A history file, read and validated whole (HistoryFileError lists every bad line); with `now`,
    moments more than a day after it are bad lines.

    Only a regular file is read (a FIFO would block, `/dev/zero` never ends), and no line longer
    than a record can be is ever held whole.
    """
    try:
        fh = open_regular(path, what="a history file", limit=MAX_FILE_BYTES)
        if fh is None:
            raise UsageError(f"{safe_path(path)}: no such file")
        with fh:
            name = safe_name(path)
            return parse_history(_lines(fh, name), name, now_ms=None if now is None else to_ms(now))
    except OSError as exc:
        raise UsageError(f"{safe_path(path)}: cannot be read ({exc.strerror or exc})") from None


def _lines(fh: IO[bytes], name: str) -> Iterator[bytes]:
    for number, line in enumerate(iter(lambda: fh.readline(MAX_LINE_BYTES + 1), b""), 1):
        if len(line) > MAX_LINE_BYTES:
            raise HistoryFileError(
                [
                    f"{name}:{number}: the line is longer than {MAX_LINE_BYTES // 2**20} MB; no history record is"
                ]
            )
        yield line


def import_history(store: Store, data: HistoryData, *, now: datetime | None = None) -> ImportResult:
    """Merge a validated history into the store, all or nothing; importing twice changes nothing.

    Reviews, sessions and numbers-quiz answers are added unless already present (by natural key).
    A card's state is taken from the file when the card is new here, or when it has no review here
    newer than the file state's last review; otherwise the local state is kept. The merge runs in
    short transactions (`storage.merge`), so a drill rating meanwhile waits milliseconds, not the
    whole import; a failure or Ctrl-C rolls back what was added.
    """
    started = to_ms(now) if now is not None else 0
    try:
        counts = merge(store.conn, data, started_ms=started)
    except sqlite3.Error as exc:
        where = f"{safe_name(store.path)}: " if store.path else ""
        raise StoreError(f"{where}history import failed, nothing was imported: {exc}") from None
    return ImportResult(**counts.__dict__)


# ------------------------------------------------------------------ SQL: reading a whole history


def _sessions(conn: sqlite3.Connection) -> list[tuple[str, int, int | None, int]]:
    """(mode, started_at, ended_at, cards_done) of every session, oldest first."""
    return conn.execute(
        f"SELECT mode, started_at, ended_at, cards_done FROM sessions WHERE {VALID_SESSION} ORDER BY started_at, id"
    ).fetchall()


def _reviews(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
    """Every review with its session's natural key, oldest first: (slug, reviewed_at, rating, kind,
    duration_ms, phase_before, answer, traps_hit JSON, before JSON, session mode, session start)."""
    return conn.execute(
        "SELECT c.slug, r.reviewed_at, r.rating, r.kind, r.duration_ms, r.phase_before, "
        f"substr(r.answer, 1, {MAX_ANSWER_CHARS}), r.traps_hit, "
        "r.before, s.mode, s.started_at FROM reviews r JOIN cards c ON c.id = r.card_id "
        f"LEFT JOIN sessions s ON s.id = r.session_id AND {VALID_SESSION} "  # its columns are only in sessions
        f"WHERE {VALID_REVIEW} ORDER BY r.reviewed_at, r.id"
    ).fetchall()


def _number_answers(conn: sqlite3.Connection) -> list[tuple[str, int, str, int, int]]:
    """(slug, figure_index, answer, correct, answered_at) of the numbers quiz, oldest first."""
    return conn.execute(
        "SELECT slug, figure_index, answer, correct, answered_at FROM number_answers "
        f"WHERE {VALID_NUMBER_ANSWER} ORDER BY answered_at, id"
    ).fetchall()
