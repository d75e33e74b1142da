"""Each card's state for the figures (`domain/figures/states.py`), computed by SQL: one SELECT over the
card rows instead of 10,000 `CardRow`s with two datetimes each and a Python call per card for recall.

Recall is FSRS's `(1 + factor·days / stability) ** decay` with `days` the study days since the last
review (`tallies.day_of`: exact in any time zone), through SQLite's `pow()`; a SQLite built without
its math functions gets the days and Python takes the power: the same C `pow` on the same doubles, so
both equal `Scheduler.recall_at` float for float (tested). Rows SQL cannot treat exactly as the
Python reference does (a time or count stored as a non-integer, a last review before the window's
first study day) are read as `CardRow`s and go through `states.state_of`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from itertools import chain
from typing import Any

from interview_drill.domain.figures.states import CardState, CardStates, Moment, state_of
from interview_drill.domain.review import Memory, to_ms
from interview_drill.storage.damage import KEEP_VALID_CARD
from interview_drill.storage.history import _ROW_COLS, _row
from interview_drill.storage.tallies import day_of

# The rows whose figures SQL computes exactly as `state_of` does: integer times and counts (so
# `due * 1000` compares with microseconds exactly and `bool(suspended)` is SQL's truth), and a last
# review inside the window (`day_of` counts days from its first).
_KEEP_EXACT = (
    "(typeof(lapses) = 'integer' AND typeof(suspended) = 'integer'"
    " AND (buried_until IS NULL OR typeof(buried_until) = 'integer')"
    " AND (phase = 0 OR (typeof(due) = 'integer' AND typeof(last_review) = 'integer'"
    " AND last_review >= :first)))"
)
_EXACT = f"coalesce({_KEEP_EXACT}, 0)"  # for `NOT` (see damage.KEEP_VALID_CARD)


def _sql(at: Moment, with_pow: bool) -> tuple[str, dict[str, Any]]:
    day, day_args = day_of(at.window, "last_review")
    for i in range(len(day_args)):  # named parameters, as the others
        day = day.replace("?", f":d{i}", 1)
    elapsed = f"max(0, :today - ({day}))"
    recall = f"pow(1.0 + :factor * {elapsed} / stability, :decay)" if with_pow else elapsed
    # How many of the (increasing) day ends are at or before `due` (`bisect_right`): the first end
    # after it, found by a CASE that stops there (half the studied cards are overdue: one test).
    n = len(at.forecast_ends)
    ahead = f"CASE {' '.join(f'WHEN due < :e{i} THEN {i}' for i in range(n))} ELSE {n} END"
    sql = (
        "SELECT slug, phase, CASE WHEN phase THEN stability END, lapses, suspended,"
        " CASE WHEN phase THEN due END,"
        f" CASE WHEN phase THEN {recall} ELSE 0.0 END,"
        " CASE WHEN phase = 0 OR suspended OR coalesce(buried_until * 1000 > :now_us, 0) THEN 0"
        " WHEN phase IN (1, 3) THEN due * 1000 <= :now_us ELSE due < :day_end END,"
        f" CASE WHEN phase AND NOT suspended THEN {ahead} END"
        f" FROM cards WHERE {KEEP_VALID_CARD} AND {_KEEP_EXACT}"
    )
    args: dict[str, Any] = {f"d{i}": a for i, a in enumerate(day_args)}
    args |= {f"e{i}": to_ms(e) for i, e in enumerate(at.forecast_ends)}
    args |= {
        "first": at.window.bounds[0],
        "today": at.today_index,
        "factor": at.factor,
        "decay": at.decay,
        "now_us": at.now_us,
        "day_end": to_ms(at.day_end),
    }
    return sql, args


BATCH = 256  # rows read at a time


def _batches(cur: sqlite3.Cursor) -> Iterator[list[Any]]:
    """The cursor's rows, `BATCH` at a time."""
    while batch := cur.fetchmany(BATCH):
        yield batch


def card_states(
    conn: sqlite3.Connection, at: Moment, recall_of: Callable[[Memory], float], *, with_pow: bool = True
) -> CardStates:
    """Every valid card row's state at `at`, by slug (damaged rows left out, as `Store.rows` does).

    `recall_of` is `Scheduler.recall_at(at.now)`, for the rows SQL cannot treat exactly;
    `with_pow=False` takes the power in Python, as a SQLite without math functions must.
    """
    sql, args = _sql(at, with_pow)
    try:
        cur = conn.execute(sql, args)
    except sqlite3.OperationalError as exc:
        if not with_pow or "no such function" not in str(exc):
            raise
        return card_states(conn, at, recall_of, with_pow=False)
    # In batches, not all at once: a batch's rows are freed as their states are made, so their memory
    # serves the next (8,000 rows held at once are fresh pages: page faults), and unlike a row at a
    # time, each batch is fetched in one C call.
    rows = _batches(cur)
    if with_pow:
        new = tuple.__new__  # what `CardState._make` calls, without a Python call per row
        by_slug = {r[0]: new(CardState, r[1:]) for batch in rows for r in batch}
    else:
        factor, decay = at.factor, at.decay
        by_slug = {}
        for slug, phase, stab, lapses, suspended, due, days, due_now, ahead in chain.from_iterable(rows):
            recall = float((1 + factor * days / stab) ** decay) if phase else 0.0
            by_slug[slug] = CardState(phase, stab, lapses, suspended, due, recall, due_now, ahead)
    (total,) = conn.execute("SELECT count(*) FROM cards").fetchone()
    if total > len(by_slug):  # damaged rows, or rows SQL cannot treat exactly: rare
        odd = conn.execute(
            f"SELECT {_ROW_COLS} FROM cards WHERE {KEEP_VALID_CARD} AND NOT {_EXACT}",
            {"first": at.window.bounds[0]},
        )
        for r in odd:
            row = _row(r)
            state = state_of(row, recall_of, at.now, at.day_end, at.forecast_ends)
            by_slug[row.slug] = state._replace(due_ms=r[5]) if row.memory else state  # `due` as stored
    return CardStates(at, by_slug)
