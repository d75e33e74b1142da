"""The history database's rows (stdlib sqlite3): card state, the review log, sessions, undo.

`Store` is one open database, SQL only: what a rating or an undo does to a card is decided in
`domain/review.py` and carried out by `app/rate.py`, which calls the write primitives here inside one
`transaction()`. Opening it safely lives in `opening.py`, the schema in `migrations.py`, history
import/export in `transfer.py` and the revlog CSV in `revlog.py`. Times are stored as integer
milliseconds since the epoch, UTC. Every write is one short transaction, committed before the call
returns, so a rating is on disk the moment it is given.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Collection, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interview_drill.domain.bounds import MAX_ANSWER_CHARS
from interview_drill.domain.figures.log import DayWindow, LogSummary
from interview_drill.domain.review import CardRow, LogEntry, Memory, Phase, Rating, Review, from_ms, to_ms
from interview_drill.errors import Hint, StoreError
from interview_drill.storage import opening
from interview_drill.storage.damage import (
    DAMAGED_CARD,
    VALID_CARD,
    VALID_NUMBER_ANSWER,
    VALID_REVIEW,
    valid_review,
)
from interview_drill.storage.migrations import LATEST

if TYPE_CHECKING:
    from interview_drill.domain.figures.states import CardStates, Moment

_ROW_COLS = "slug, phase, step, stability, difficulty, due, last_review, reps, lapses, content_hash, buried_until, suspended"


_VALID_BARE = valid_review("reviews", whole=False)  # figures on `reviews` without an alias
_VALID_FIGURES = valid_review(whole=False)  # the columns the figures read
_PHASES = {int(p): p for p in Phase}  # a dict lookup: calling the enum costs ~1 µs a row


def _row(r: tuple[Any, ...], _at: Callable[..., datetime] = datetime.fromtimestamp) -> CardRow:
    # `from_ms` inlined (with positional arguments): 10,000 rows build 20,000 datetimes here.
    slug, phase, step, stab, diff, due, last, reps, lapses, chash, buried, suspended = r
    memory = None
    if phase:
        memory = Memory(
            _PHASES.get(phase) or Phase(phase), step, stab, diff, _at(due / 1000, UTC), _at(last / 1000, UTC)
        )
    return CardRow(
        slug,
        memory,
        reps,
        lapses,
        chash,
        _at(buried / 1000, UTC) if buried is not None else None,
        bool(suspended),
    )


def _values(row: CardRow) -> tuple[Any, ...]:
    m = row.memory
    return (
        int(m.phase) if m else 0,
        m.step if m else None,
        m.stability if m else None,
        m.difficulty if m else None,
        to_ms(m.due) if m else None,
        to_ms(m.last_review) if m else None,
        row.reps,
        row.lapses,
        row.content_hash,
        to_ms(row.buried_until) if row.buried_until else None,
        int(row.suspended),
    )


@dataclass(frozen=True)
class Logged:
    """A review as the log holds it, with the row ids that point at it."""

    review_id: int
    card_id: int
    entry: LogEntry


class Store:
    """One open history database."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None):
        self.conn = conn
        self.path = path

    # ------------------------------------------------------------ opening

    @classmethod
    def open(cls, path: Path, *, backup_clock: Callable[[], datetime] | None = None) -> Store:
        """Open (creating if needed) and migrate. Foreign, newer or damaged files are refused untouched."""
        path = Path(path)
        conn = opening.connect(path, backup_clock=backup_clock)
        from interview_drill.storage.merge import recover

        recover(conn)  # an import killed half-way is rolled back: imports are all or nothing
        return cls(conn, path)

    @classmethod
    def memory(cls) -> Store:
        """A throwaway in-memory history (tests, read-only previews)."""
        return cls(opening.connect_memory(), None)

    @classmethod
    def open_readonly(cls, path: Path) -> Store:
        """For commands that only read: never creates a file, and opens current files read-only.

        A file of an older schema is migrated once (with its backup), as any command would.
        """
        version = opening.inspect_file(path, before_writing=False)
        if version is None:
            return cls.memory()
        if version < LATEST:
            return cls.open(path)  # an older file needs migrating once before it can be read
        return cls(opening.connect_readonly(path), path)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT: takes the write lock up front, so reads inside are current."""
        return opening.transaction(self.conn)

    def backup(self, target: Path) -> Path:
        """A consistent copy (WAL included) via the SQLite backup API."""
        return opening.backup(self.conn, target)

    # ------------------------------------------------------------ reading

    def rows(self) -> dict[str, CardRow]:
        """Every card the history knows, by slug; damaged rows (`damaged_slugs`) left out."""
        cur = self.conn.execute(f"SELECT {_ROW_COLS} FROM cards WHERE {VALID_CARD}")
        return {r[0]: _row(r) for r in cur}

    def card_states(self, at: Moment, recall_of: Callable[[Memory], float]) -> CardStates:
        """Every card's state for the figures at `at` (see `card_states.py`: SQL, not `CardRow`s);
        `recall_of` is `Scheduler.recall_at(at.now)`, for the rare rows SQL cannot treat exactly."""
        from interview_drill.storage.card_states import card_states

        return card_states(self.conn, at, recall_of)

    def damaged_slugs(self) -> set[str]:
        """Cards whose row no reader can use (see `storage/damage.py`): skipped until repaired."""
        return {s for (s,) in self.conn.execute(f"SELECT slug FROM cards WHERE {DAMAGED_CARD}")}

    def row(self, slug: str) -> CardRow | None:
        return self.read_for_update(slug)[1]

    def reviews(
        self,
        *,
        since: datetime | None = None,
        kinds: Iterable[str] = ("scheduled", "mock"),
        slug: str | None = None,
    ) -> list[Review]:
        kinds = tuple(kinds)
        sql = (
            "SELECT r.id, c.slug, r.rating, r.reviewed_at, r.duration_ms, r.kind, r.phase_before, r.session_id "
            f"FROM reviews r JOIN cards c ON c.id = r.card_id WHERE {_VALID_FIGURES} "
            f"AND r.kind IN ({','.join('?' * len(kinds))})"
        )
        args: list[Any] = list(kinds)
        if since is not None:
            sql += " AND r.reviewed_at >= ?"
            args.append(to_ms(since))
        if slug is not None:
            sql += " AND c.slug = ?"
            args.append(slug)
        sql += " ORDER BY r.reviewed_at, r.id"
        return [
            Review(i, s, Rating(rt), from_ms(at), dur, kind, Phase(pb), sid)
            for i, s, rt, at, dur, kind, pb, sid in self.conn.execute(sql, args)
        ]

    def today_counts(self, since: datetime) -> tuple[int, int]:
        """(new cards introduced, reviews of review-state cards) since `since`, cram excluded."""
        new, seen = self.conn.execute(
            "SELECT count(DISTINCT CASE WHEN phase_before = 0 THEN card_id END), "
            "count(CASE WHEN phase_before = 2 THEN 1 END) "
            f"FROM reviews WHERE reviewed_at >= ? AND kind != 'cram' AND {_VALID_BARE}",
            (to_ms(since),),
        ).fetchone()
        return new, seen

    def review_times(self) -> list[int]:
        """Epoch-ms timestamps of every non-cram review (for streaks and activity)."""
        # NOT INDEXED: walking the time index fetches every row for its `kind`; a plain scan and a
        # sort is 2.5× faster (100,000 reviews: 50 ms instead of 130 ms).
        return [
            r[0]
            for r in self.conn.execute(
                f"SELECT reviewed_at FROM reviews NOT INDEXED WHERE kind != 'cram' AND {_VALID_BARE} ORDER BY reviewed_at"
            )
        ]

    def study_day_indexes(self, window: DayWindow) -> list[int] | None:
        """The days of `window` (indexes) with a scheduled or mock review, from the figure tallies;
        None when they cannot say exactly (then `review_times` answers)."""
        from interview_drill.storage import tallies

        return tallies.study_days(self.conn, window)

    def first_review_ms(self) -> int | None:
        """When the first scheduled or mock review was given (epoch ms), None for an empty log."""
        found = self.conn.execute(
            "SELECT reviewed_at FROM reviews WHERE kind != 'cram' ORDER BY reviewed_at LIMIT 1"
        ).fetchone()
        return int(found[0]) if found else None

    def figures_summary(self, window: DayWindow, slugs: Collection[str] | None = None) -> LogSummary:
        """The log aggregated by SQL for `stats.compute`: reviews and Again ratings per card and per
        study day of `window`, cram and reviews from tomorrow on left out. `slugs`: only these cards'.

        Over the whole log, the figure tallies of migration 9 (`tallies.py`) answer when they can do
        so exactly; otherwise (and with `slugs`) the log is scanned: the study day of a review comes
        from `window.segments()` (runs of equally long days), so the grouping is exact in any time
        zone. The scan stays the reference the tallies are tested against.
        """
        from interview_drill.storage import tallies

        counted = tallies.counts(self.conn, window) if slugs is None else None
        per_slug, days = counted or self._scan_summary(window, slugs)
        traps = self.conn.execute(_TRAPS_SQL).fetchall()
        numbers = self.conn.execute(
            f"SELECT slug, correct, answered_at FROM number_answers WHERE {VALID_NUMBER_ANSWER}"
        ).fetchall()
        return LogSummary(window.first_ms, window.end_ms, per_slug, days, traps, numbers)

    def _scan_summary(
        self, window: DayWindow, slugs: Collection[str] | None
    ) -> tuple[dict[str, tuple[int, int]], list[tuple[int, int, int, int, int]]]:
        """(per card, per study day) of `figures_summary`, read from every review of the log."""
        from interview_drill.storage.tallies import day_of

        end = window.end_ms
        day, day_args = day_of(window, "r.reviewed_at")
        selected = ""
        sel_args: list[Any] = []
        if slugs is not None:
            selected = (
                " AND r.card_id IN (SELECT id FROM cards WHERE slug IN (SELECT value FROM json_each(?)))"
            )
            sel_args = [json.dumps(sorted(slugs))]
        per_slug = {
            slug: (n, again)
            for slug, n, again in self.conn.execute(
                "SELECT c.slug, g.n, g.again FROM (SELECT r.card_id, count(*) AS n, sum(r.rating = 1) AS again "
                f"FROM reviews r WHERE r.kind != 'cram' AND r.reviewed_at < ? AND {_VALID_FIGURES}{selected} GROUP BY r.card_id) g "
                "JOIN cards c ON c.id = g.card_id",
                [end, *sel_args],
            )
        }
        days = self.conn.execute(
            f"SELECT {day} AS d, count(*), sum(r.rating = 1), sum(r.phase_before = 2), "
            "sum(r.phase_before = 2 AND r.rating = 1) "
            f"FROM reviews r WHERE r.kind != 'cram' AND r.reviewed_at < ? AND {_VALID_FIGURES}{selected} GROUP BY d",
            [*day_args, end, *sel_args],
        ).fetchall()
        return per_slug, days

    def review_count(self) -> int:
        """Every review in the log, cram included."""
        return int(self.conn.execute("SELECT count(*) FROM reviews").fetchone()[0])

    def review_counts(self) -> dict[str, tuple[int, int]]:
        """slug → (reviews, Again ratings) over scheduled and mock reviews (the figure tallies)."""
        return {
            slug: (n, again)
            for slug, n, again in self.conn.execute(
                "SELECT c.slug, t.n, t.again FROM tally_cards t JOIN cards c ON c.id = t.card_id"
            )
        }

    # ------------------------------------------------------------ writing

    def read_for_update(self, slug: str) -> tuple[int | None, CardRow | None]:
        """(row id, state) of a card; call inside `transaction()` so the state stays current."""
        r = self.conn.execute(
            f"SELECT id, {VALID_CARD}, {_ROW_COLS} FROM cards WHERE slug = ?", (slug,)
        ).fetchone()
        if r is None:
            return None, None
        if not r[1]:
            raise StoreError(
                f"history: the row of card {slug} (cards row {r[0]}) is damaged; ", Hint.REPAIR_HISTORY
            )
        return r[0], _row(r[2:])

    def upsert_row(self, card_id: int | None, row: CardRow) -> int:
        """Insert (card_id None) or overwrite a card's state; call inside `transaction()`. Returns the id."""
        if card_id is None:
            cur = self.conn.execute(
                f"INSERT INTO cards ({_ROW_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (row.slug, *_values(row)),
            )
            return int(cur.lastrowid or 0)
        self.conn.execute(
            "UPDATE cards SET phase=?, step=?, stability=?, difficulty=?, due=?, last_review=?, reps=?, "
            "lapses=?, content_hash=?, buried_until=?, suspended=? WHERE id=?",
            (*_values(row), card_id),
        )
        return card_id

    def add_review(self, card_id: int, entry: LogEntry) -> int:
        """Append one entry to the review log; call inside `transaction()`. Returns its id."""
        cur = self.conn.execute(
            "INSERT INTO reviews (card_id, session_id, rating, reviewed_at, duration_ms, kind, phase_before, "
            "before, answer, traps_hit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                card_id,
                entry.session_id,
                int(entry.rating),
                to_ms(entry.reviewed_at),
                entry.duration_ms,
                entry.kind,
                int(entry.phase_before),
                json.dumps(entry.before.to_dict()) if entry.before else None,
                entry.answer[:MAX_ANSWER_CHARS] if entry.answer is not None else None,
                json.dumps(list(entry.traps_hit)) if entry.traps_hit is not None else None,
            ),
        )
        return int(cur.lastrowid or 0)

    def count_in_session(self, session_id: int, change: int) -> None:
        """Add `change` (±1) to a session's count of cards done, never below zero."""
        self.conn.execute(
            "UPDATE sessions SET cards_done = max(cards_done + ?, 0) WHERE id = ?", (change, session_id)
        )

    def latest_review(self, session_id: int | None = None) -> Logged | None:
        """The latest rating given on this device (of one session, if given), by insertion: never a
        review merged in by an import, whatever its time."""
        sql = (
            "SELECT r.id, r.card_id, c.slug, r.rating, r.reviewed_at, r.kind, r.phase_before, r.before, "
            "r.duration_ms, r.session_id, r.answer, r.traps_hit FROM reviews r JOIN cards c ON c.id = r.card_id "
            f"WHERE r.imported = 0 AND {VALID_REVIEW}"
        )
        args: tuple[int, ...] = ()
        if session_id is not None:
            sql += " AND r.session_id = ?"
            args = (session_id,)
        found = self.conn.execute(sql + " ORDER BY r.id DESC LIMIT 1", args).fetchone()
        if found is None:
            return None
        review_id, card_id, slug, rating, at, kind, phase, before, duration, sid, answer, traps = found
        try:
            restored = CardRow.from_dict(json.loads(before)) if before is not None else None
        except (TypeError, ValueError, KeyError, AttributeError):
            raise StoreError(
                f"history: the card state kept with review {review_id} (card {slug}) is damaged; ",
                Hint.REPAIR_HISTORY,
            ) from None
        entry = LogEntry(
            slug=slug,
            rating=Rating(rating),
            reviewed_at=from_ms(at),
            kind=kind,
            phase_before=Phase(phase),
            before=restored,
            duration_ms=duration,
            session_id=sid,
            answer=answer,
            traps_hit=tuple(json.loads(traps)) if traps is not None else None,
        )
        return Logged(review_id, card_id, entry)

    def scheduled_since(self, logged: Logged) -> bool:
        """Whether the card has a scheduled or mock review later than this one (cram aside)."""
        at = to_ms(logged.entry.reviewed_at)
        return (
            self.conn.execute(
                "SELECT 1 FROM reviews WHERE card_id = ? AND kind != 'cram' AND id != ? "
                f"AND (reviewed_at > ? OR (reviewed_at = ? AND id > ?)) AND {_VALID_BARE} LIMIT 1",
                (logged.card_id, logged.review_id, at, at, logged.review_id),
            ).fetchone()
            is not None
        )

    def delete_review(self, review_id: int) -> None:
        self.conn.execute("DELETE FROM reviews WHERE id = ?", (review_id,))

    def has_reviews(self, card_id: int) -> bool:
        return (
            self.conn.execute("SELECT 1 FROM reviews WHERE card_id = ? LIMIT 1", (card_id,)).fetchone()
            is not None
        )

    def delete_card(self, card_id: int) -> None:
        self.conn.execute("DELETE FROM cards WHERE id = ?", (card_id,))

    def _update_flags(self, slugs: Iterable[str], **flags: object) -> list[str]:
        changed = []
        with self.transaction():
            for slug in slugs:
                card_id, row = self.read_for_update(slug)
                new = CardRow(**{**(row or CardRow(slug)).__dict__, **flags})
                if row is None or new != row:
                    self.upsert_row(card_id, new)
                    changed.append(slug)
        return changed

    def set_suspended(self, slugs: Iterable[str], suspended: bool) -> list[str]:
        return self._update_flags(slugs, suspended=suspended)

    def bury(self, slug: str, until: datetime) -> None:
        self._update_flags([slug], buried_until=until)

    def unbury(self, slugs: Iterable[str]) -> list[str]:
        """Lift the bury of these cards; returns those that were buried."""
        rows = self.rows()
        buried = [s for s in slugs if (row := rows.get(s)) is not None and row.buried_until is not None]
        return self._update_flags(buried, buried_until=None)

    def buried(self, now: datetime) -> list[str]:
        """Cards buried past `now`, by slug."""
        return sorted(
            s for s, row in self.rows().items() if row.buried_until is not None and row.buried_until > now
        )

    def reset(self, slug: str) -> bool:
        """Forget a card's schedule (it becomes new again); its review log is kept."""
        with self.transaction():
            found = self.conn.execute(
                f"SELECT id, {VALID_CARD}, suspended FROM cards WHERE slug = ?", (slug,)
            )
            damaged = found.fetchone()
            if damaged is not None and not damaged[1]:  # forgetting is also the way out of a damaged row
                self.upsert_row(damaged[0], CardRow(slug, suspended=damaged[2] == 1))
                return True
            card_id, row = self.read_for_update(slug)
            if row is None or row.memory is None:
                return False
            self.upsert_row(card_id, CardRow(slug, suspended=row.suspended))
            return True

    def rename(self, aliases: dict[str, str]) -> list[tuple[str, str]]:
        """Carry history over to renamed cards: `aliases` maps a former id to the current id.

        A row under the new id that has neither a schedule nor reviews (e.g. made by `suspend`) does
        not block the move: its flags are kept on the moved row.
        """
        done = []
        with self.transaction():
            for old, new in aliases.items():
                old_id, old_row = self.read_for_update(old)
                if old_row is None:
                    continue
                new_id, new_row = self.read_for_update(new)
                if new_row is not None:
                    assert new_id is not None
                    if new_row.memory is not None or self.has_reviews(new_id):
                        continue  # both have history: leave it to the user (`idrill doctor` reports it)
                    self.delete_card(new_id)
                    self.upsert_row(
                        old_id,
                        replace(old_row, suspended=new_row.suspended, buried_until=new_row.buried_until),
                    )
                self.conn.execute("UPDATE cards SET slug = ? WHERE id = ?", (new, old_id))
                done.append((old, new))
        return done

    def start_session(self, mode: str, now: datetime) -> int:
        with self.transaction():
            cur = self.conn.execute(
                "INSERT INTO sessions (mode, started_at) VALUES (?, ?)", (mode, to_ms(now))
            )
            return int(cur.lastrowid or 0)

    def end_session(self, session_id: int, now: datetime) -> None:
        with self.transaction():
            self.conn.execute("UPDATE sessions SET ended_at = ? WHERE id = ?", (to_ms(now), session_id))

    def answers(self, slug: str) -> list[tuple[datetime, Rating, str, str]]:
        """Past typed answers for a card: (when, rating, kind, text), oldest first."""
        cur = self.conn.execute(
            f"SELECT r.reviewed_at, r.rating, r.kind, substr(r.answer, 1, {MAX_ANSWER_CHARS}) "
            "FROM reviews r JOIN cards c ON c.id = r.card_id "
            f"WHERE c.slug = ? AND r.answer IS NOT NULL AND {VALID_REVIEW} ORDER BY r.reviewed_at, r.id",
            (slug,),
        )
        return [(from_ms(at), Rating(rt), kind, text) for at, rt, kind, text in cur]

    def record_number_answer(
        self, slug: str, figure_index: int, answer: str, correct: bool, now: datetime
    ) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT INTO number_answers (slug, figure_index, answer, correct, answered_at) VALUES (?, ?, ?, ?, ?)",
                (slug, figure_index, answer, int(correct), to_ms(now)),
            )

    # ------------------------------------------------------------ checks

    def integrity(self) -> list[str]:
        """PRAGMA integrity_check: an empty list when the file is sound, else what it found (pages are
        not checked as they are read meanwhile: the check lists a damaged page instead of stopping at it)."""
        self.conn.execute("PRAGMA cell_size_check = OFF")
        try:
            rows = [r[0] for r in self.conn.execute("PRAGMA integrity_check")]
        finally:
            self.conn.execute(opening.CHECK_PAGES)
        return [] if rows == ["ok"] else rows


# Traps per review: those the user marked (`m`); for a review the user marked none on but a model
# graded (`g`, storage/grades.py), the traps the model found, as 0-based indices. Two parts, so that
# only reviews with marks (the partial index `reviews_traps`) or a grade are read, not the whole log
# (CROSS JOIN keeps SQLite from walking every review to look for its grade).
_TRAPS_SQL = """
SELECT c.slug, r.traps_hit FROM reviews r JOIN cards c ON c.id = r.card_id
WHERE r.traps_hit IS NOT NULL AND r.kind != 'cram'
UNION ALL
SELECT c.slug, (SELECT json_group_array(json_extract(t.value, '$.trap') - 1)
    FROM json_each(g.grade, '$.grade.traps') t)
FROM grades g CROSS JOIN reviews r ON r.id = g.review_id JOIN cards c ON c.id = r.card_id
WHERE r.traps_hit IS NULL AND r.kind != 'cram'
"""
