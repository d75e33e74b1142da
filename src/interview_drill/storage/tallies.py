"""Figure tallies (migration 9): the review log counted per card and per 15-minute slot of UTC time,
kept by triggers on `reviews`, so `stats` and `report` read a few thousand counts instead of the log.

`counts` answers `Store.figures_summary` from them when it can do so exactly (the window's study days
start on slot boundaries, no counted review lies before the window); otherwise it says so and the
scan of the log, which stays the reference, answers. `out_of_step` is `doctor`'s check (the
triggers as this version writes them, the tallies equal to the log counted afresh); `rebuild`
recomputes everything (`doctor --repair`).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from interview_drill.domain.figures.log import DayWindow
from interview_drill.storage.damage import valid_review
from interview_drill.storage.migrations import (
    SLOT_MS,
    TALLY_CARDS_SQL,
    TALLY_FILL,
    TALLY_SLOTS_SQL,
    TALLY_TABLES,
    TALLY_TRIGGERS,
)

# The counted reviews at or after the window's end (a pinned clock, a clock set back), found through
# the time index; no GROUP BY, which would make SQLite walk the card index over the whole log instead.
_LATE_SQL = (
    "SELECT c.slug, r.rating = 1 FROM reviews r JOIN cards c ON c.id = r.card_id "
    f"WHERE r.reviewed_at >= ? AND r.kind != 'cram' AND {valid_review(whole=False)}"
)


# Each study day's sums over the slots it spans (every day starts on a slot: see `_slot_days`), one
# index range per day: a GROUP BY on the day's expression would sort every slot row (~2x slower).
# The four sums come back as one text, since a scalar subquery gives one value.
_DAYS_SQL = (
    "SELECT b.key, (SELECT sum(n) || ' ' || sum(again) || ' ' || sum(review_n) || ' ' || sum(review_again)"
    " FROM tally_slots WHERE slot >= json_extract(b.value, '$[0]') AND slot < json_extract(b.value, '$[1]'))"
    " FROM json_each(?) b"
)


def day_of(window: DayWindow, col: str) -> tuple[str, list[int]]:
    """SQL for the study-day index (in `window`) of the epoch-ms time `col`, and its arguments.

    One `CASE` branch per run of equally long days (`DayWindow.segments`): exact in any time zone.
    """
    runs = window.segments()
    args: list[int] = []
    whens = []
    for (start, index, length), (next_start, _, _) in zip(runs, runs[1:], strict=False):
        whens.append(f"WHEN {col} < ? THEN ? + ({col} - ?) / ?")
        args += [next_start, index, start, length]
    start, index, length = runs[-1]
    args += [index, start, length]
    if not whens:
        return f"? + ({col} - ?) / ?", args
    return f"CASE {' '.join(whens)} ELSE ? + ({col} - ?) / ? END", args


def counts(
    conn: sqlite3.Connection, window: DayWindow
) -> tuple[dict[str, tuple[int, int]], list[tuple[int, int, int, int, int]]] | None:
    """(per card, per study day) as `Store.figures_summary` counts them over the whole log, from the
    tallies; None when they cannot give exactly that (the scan answers then)."""
    placed = _slot_days(conn, window)
    if placed is None:
        return None
    days = []
    slots = [b // SLOT_MS for b in window.bounds]
    for d, sums in conn.execute(_DAYS_SQL, (json.dumps(list(zip(slots, slots[1:], strict=False))),)):
        if sums is not None:  # a day with no slot row has no review
            n, again, review_n, review_again = sums.split()
            days.append((d, int(n), int(again), int(review_n), int(review_again)))
    # CROSS JOIN: the tallies walked, each card's slug found by its row id (~25 % faster than SQLite's
    # own choice, walking every card's slug index entry and finding its tally).
    per_slug = {
        slug: (n, again)
        for slug, n, again in conn.execute(
            "SELECT c.slug, t.n, t.again FROM tally_cards t CROSS JOIN cards c ON c.id = t.card_id"
        )
    }
    for slug, again in conn.execute(_LATE_SQL, (window.end_ms,)):  # usually none
        if slug not in per_slug:
            return None  # tallies out of step (`doctor` says so): the scan answers
        n, agains = per_slug[slug]
        if n > 1:
            per_slug[slug] = (n - 1, agains - again)
        else:
            del per_slug[slug]
    return per_slug, days


def study_days(conn: sqlite3.Connection, window: DayWindow) -> list[int] | None:
    """The study days of `window` (indexes) that hold a counted review, from the slot tallies (the
    drill's streak); None when they cannot say exactly, as for `counts` (the review times answer)."""
    placed = _slot_days(conn, window)
    if placed is None:
        return None
    day, args, first, end = placed
    sql = f"SELECT DISTINCT {day} FROM tally_slots WHERE n > 0 AND slot >= ? AND slot < ?"
    return [d for (d,) in conn.execute(sql, [*args, first, end])]


def _slot_days(conn: sqlite3.Connection, window: DayWindow) -> tuple[str, list[int], int, int] | None:
    """(SQL of a slot's study-day index in `window`, its arguments, the window's first slot, the slot
    after its last) when every counted review can be placed in its study day from the slots alone;
    None otherwise: a day starting off a slot boundary (an odd historical offset), a review time
    that is not an integer (slot -1) or before the window's first day (added after the window was
    made), or a tally table dropped by hand (`doctor` says so, `doctor --repair` remakes it)."""
    if any(start % SLOT_MS or length % SLOT_MS for start, _, length in window.segments()):
        return None
    first, end = window.bounds[0] // SLOT_MS, window.end_ms // SLOT_MS
    try:
        if conn.execute("SELECT 1 FROM tally_slots WHERE slot < ? LIMIT 1", (max(first, 0),)).fetchone():
            return None
        conn.execute("SELECT 1 FROM tally_cards LIMIT 1")
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return None
        raise
    # Every boundary is a multiple of the slot, so a slot's start lies in the study day of all of it.
    day, args = day_of(window, f"(slot * {SLOT_MS})")
    return day, args, first, end


def fresh(conn: sqlite3.Connection) -> tuple[set[Any], set[Any]]:
    """(per card, per slot) counted afresh from the log."""
    return set(conn.execute(TALLY_CARDS_SQL)), set(conn.execute(TALLY_SLOTS_SQL))


def kept(conn: sqlite3.Connection) -> tuple[set[Any], set[Any]]:
    """(per card, per slot) as the tallies hold them."""
    return (
        set(conn.execute("SELECT card_id, n, again FROM tally_cards")),
        set(conn.execute("SELECT slot, n, again, review_n, review_again FROM tally_slots")),
    )


def out_of_step(conn: sqlite3.Connection) -> list[str]:
    """What keeps the tallies from matching the log: missing or altered triggers, wrong counts."""
    problems = []
    have = dict(
        conn.execute("SELECT name, sql FROM sqlite_master WHERE type IN ('table', 'trigger')").fetchall()
    )
    for name, sql in {**TALLY_TABLES, **TALLY_TRIGGERS}.items():
        if have.get(name) != sql:
            problems.append(f"{name} is {'altered' if name in have else 'missing'}")
    if any(name not in have for name in TALLY_TABLES):
        return problems
    cards, slots = kept(conn)
    fresh_cards, fresh_slots = fresh(conn)
    if cards != fresh_cards:
        problems.append(f"{len(cards ^ fresh_cards)} per-card count(s) differ from the log")
    if slots != fresh_slots:
        problems.append(f"{len(slots ^ fresh_slots)} per-time count(s) differ from the log")
    return problems


def rebuild(conn: sqlite3.Connection) -> None:
    """Recreate the tables and triggers and recount the tallies from the log; call inside a transaction."""
    for name in TALLY_TRIGGERS:
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    for name, sql in TALLY_TABLES.items():
        conn.execute(f"DROP TABLE IF EXISTS {name}")
        conn.execute(sql)
    for sql in TALLY_TRIGGERS.values():
        conn.execute(sql)
    for statement in TALLY_FILL:
        conn.execute(statement)
