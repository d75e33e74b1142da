"""The history database's schema: numbered migrations, an append-only list, run in one transaction.

Migration N is `MIGRATIONS[N - 1]`; `PRAGMA user_version` records the last one applied. A released
migration is never edited: a schema change is a new entry at the end of the list.
"""

from __future__ import annotations

import sqlite3

from interview_drill.storage.damage import valid_review

APPLICATION_ID = 0x49445249  # "IDRI": marks a file as an interview-drill history

# Figure tallies (migration 9, read by `storage/tallies.py`): the reviews `Store.figures_summary`
# counts (not cram, and valid for the figures), counted per card and per slot of UTC time, kept by
# triggers on `reviews` whoever writes (a rating, undo, an import, a repair, the sqlite3 shell).
# 15 minutes divides every time-zone offset there is, so every study-day boundary is a slot boundary.
# A review whose time is not an integer cannot be placed in a slot: slot -1 counts those.
# Changing what the figures count needs a new migration that drops, recreates and refills these.
SLOT_MS = 900_000


def _counted(r: str) -> str:
    return f"{r}.kind != 'cram' AND {valid_review(r, whole=False)}"


def _slot(r: str) -> str:
    return f"(CASE WHEN typeof({r}.reviewed_at) = 'integer' THEN {r}.reviewed_at / {SLOT_MS} ELSE -1 END)"


def _add(r: str) -> str:
    # INSERT … SELECT … WHERE: a card id that is not an integer joins no card, so it is not tallied.
    return f"""INSERT INTO tally_cards (card_id, n, again) SELECT {r}.card_id, 1, {r}.rating = 1
        WHERE typeof({r}.card_id) = 'integer'
        ON CONFLICT (card_id) DO UPDATE SET n = n + 1, again = again + excluded.again;
    INSERT INTO tally_slots (slot, n, again, review_n, review_again)
        VALUES ({_slot(r)}, 1, {r}.rating = 1, {r}.phase_before = 2, {r}.phase_before = 2 AND {r}.rating = 1)
        ON CONFLICT (slot) DO UPDATE SET n = n + 1, again = again + excluded.again,
        review_n = review_n + excluded.review_n, review_again = review_again + excluded.review_again;"""


def _subtract(r: str) -> str:
    return f"""UPDATE tally_cards SET n = n - 1, again = again - ({r}.rating = 1)
        WHERE card_id = {r}.card_id AND typeof({r}.card_id) = 'integer';
    DELETE FROM tally_cards WHERE card_id = {r}.card_id AND typeof({r}.card_id) = 'integer' AND n <= 0;
    UPDATE tally_slots SET n = n - 1, again = again - ({r}.rating = 1),
        review_n = review_n - ({r}.phase_before = 2),
        review_again = review_again - ({r}.phase_before = 2 AND {r}.rating = 1)
        WHERE slot = {_slot(r)};
    DELETE FROM tally_slots WHERE slot = {_slot(r)} AND n <= 0;"""


TALLY_TABLES = {
    "tally_cards": """CREATE TABLE tally_cards (
            card_id INTEGER PRIMARY KEY,
            n INTEGER NOT NULL,
            again INTEGER NOT NULL
        )""",
    "tally_slots": """CREATE TABLE tally_slots (
            slot INTEGER PRIMARY KEY,
            n INTEGER NOT NULL,
            again INTEGER NOT NULL,
            review_n INTEGER NOT NULL,
            review_again INTEGER NOT NULL
        )""",
}


# An update fires only when a column the count, the slot or the condition reads changes.
_READ = "card_id, rating, reviewed_at, kind, phase_before, duration_ms"


def _trigger(name: str, event: str, r: str, body: str) -> str:
    return f"CREATE TRIGGER {name} AFTER {event} ON reviews WHEN {_counted(r)} BEGIN\n    {body}\nEND"


