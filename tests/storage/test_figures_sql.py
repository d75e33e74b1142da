"""The figures aggregated by SQL (`Store.figures_summary`) equal the same figures computed in Python
from every review (`History`), over random logs in time zones with clock changes and odd offsets."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from interview_drill.domain.cards import Card
from interview_drill.domain.figures.log import History, day_window
from interview_drill.domain.figures.stats import compute
from interview_drill.domain.review import to_ms
from interview_drill.domain.schedule import Scheduler
from interview_drill.storage.history import Store

NOW = datetime(2026, 3, 30, 2, 30, tzinfo=UTC)  # a day after Europe's clocks moved forward
SCHED = Scheduler(fuzz=False)


def _cards(n: int) -> list[Card]:
    out = []
    for i in range(n):
        c = Card(id=f"card-{i}", question="Q?", outline=["a"], traps=["t0", "t1"],
                 seniority=("screen", "mid", "senior")[i % 3], aliases=[f"old-{i}"] if i % 7 == 0 else [])  # fmt: skip
        c.topic = ("peft", "alignment")[i % 2]
        out.append(c)
    return out


def _fill(store: Store, seed: int) -> None:
    rng = random.Random(seed)
    start = to_ms(NOW - timedelta(days=400))
    end = to_ms(NOW + timedelta(days=2))  # a pinned clock's future reviews must not count
    slugs = [f"card-{i}" for i in range(30)] + ["old-7", "gone-card"]
    with store.transaction() as conn:
        for i, slug in enumerate(slugs, 1):
            conn.execute("INSERT INTO cards (id, slug) VALUES (?, ?)", (i, slug))
        for _ in range(1500):
            conn.execute(
                "INSERT INTO reviews (card_id, rating, reviewed_at, kind, phase_before, traps_hit) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (rng.randint(1, len(slugs)), rng.randint(1, 4), rng.randint(start, end),
                 rng.choice(("scheduled", "scheduled", "mock", "cram")), rng.randint(0, 3),
                 json.dumps([rng.randint(0, 1)]) if rng.random() < 0.1 else None),
            )  # fmt: skip


def _log(store: Store) -> History:
    reviews = store.conn.execute(
        "SELECT c.slug, r.rating, r.reviewed_at, r.phase_before FROM reviews r "
        "JOIN cards c ON c.id = r.card_id WHERE r.kind != 'cram'"
    ).fetchall()
    traps = store.conn.execute(
        "SELECT c.slug, r.traps_hit FROM reviews r JOIN cards c ON c.id = r.card_id "
        "WHERE r.traps_hit IS NOT NULL AND r.kind != 'cram'"
    ).fetchall()
    return History(reviews, traps, [])


@pytest.mark.parametrize("tz_name", ["UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kathmandu"])
@pytest.mark.parametrize("rollover", [0, 4])
@pytest.mark.parametrize("selected", [None, slice(0, 30, 3)])
def test_sql_summary_gives_the_figures_of_every_review(tz_name, rollover, selected):
    tz = ZoneInfo(tz_name)
    cards = _cards(30)
    if selected is not None:
        cards = cards[selected]
    with Store.memory() as store:
        _fill(store, seed=rollover * 7 + len(tz_name))
        window = day_window(store.first_review_ms(), NOW, rollover, tz)
        assert len(window.segments()) > (1 if tz_name != "UTC" and tz_name != "Asia/Kathmandu" else 0)
        slugs = None if selected is None else {s for c in cards for s in (c.id, *c.aliases)}
        summary = store.figures_summary(window, slugs)
        rows = store.rows()
        kw = dict(rollover_hour=rollover, tz=tz, days=60, whole_history=selected is None)
        by_sql = compute(cards, rows, summary, SCHED, NOW, **kw)
        by_python = compute(cards, rows, _log(store), SCHED, NOW, **kw)
    assert by_sql == by_python
    assert by_sql.totals.reviews > 0 and by_sql.traps


def test_a_summary_for_another_day_refuses():
    with Store.memory() as store:
        _fill(store, seed=1)
        window = day_window(store.first_review_ms(), NOW - timedelta(days=3), 4, UTC)
        summary = store.figures_summary(window)
        with pytest.raises(ValueError, match="another day window"):
            compute(_cards(3), {}, summary, SCHED, NOW, rollover_hour=4, tz=UTC)
