"""Every test gets its own home: no test touches the real user's database, config or cache."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from typer.testing import CliRunner

if TYPE_CHECKING:
    from interview_drill.app.rate import Applied
    from interview_drill.domain.review import CardRow, Rating
    from interview_drill.domain.schedule import Scheduler
    from interview_drill.storage.history import Store

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
SAMPLE_BANK = DATA / "sample_bank"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "idrill-home"
    monkeypatch.setenv("IDRILL_HOME", str(home))
    for var in (
        "IDRILL_DB",
        "IDRILL_CONFIG",
        "IDRILL_CACHE_DIR",
        "IDRILL_BANK",
        "IDRILL_NO_BUILTIN",
        "NO_COLOR",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("LLM_USER_PATH", str(tmp_path / "llm-home"))  # `llm`'s keys and default model
    return home


# The moment every pinned test runs at (a Monday, 09:00 UTC).
PINNED_NOW = "2026-03-02T09:00:00+00:00"


def pin_clock(monkeypatch: pytest.MonkeyPatch, now: str = PINNED_NOW, *, seed: int | None = None) -> None:
    """Pin idrill's clock and zone, and turn interval fuzz off (optionally seed the randomness)."""
    monkeypatch.setenv("IDRILL_NOW", now)
    monkeypatch.setenv("IDRILL_TZ", "UTC")
    monkeypatch.setenv("IDRILL_FUZZ", "0")
    if seed is not None:
        monkeypatch.setenv("IDRILL_SEED", str(seed))


@pytest.fixture
def pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pinned clock: see `pin_clock`."""
    pin_clock(monkeypatch)


runner = CliRunner()


def run(*args: str, input: str | None = None) -> Any:
    """Invoke the CLI in-process, as a user would type it; a traceback in the output fails the test."""
    from interview_drill.cli.app import app

    result = runner.invoke(app, list(args), input=input, catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


_STORED = object()  # `shown` default: the row the store holds now


def rate_as_user(
    store: Store,
    slug: str,
    rating: Rating,
    at: datetime,
    *,
    kind: str = "scheduled",
    shown: CardRow | None | object = _STORED,
    scheduler: Scheduler | None = None,
    patience: float | None = None,
    **given: Any,
) -> Applied:
    """Rate a card as a session would, through `app.rate`: the screen showed `shown` (by default the
    card's row as stored now) with the outcomes the scheduler previews from it (fuzz off; cram shows
    none). `given` adds GivenRating fields: duration_ms, session_id, answer, traps_hit, content_hash.

    A plain function, not a fixture, so module-scoped fixtures and history builders can use it too.
    """
    from interview_drill.app.rate import rate_card
    from interview_drill.domain.review import CardRow, GivenRating
    from interview_drill.domain.schedule import Scheduler

    scheduler = scheduler or Scheduler(fuzz=False)
    on_screen = store.row(slug) if shown is _STORED else shown
    assert on_screen is None or isinstance(on_screen, CardRow)
    outcome = scheduler.preview(on_screen or CardRow(slug), at)[rating] if kind != "cram" else None
    rating_given = GivenRating(slug, rating, at, kind, on_screen, outcome, **given)
    if patience is not None:  # how long to wait for a locked database (app.rate's default otherwise)
        return rate_card(store, scheduler, rating_given, patience=patience)
    return rate_card(store, scheduler, rating_given)


@pytest.fixture
def sample_args() -> list[str]:
    """CLI options that load only the small sample bank."""
    return ["--no-builtin", "--bank", str(SAMPLE_BANK)]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the command-line tests `cli`: scripts/test runs them again with IDRILL_NO_SPEEDUPS=1."""
    for item in items:
        path = item.path.as_posix()
        if "/tests/cli/" in path or item.path.name.startswith(
            ("test_cli", "test_terminal", "test_completion")
        ):
            item.add_marker(pytest.mark.cli)


@pytest.fixture
def fake_model() -> Any:
    """A scripted `llm` model chosen in the settings (tests/ai_fake.py); unregistered afterwards."""
    from .ai_fake import fake_model_installed

    yield from fake_model_installed()


def query(db: Path, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Rows of one query on a history database file (the connection closed after)."""
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql, args).fetchall()