# An update takes the old row out if it was counted and puts the new one in if it is.
TALLY_TRIGGERS = {
    "tally_insert": _trigger("tally_insert", "INSERT", "new", _add("new")),
    "tally_delete": _trigger("tally_delete", "DELETE", "old", _subtract("old")),
    "tally_update_old": _trigger("tally_update_old", f"UPDATE OF {_READ}", "old", _subtract("old")),
    "tally_update_new": _trigger("tally_update_new", f"UPDATE OF {_READ}", "new", _add("new")),
}
# The tallies computed afresh from the log (the migration's fill, `tallies.rebuild`, `tallies.out_of_step`).
TALLY_CARDS_SQL = (
    "SELECT r.card_id, count(*), sum(r.rating = 1) FROM reviews r "
    f"WHERE {_counted('r')} AND typeof(r.card_id) = 'integer' GROUP BY r.card_id"
)
TALLY_SLOTS_SQL = (
    f"SELECT {_slot('r')} AS s, count(*), sum(r.rating = 1), sum(r.phase_before = 2), "
    f"sum(r.phase_before = 2 AND r.rating = 1) FROM reviews r WHERE {_counted('r')} GROUP BY s"
)
TALLY_FILL = [
    f"INSERT INTO tally_cards (card_id, n, again) {TALLY_CARDS_SQL}",
    f"INSERT INTO tally_slots (slot, n, again, review_n, review_again) {TALLY_SLOTS_SQL}",
]

