"""Each card's state for the figures as SQL computes it (`Store.card_states`) equals the Python reference
(`states.state_of` over `Store.rows()`) float for float, with SQLite's `pow()` and without it, over
random card rows (every phase, suspended, buried, due around the moment and the forecast's day ends,
last reviews before the window or after the moment, values stored as other types, damaged rows) in
time zones with clock changes; and `stats.compute` gives the same figures from either."""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from interview_drill.domain.cards import Card
from interview_drill.domain.figures import states
from interview_drill.domain.figures.log import day_window, summarise
from interview_drill.domain.figures.stats import History, compute
from interview_drill.domain.review import to_ms
from interview_drill.domain.schedule import Scheduler
from interview_drill.storage.card_states import BATCH, card_states
from interview_drill.storage.history import Store

NOW = datetime(2026, 3, 30, 2, 30, 15, 123456, tzinfo=UTC)  # microseconds: `due <= now` must be exact
DAY = 86_400_000
SCHED = Scheduler(fuzz=False)
ZONES = ["UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kathmandu"]


def _fill(store: Store, seed: int, at: states.Moment) -> list[str]:
    """Random card rows (and a few reviews, so the window starts after some last reviews); the slugs."""
    rng = random.Random(seed)
    now_ms = to_ms(at.now) - 1  # rounded: the ms at or just before now
    ends = [to_ms(e) for e in at.forecast_ends]
    slugs = []
    with store.transaction() as conn:
        for i in range(400):
            slug = f"card-{i}" if i % 9 else f"old-{i}"
            slugs.append(slug)
            phase = rng.choice((0, 1, 2, 2, 2, 3))
            values: dict[str, Any] = {"slug": slug, "phase": phase, "reps": rng.randint(0, 30),
                                      "lapses": rng.randint(0, 12), "suspended": int(rng.random() < 0.1)}  # fmt: skip
            if rng.random() < 0.1:
                values["buried_until"] = now_ms + rng.choice((-1, 0, 1, 2, DAY, -DAY))
            if phase:
                due = rng.choice(
                    (now_ms + rng.randint(-20 * DAY, 10 * DAY), now_ms, now_ms + 1, now_ms + 2,
                     rng.choice(ends), rng.choice(ends) - 1, to_ms(at.day_end) - 1)
                )  # fmt: skip
                last = now_ms - rng.choice((rng.randint(0, 500 * DAY), rng.randint(0, 2 * DAY), -DAY))
                values |= {"stability": rng.lognormvariate(1.5, 2.0) % 9000 + 0.01,
                           "difficulty": rng.uniform(1, 10), "due": due, "last_review": last,
                           "step": rng.choice((None, 0, 1))}  # fmt: skip
            odd = rng.random()
            if odd < 0.03 and phase:
                values["due"] = values["due"] + 0.4  # a time stored as a real: read as Python reads it
            elif odd < 0.05 and phase:
                values["last_review"] = values["last_review"] + 0.75
            elif odd < 0.07:
                values["suspended"] = rng.choice(("yes", "0", "", 2.5))
            elif odd < 0.08:
                values["lapses"] = 2.5
            elif odd < 0.09 and "buried_until" in values:
                values["buried_until"] = values["buried_until"] + 0.5
            elif odd < 0.11:
                values["phase"] = 9  # damaged: left out by both
            cols = ", ".join(values)
            conn.execute(
                f"INSERT INTO cards ({cols}) VALUES ({', '.join('?' * len(values))})", list(values.values())
            )
        for _ in range(60):
            conn.execute(
                "INSERT INTO reviews (card_id, rating, reviewed_at, kind, phase_before) VALUES (?, ?, ?, ?, ?)",
                (rng.randint(1, 400), rng.randint(1, 4), now_ms - rng.randint(0, 300 * DAY), "scheduled", 2),
            )
    return slugs


def _moment(store: Store, tz_name: str, rollover: int, now: datetime = NOW) -> states.Moment:
    tz = ZoneInfo(tz_name)
    window = day_window(store.first_review_ms(), now, rollover, tz)
    return states.moment(now, rollover, tz, _sched(tz, rollover).recall_terms, window)


def _sched(tz: Any, rollover: int) -> Scheduler:
    from interview_drill.domain.settings import Settings

    return Scheduler(Settings(rollover_hour=rollover), fuzz=False, tz=tz)


def _reference(store: Store, at: states.Moment, sched: Scheduler) -> dict[str, states.CardState]:
    recall_of = sched.recall_at(at.now)
    return {
        slug: states.state_of(row, recall_of, at.now, at.day_end, at.forecast_ends)
        for slug, row in store.rows().items()
    }


