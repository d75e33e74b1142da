"""`scripts/bench --quick` runs end to end, so the bench never rots: every figure is measured."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = pytest.mark.slow

FIGURES = {
    "floor_python", "floor_import_typer", "version", "help", "first_card", "bank_cold", "bank_warm",
    "queue", "persist", "stats", "report_html", "session_rss",
}  # fmt: skip


def test_quick_bench_measures_every_figure(tmp_path: Path):
    out = tmp_path / "bench-results.json"
    start = time.monotonic()
    run = subprocess.run(
        [str(REPO / "scripts" / "bench"), "--quick", "--workdir", str(tmp_path / "work"), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    elapsed = time.monotonic() - start
    # 0: every target met, 1: one missed (timings on a busy test machine); anything else is a bug.
    assert run.returncode in (0, 1), run.stdout[-3000:] + run.stderr[-3000:]
    assert "Traceback" not in run.stderr
    results = json.loads(out.read_text())
    assert results["mode"] == "quick"
    assert set(results["figures"]) == FIGURES
    assert results["floors_ms"]["import_typer"] > results["floors_ms"]["python"] > 0
    for key, figure in results["figures"].items():
        if figure["note"].startswith("n/a"):
            continue
        assert figure["runs"] >= 3, key
        if key == "session_rss":
            assert 0 < figure["peak_rss_mb"] < 1000
        else:
            assert 0 < figure["median_ms"] <= figure["max_ms"], key
        assert figure["passed"] in (True, False, None), key
    assert results["passed"] == (run.returncode == 0)
    for key in ("version", "help", "first_card", "bank_warm", "stats"):
        assert results["figures"][key]["label"] in run.stdout  # the table
    assert "PASS" in run.stdout or "FAIL" in run.stdout
    assert elapsed < 60, f"the quick bench took {elapsed:.0f} s; keep it well under 30 s on an idle machine"
