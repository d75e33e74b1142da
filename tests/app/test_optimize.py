"""`idrill optimize` on a synthetic history: a simulated learner whose memory differs from the FSRS
defaults, studying a few hundred cards for four months (fixed seed, pinned clock, no fuzz)."""

from __future__ import annotations

import io
import math
import random
import re
import sqlite3
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from interview_drill.app import config, optimize
from interview_drill.app.config import Settings
from interview_drill.domain.review import CardRow, Rating
from interview_drill.domain.schedule import Scheduler, default_parameters, recall_predictions
from interview_drill.storage.history import Store

from ..conftest import SAMPLE_BANK, rate_as_user, run

SAMPLE = ["--no-builtin", "--bank", str(SAMPLE_BANK)]
START = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)

# The simulated learner's "true" memory: stability grows more slowly and recall decays faster than
# the FSRS defaults assume, so the defaults over-predict recall and fitting has something to find.
TRUE_PARAMETERS = tuple(1.0 if i == 8 else 0.5 if i == 20 else w for i, w in enumerate(default_parameters()))


def simulate(store: Store, *, cards: int = 300, days: int = 120, seed: int = 4) -> None:
    """Study `cards` cards with the default scheduler; recall follows TRUE_PARAMETERS."""
    rng = random.Random(seed)
    scheduler = Scheduler(fuzz=False)
    truth = Scheduler(Settings(parameters=TRUE_PARAMETERS), fuzz=False)
    end = START + timedelta(days=days)
    for n in range(cards):
        slug = f"sim-{n:03d}"
        now = START + timedelta(days=rng.randrange(days // 2), minutes=rng.randrange(600))
        row, true_row = CardRow(slug), CardRow(slug)
        while now < end:
            if true_row.memory is None:
                rating = Rating(rng.choice([1, 3, 3, 3, 4]))
            elif rng.random() < truth.retrievability(true_row.memory, now):
                rating = Rating(rng.choices([2, 3, 4], [1, 6, 1])[0])
            else:
                rating = Rating.AGAIN
            at = now
            duration = rng.randrange(2_000, 60_000)
            row = rate_as_user(
                store, slug, rating, at, shown=row, scheduler=scheduler, duration_ms=duration
            ).after
            true_row = true_row.with_memory(truth.next_memory(true_row, rating, at))
            assert row.memory is not None
            now = max(row.memory.due, at + timedelta(minutes=1)) + timedelta(minutes=rng.randrange(120))


@pytest.fixture(scope="module")
def synthetic_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("synthetic") / "history.db"
    with Store.open(path) as store:
        simulate(store)
    return path


@pytest.fixture
def history(synthetic_db, isolated_home, monkeypatch) -> Path:
    """A private copy of the synthetic history as this test's database."""
    monkeypatch.setenv("IDRILL_NOW", "2025-05-02T09:00:00+00:00")
    monkeypatch.setenv("IDRILL_TZ", "UTC")
    monkeypatch.setenv("IDRILL_FUZZ", "0")
    isolated_home.mkdir(parents=True, exist_ok=True)
    target = isolated_home / "history.db"
    with Store.open(synthetic_db) as store:
        store.backup(target)
    return target


def states(path: Path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT slug, phase, stability, difficulty, due FROM cards ORDER BY slug"
        ).fetchall()
    finally:
        conn.close()


# ------------------------------------------------------------------ the arithmetic


def test_calibration_on_a_tiny_known_example():
    pairs = [(0.9, True), (0.9, False), (0.5, True), (0.5, True)]
    m = optimize.calibration(pairs)
    assert m.n == 4
    assert m.log_loss == pytest.approx(-(math.log(0.9) + math.log(0.1) + 2 * math.log(0.5)) / 4)
    # bins: p=0.9 → recall 1/2 (off by 0.4, two reviews); p=0.5 → recall 1 (off by 0.5, two reviews)
    assert m.rmse == pytest.approx(math.sqrt((2 * 0.4**2 + 2 * 0.5**2) / 4))


@pytest.mark.parametrize(
    ("pairs", "log_loss", "rmse"),
    [
        ([(1.0, True)], 1e-6, 0.0),  # clipped, never log(0)
        ([(0.0, True)], -math.log(1e-6), 1.0),
        ([(0.25, False), (0.75, True)], -math.log(0.75), 0.25),
        ([(0.91, True), (0.94, False)], (-math.log(0.91) - math.log(0.06)) / 2, 0.425),  # one bin
    ],
)
def test_calibration_table(pairs, log_loss, rmse):
    m = optimize.calibration(pairs)
    assert m.log_loss == pytest.approx(log_loss, rel=1e-3)
    assert m.rmse == pytest.approx(rmse)


def test_calibration_of_nothing_is_not_a_number():
    assert math.isnan(optimize.calibration([]).log_loss)


def test_recall_predictions_skip_same_day_reviews():
    t = START
    history = [
        (Rating.GOOD, t),
        (Rating.GOOD, t + timedelta(minutes=10)),
        (Rating.AGAIN, t + timedelta(days=3)),
    ]
    ((when, p, recalled),) = recall_predictions(history)
    assert when == t + timedelta(days=3) and not recalled and 0 < p < 1


def test_card_histories_start_over_after_a_reset():
    with Store.memory() as store:
        scheduler = Scheduler(fuzz=False)
        for day, rating in [(0, Rating.GOOD), (3, Rating.GOOD)]:
            at = START + timedelta(days=day)
            rate_as_user(store, "c", rating, at, scheduler=scheduler)
        store.reset("c")
        rate_as_user(store, "c", Rating.EASY, START + timedelta(days=9), scheduler=scheduler)
        segments = optimize.card_histories(store)["c"]
    assert [[r for r, _ in seg] for seg in segments] == [[Rating.GOOD, Rating.GOOD], [Rating.EASY]]


# ------------------------------------------------------------------ the command


def test_fitting_beats_the_defaults_on_held_out_reviews(synthetic_db):
    with Store.open(synthetic_db) as store:
        report = optimize.fit_report(optimize.card_histories(store))
    assert report.reviews >= optimize.MIN_REVIEWS and report.cards >= 200
    assert report.fitted.n == report.defaults.n > 0.15 * report.reviews
    assert report.fitted.log_loss < report.defaults.log_loss
    assert report.fitted.rmse < report.defaults.rmse
    assert report.improves and len(report.parameters) == 21
    Scheduler(Settings(parameters=report.parameters))  # py-fsrs accepts them


def test_optimize_saves_parameters_and_reschedules(history):
    before = states(history)
    result = run("optimize", *SAMPLE)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "FSRS defaults" in out and "fitted to your reviews" in out and "log-loss" in out
    assert "Saved your personal parameters" in out and "re-scheduled 300 cards" in out
    saved = config.load(Path(out.split("parameters to ")[1].split(";")[0]))
    assert len(saved.parameters) == 21 and saved.parameters != default_parameters()
    scheduler = Scheduler(saved, fuzz=False)
    assert scheduler.parameters == saved.parameters  # the scheduler uses them
    after = states(history)
    assert len(after) == len(before)
    assert sum(a != b for a, b in zip(after, before, strict=True)) == 300
    with Store.open(history) as store:  # each card is what replaying its reviews gives
        h = optimize.card_histories(store)["sim-042"][-1]
        assert store.row("sim-042").memory == scheduler.replay(h)


def test_dry_run_writes_nothing(history, isolated_home):
    before = states(history)
    result = run("optimize", "--dry-run", *SAMPLE)
    assert result.exit_code == 0, result.output
    assert "Dry run: nothing saved" in result.output
    assert states(history) == before
    assert not (isolated_home / "config.toml").exists()


def test_no_change_when_the_fit_is_no_better(history, isolated_home, monkeypatch):
    config.save(isolated_home / "config.toml", Settings(parameters=TRUE_PARAMETERS))
    real = optimize.fit_report

    def no_better(histories, current=(), days=None):
        report = real(histories, current, days)
        assert report.current is not None  # the personal parameters in use are compared too
        return replace(
            report, current_all=replace(report.fitted_all, log_loss=report.fitted_all.log_loss - 0.01)
        )

    monkeypatch.setattr(optimize, "fit_report", no_better)
    before = states(history)
    result = run("optimize", *SAMPLE)
    assert result.exit_code == 0, result.output
    assert "your current ones" in result.output
    assert "Nothing changed: the parameters in use already fit your reviews" in result.output
    assert states(history) == before
    assert config.load(isolated_home / "config.toml").parameters == TRUE_PARAMETERS


def test_suggest_retention(history):
    result = run("optimize", "--dry-run", "--suggest-retention", *SAMPLE)
    assert result.exit_code == 0, result.output
    shown = re.search(r"Suggested desired retention: (0\.\d\d) ", result.output)
    assert shown, result.output
    assert 0.7 <= float(shown.group(1)) <= 0.97


def test_too_little_history_is_refused_with_the_reason(isolated_home, monkeypatch):
    monkeypatch.setenv("IDRILL_FUZZ", "0")
    isolated_home.mkdir(parents=True)
    with Store.open(isolated_home / "history.db") as store:
        simulate(store, cards=10, days=30)
    before = states(isolated_home / "history.db")
    result = run("optimize", *SAMPLE)
    assert result.exit_code == 2
    assert "needs at least 400 reviews" in result.output and "over at least 20 cards" in result.output
    assert "you have " in result.output
    assert states(isolated_home / "history.db") == before


def test_without_the_extra_a_one_line_message_and_exit_2(monkeypatch, history):
    monkeypatch.setitem(sys.modules, "fsrs_rs_python", None)  # import fails as if not installed
    result = run("optimize", *SAMPLE)
    assert result.exit_code == 2
    assert result.output.strip() == (
        "idrill optimize needs the optimize extra: pip install 'interview-drill[optimize]'"
    )


def test_progress_bar_only_on_a_terminal(history):
    from rich.console import Console

    from interview_drill.cli.commands.history import _reschedule_with_progress

    calls = []

    def fake(store, scheduler, on_progress=None):
        calls.append(on_progress)
        if on_progress:
            on_progress(1, 2)
            on_progress(2, 2)
        return 2

    tty = Console(file=io.StringIO(), force_terminal=True, width=80)
    pipe = Console(file=io.StringIO(), force_terminal=False, width=80)
    assert _reschedule_with_progress(tty, None, None, fake) == 2
    assert _reschedule_with_progress(pipe, None, None, fake) == 2
    assert calls[0] is not None and calls[1] is None
    assert "\x1b" not in pipe.file.getvalue()


def _m(log_loss: float) -> optimize.Metrics:
    return optimize.Metrics(log_loss, 0.1, 100)


@pytest.mark.parametrize(
    ("held_out", "everything", "keep"),
    [
        ((0.50, 0.45), (0.50, 0.44), None),  # (defaults, fitted) on held-out; (in use, fitted) on all
        ((0.50, 0.55), (0.50, 0.44), "worse than the FSRS defaults"),
        ((0.50, 0.45), (0.44, 0.44), "already fit your reviews"),
    ],
)
def test_when_new_parameters_replace_the_ones_in_use(held_out, everything, keep):
    report = optimize.FitReport(
        parameters=default_parameters(),
        defaults=_m(held_out[0]),
        current=None,
        fitted=_m(held_out[1]),
        current_all=_m(everything[0]),
        fitted_all=_m(everything[1]),
        reviews=500,
        cards=50,
        cutoff=START,
    )
    assert report.improves is (keep is None)
    assert (report.reason_to_keep is None) if keep is None else (keep in report.reason_to_keep)
