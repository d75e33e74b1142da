"""Every test gets its own home: no test touches the real user's database, config or cache."""

from __future__ import annotations

from pathlib import Path

import pytest

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
    return home


@pytest.fixture
def sample_args() -> list[str]:
    """CLI options that load only the small sample bank."""
    return ["--no-builtin", "--bank", str(SAMPLE_BANK)]
