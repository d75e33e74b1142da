"""`idrill simulate`: the table is monotone in retention, uses the recorded times, and says when it cannot."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from interview_drill.domain.review import Rating
from interview_drill.storage.history import Store

from ..cli.test_cli_plan import make_bank
from ..conftest import pin_clock, rate_as_user, run

T0 = datetime.fromisoformat("2026-03-02T09:00:00+00:00")


def build_history(db, cards: list[str]) -> None:
    """Each card: new (60 s), a learning step (20 s), then three reviews when due (Good 25 s, or Again 50 s
    and a relearning step) — 30 cards make ~150 timed reviews."""
    with Store.open(db) as store:
        for i, slug in enumerate(cards):
            rate_as_user(store, slug, Rating.GOOD, T0, duration_ms=60_000)
            rate_as_user(store, slug, Rating.GOOD, T0 + timedelta(minutes=10), duration_ms=20_000)
            for k in range(3):
                due = store.row(slug).memory.due
                if (i + k) % 7 == 0:
                    rate_as_user(store, slug, Rating.AGAIN, due, duration_ms=50_000)
                    rate_as_user(store, slug, Rating.GOOD, due + timedelta(minutes=10), duration_ms=20_000)
                else:
                    rate_as_user(store, slug, Rating.GOOD, due, duration_ms=25_000)


def test_the_table_is_monotone_in_retention(monkeypatch, tmp_path, isolated_home):
    bank = ["--no-builtin", "--bank", str(make_bank(tmp_path / "bank", per_topic=12))]
    isolated_home.mkdir(parents=True, exist_ok=True)
    build_history(
        isolated_home / "history.db",
        [f"alpha-{i:02d}" for i in range(12)] + [f"beta-{i:02d}" for i in range(12)],
    )
    pin_clock(monkeypatch, (T0 + timedelta(days=60)).isoformat())
    result = run("simulate", *bank, "--days", "60", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    rows = data["rows"]
    assert [r["retention"] for r in rows] == [0.75, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97]
    minutes = [r["minutes_per_day"] for r in rows]
    remembered = [r["remembered"] for r in rows]
    assert minutes == sorted(minutes) and len(set(minutes)) == len(minutes)
    assert remembered == sorted(remembered) and len(set(remembered)) == len(remembered)
    assert sum(r["cheapest"] for r in rows) == 1
    best = min(rows, key=lambda r: r["minutes_per_card_remembered"])
    assert best["cheapest"]
    # The recorded times, not made-up ones.
    assert data["costs_seconds"]["new"] == 60 and data["costs_seconds"]["good"] == 25
    assert data["costs_seconds"]["again"] == 50 and data["costs_seconds"]["learning"] == 20
    shown = run("simulate", *bank, "--days", "60").output
    assert (
        "← cheapest" in shown
        and "(yours)" in shown
        and "fewest minutes of study per card remembered" in shown
    )


def test_too_little_history_says_so(pinned, sample_args):
    result = run("simulate", *sample_args)
    assert result.exit_code == 2
    assert "not enough history to say: 0 reviews with a recorded time" in result.output