def _same(by_sql: dict[str, states.CardState], reference: dict[str, states.CardState], store: Store) -> None:
    assert by_sql.keys() == reference.keys()
    rows = store.rows()
    for slug, state in by_sql.items():
        # `due` is kept as stored (a real stays a real), so it gives the very datetime `CardRow` holds
        assert state._replace(due_ms=None) == reference[slug]._replace(due_ms=None), slug
        m = rows[slug].memory
        due = None if state.due_ms is None else datetime.fromtimestamp(state.due_ms / 1000, UTC)
        assert due == (m.due if m else None), slug


class NoMath:
    """A connection to a SQLite built without its math functions."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.refused = 0

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        if "pow(" in sql:
            self.refused += 1
            raise sqlite3.OperationalError("no such function: pow")
        return self.conn.execute(sql, *args)


@pytest.mark.parametrize("tz_name", ZONES)
@pytest.mark.parametrize("rollover", [0, 4])
@pytest.mark.parametrize(
    "now", [NOW, NOW.replace(microsecond=0)]
)  # a due or burial time can equal a whole ms
def test_sql_states_equal_the_reference_with_and_without_math_functions(tz_name, rollover, now):
    with Store.memory() as store:
        at = _moment(store, tz_name, rollover, now)  # an empty log: the window is today only
        _fill(store, seed=rollover * 31 + len(tz_name), at=at)
        at = _moment(store, tz_name, rollover, now)
        assert len(at.window.segments()) > (0 if tz_name in ("UTC", "Asia/Kathmandu") else 1)
        sched = _sched(ZoneInfo(tz_name), rollover)
        reference = _reference(store, at, sched)
        recall_of = sched.recall_at(now)
        with_pow = store.card_states(at, recall_of)
        no_math = NoMath(store.conn)
        without = card_states(no_math, at, recall_of)  # type: ignore[arg-type]
        assert no_math.refused == 1
        assert card_states(store.conn, at, recall_of, with_pow=False) == without
        _same(dict(with_pow.by_slug), reference, store)
        _same(dict(without.by_slug), reference, store)
        assert len(with_pow.by_slug) > BATCH  # read in several batches
        assert with_pow.by_slug == without.by_slug
        # the random rows reach every branch
        got = list(reference.values())
        assert {s.phase for s in got} == {0, 1, 2, 3}
        assert {s.ahead for s in got if s.ahead is not None} >= {0, 1, 6, 7}
        assert any(s.due_now for s in got) and any(s.phase and not s.due_now for s in got)
        assert 0 < sum(1 for s in got if s.phase and s.recall == 1.0) < sum(1 for s in got if s.phase)


def test_a_row_sql_cannot_treat_exactly_is_read_as_python_reads_it():
    with Store.memory() as store:
        at = _moment(store, "Europe/Berlin", 4)
        ms = to_ms(NOW)
        with store.transaction() as conn:
            conn.execute(
                "INSERT INTO cards (slug, phase, stability, difficulty, due, last_review, suspended) "
                "VALUES ('a', 2, 3.5, 5, ?, ?, 0), ('b', 2, 3.5, 5, ?, ?, 'yes'), ('c', 1, 3.5, 5, ?, ?, 0)",
                (ms + 0.4, ms - 5 * DAY, ms - DAY, ms - 9 * DAY, ms - 1, ms - 2 * DAY),
            )
        sched = _sched(ZoneInfo("Europe/Berlin"), 4)
        got = store.card_states(at, sched.recall_at(NOW)).by_slug
        _same(dict(got), _reference(store, at, sched), store)
        assert got["a"].due_ms == ms + 0.4 and got["b"].suspended == 1 and got["b"].due_now is False
        assert got["c"].recall == sched.retrievability(store.rows()["c"].memory, NOW)  # before the window


def _cards(slugs: list[str]) -> list[Card]:
    out = []
    for i, slug in enumerate(slugs):
        own = slug.replace("old-", "card-")  # rows stored under a former id
        c = Card(id=own, question="Q?", outline=["a"], traps=["t0"], seniority=("screen", "mid", "senior")[i % 3],
                 aliases=[slug] if own != slug else [])  # fmt: skip
        c.topic = ("peft", "alignment", "serving")[i % 3]
        out.append(c)
    never = Card(id="never-seen", question="Q?", outline=["a"])
    never.topic = "peft"
    return [*out, never]


@pytest.mark.parametrize("tz_name", ZONES)
def test_compute_gives_the_same_figures_from_states_as_from_rows(tz_name):
    tz = ZoneInfo(tz_name)
    with Store.memory() as store:
        slugs = _fill(store, seed=len(tz_name), at=_moment(store, tz_name, 4))
        at = _moment(store, tz_name, 4)
        sched = _sched(tz, 4)
        cards = _cards(slugs)
        # a card whose former id is another card's current id: its state and counts are read too
        twin = Card(id="twin", question="Q?", outline=["a"], aliases=["nobody", cards[1].id])
        twin.topic = "peft"
        cards.append(twin)
        # reviews under current and former ids (a card's counts add up those of its former ids)
        rng = random.Random(len(tz_name))
        ids = [*slugs, *(c.id for c in cards)]
        reviews = [
            (rng.choice(ids), rng.randint(1, 4), to_ms(NOW) - rng.randint(0, 20 * DAY), 2) for _ in range(900)
        ]
        reviews += [(cards[1].id, 1 + i % 2, to_ms(NOW) - DAY, 2) for i in range(5)]
        summary = summarise(History(reviews=reviews), at.window)
        kw: dict[str, Any] = dict(rollover_hour=4, tz=tz, days=14)
        by_rows = compute(cards, store.rows(), summary, sched, NOW, **kw)
        by_states = compute(cards, store.card_states(at, sched.recall_at(NOW)), summary, sched, NOW, **kw)
        assert by_states == by_rows
        assert by_states.by_topic == by_rows.by_topic and by_states.forecast == by_rows.forecast
        assert sum(1 for c in by_rows.cards if c.card.aliases and c.reviews > c.again > 0) > 10
        own = summary.per_slug.get("twin", (0, 0))
        one = by_rows.cards[1]
        assert by_rows.cards[-1][1:] == (one.state, own[0] + one.reviews, own[1] + one.again) and one.reviews
        assert [c.due for c in by_states.cards] == [c.due for c in by_rows.cards]
        assert sum(f.due for f in by_rows.forecast) > 0 and by_rows.totals.suspended > 0
        assert sum(1 for c in by_rows.cards if c.card.aliases and c.studied) > 10
        later = states.moment(NOW + timedelta(hours=1), 4, tz, sched.recall_terms, at.window)
        with pytest.raises(ValueError, match="another moment"):
            compute(cards, store.card_states(later, sched.recall_at(later.now)), summary, sched, NOW, **kw)


def test_the_jumping_forms_of_the_valid_card_check_find_the_same_rows():
    from interview_drill.storage.damage import DAMAGED_CARD, KEEP_VALID_CARD, VALID_CARD

    with Store.memory() as store:
        _fill(store, seed=5, at=_moment(store, "UTC", 4))
        ms = to_ms(NOW)
        odd = [("stability", None), ("difficulty", None), ("due", None), ("last_review", "x"), ("step", 1.5),
               ("step", None), ("buried_until", "x"), ("content_hash", b"\0"), ("slug", b"\0"), ("reps", -1),
               ("lapses", "many"), ("stability", 0), ("phase", 2.5), ("suspended", None)]  # fmt: skip
        with store.transaction() as conn:
            for n, (column, value) in enumerate(odd):
                row = {"slug": f"odd-{n}", "phase": 2, "stability": 3.0, "difficulty": 5.0, "due": ms,
                       "last_review": ms - DAY, "suspended": 0, column: value}  # fmt: skip
                if value is None and column == "suspended":
                    continue  # NOT NULL
                conn.execute(
                    f"INSERT INTO cards ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                    list(row.values()),
                )
        ids = {i for (i,) in store.conn.execute("SELECT id FROM cards")}
        kept = {i for (i,) in store.conn.execute(f"SELECT id FROM cards WHERE {KEEP_VALID_CARD}")}
        valid = {i for (i,) in store.conn.execute(f"SELECT id FROM cards WHERE {VALID_CARD}")}
        damaged = {i for (i,) in store.conn.execute(f"SELECT id FROM cards WHERE NOT {VALID_CARD}")}
        found = {i for (i,) in store.conn.execute(f"SELECT id FROM cards WHERE {DAMAGED_CARD}")}
        assert store.damaged_slugs() == {
            s for (s,) in store.conn.execute(f"SELECT slug FROM cards WHERE NOT {VALID_CARD}")
        }
    assert kept == valid and kept | damaged == ids and not kept & damaged and found == damaged
    assert len(damaged) >= 12 and len(kept) > 300