MIGRATIONS: list[list[str]] = [
    [  # 1: cards' scheduling state, sessions, the review log
        """CREATE TABLE cards (
            id INTEGER PRIMARY KEY,
            slug TEXT NOT NULL UNIQUE,
            phase INTEGER NOT NULL DEFAULT 0,
            step INTEGER,
            stability REAL,
            difficulty REAL,
            due INTEGER,
            last_review INTEGER,
            reps INTEGER NOT NULL DEFAULT 0,
            lapses INTEGER NOT NULL DEFAULT 0,
            content_hash TEXT,
            buried_until INTEGER,
            suspended INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX cards_due ON cards(due)",
        """CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            mode TEXT NOT NULL,
            started_at INTEGER NOT NULL,
            ended_at INTEGER,
            cards_done INTEGER NOT NULL DEFAULT 0
        )""",
        """CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            card_id INTEGER NOT NULL REFERENCES cards(id),
            session_id INTEGER REFERENCES sessions(id),
            rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
            reviewed_at INTEGER NOT NULL,
            duration_ms INTEGER,
            kind TEXT NOT NULL CHECK (kind IN ('scheduled', 'cram', 'mock')),
            phase_before INTEGER NOT NULL,
            before TEXT
        )""",
        "CREATE INDEX reviews_card ON reviews(card_id, reviewed_at)",
        "CREATE INDEX reviews_time ON reviews(reviewed_at)",
    ],
    [  # 2: typed answers and traps fallen for (per review), the numbers quiz
        "ALTER TABLE reviews ADD COLUMN answer TEXT",
        "ALTER TABLE reviews ADD COLUMN traps_hit TEXT",
        """CREATE TABLE number_answers (
            id INTEGER PRIMARY KEY,
            slug TEXT NOT NULL,
            figure_index INTEGER NOT NULL,
            answer TEXT NOT NULL,
            correct INTEGER NOT NULL,
            answered_at INTEGER NOT NULL
        )""",
        "CREATE INDEX number_answers_slug ON number_answers(slug)",
    ],
    [  # 3: manual reschedules (`idrill postpone`), one batch per command, each row's state before/after
        """CREATE TABLE reschedules (
            id INTEGER PRIMARY KEY,
            batch INTEGER NOT NULL,
            card_id INTEGER NOT NULL REFERENCES cards(id),
            at INTEGER NOT NULL,
            kind TEXT NOT NULL,
            before TEXT NOT NULL,
            after TEXT NOT NULL
        )""",
        "CREATE INDEX reschedules_batch ON reschedules(batch)",
    ],
    [  # 4: model grades of typed answers (`g` in the drill, `mock --ai`), deleted with their review
        """CREATE TABLE grades (
            review_id INTEGER PRIMARY KEY,
            model TEXT NOT NULL,
            prompt_version TEXT NOT NULL,
            grade TEXT NOT NULL
        )""",
        """CREATE TRIGGER grades_follow_reviews AFTER DELETE ON reviews
        BEGIN DELETE FROM grades WHERE review_id = old.id; END""",
    ],
    [  # 5: coding exercises: each check of an attempt (`idrill code --check`, the drill's `c` key), linked
        # to the review it was rated with in a drill; undoing that review unlinks it (the check stays)
        """CREATE TABLE code_checks (
            id INTEGER PRIMARY KEY,
            slug TEXT NOT NULL,
            checked_at INTEGER NOT NULL,
            passed INTEGER NOT NULL CHECK (passed >= 0),
            total INTEGER NOT NULL CHECK (total >= passed),
            seconds REAL NOT NULL,
            error TEXT,
            review_id INTEGER
        )""",
        "CREATE INDEX code_checks_slug ON code_checks(slug, checked_at)",
        """CREATE TRIGGER code_checks_unlink AFTER DELETE ON reviews BEGIN
            UPDATE code_checks SET review_id = NULL WHERE review_id = OLD.id;
        END""",
    ],
    [  # 6: covering indexes for the figures of `stats` and `report` (aggregated by SQL, per day and per card)
        "CREATE INDEX reviews_figures_time ON reviews(reviewed_at, kind, rating, phase_before)",
        "CREATE INDEX reviews_figures_card ON reviews(card_id, kind, rating, reviewed_at)",
        "CREATE INDEX reviews_traps ON reviews(card_id, kind, traps_hit) WHERE traps_hit IS NOT NULL",
    ],
    [  # 7: interview plans (`idrill plan`): a date, a scope (filters as JSON), the recall wanted on the day
        """CREATE TABLE plans (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            interview_on TEXT NOT NULL,
            recall REAL,
            target TEXT,
            scope TEXT NOT NULL,
            created_at INTEGER NOT NULL
        )""",
    ],
    [  # 8: `history import` in bounded transactions (storage/merge.py): a review merged in carries its
        # import's id (0: given on this device; undo never takes the others); a pending import's record
        # and the sessions and cards it created, so that a killed import can be rolled back
        "ALTER TABLE reviews ADD COLUMN imported INTEGER NOT NULL DEFAULT 0",
        "CREATE INDEX reviews_imported ON reviews(imported) WHERE imported != 0",
        """CREATE TABLE imports (
            id INTEGER PRIMARY KEY,
            started_at INTEGER NOT NULL,
            pid INTEGER,
            host TEXT
        )""",
        """CREATE TABLE import_created (
            import_id INTEGER NOT NULL,
            tbl TEXT NOT NULL CHECK (tbl IN ('cards', 'sessions')),
            row_id INTEGER NOT NULL
        )""",
    ],
    [  # 9: figure tallies kept by triggers (see SLOT_MS above): `stats` and `report` read a few
        # thousand counts instead of scanning the whole log; the covering indexes of migration 6 served
        # the scans the tallies replace, and each rating paid a page write to each
        "DROP INDEX reviews_figures_time",
        "DROP INDEX reviews_figures_card",
        *TALLY_TABLES.values(),
        *TALLY_TRIGGERS.values(),
        *TALLY_FILL,
    ],
]
LATEST = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    """The number of the last migration applied to this database (0 for a new one)."""
    version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    return version


def migrate(conn: sqlite3.Connection) -> None:
    """Apply the migrations this database lacks and mark it as ours; run inside a write transaction.

    The version is read again here, under the write lock: another process may have migrated the
    file while we waited. Statements run one by one: `executescript()` would commit first, and a
    failure half-way would then leave a half-migrated file.
    """
    for number in range(schema_version(conn) + 1, LATEST + 1):
        for statement in MIGRATIONS[number - 1]:
            conn.execute(statement)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {LATEST}")
