"""The wheel carries the built-in bank: install it into a fresh venv and list cards from elsewhere."""

from __future__ import annotations

import json
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = pytest.mark.slow


def test_wheel_installs_and_lists_builtin_cards(tmp_path: Path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(REPO)],
        check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    (wheel,) = dist.glob("interview_drill-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    bank_files = sorted(
        n for n in names if n.startswith("interview_drill/questions/") and n.endswith(".yaml")
    )
    assert len(bank_files) == len(list((REPO / "questions").glob("*.yaml"))) > 0
    assert not any(n.startswith("questions/") for n in names)  # one copy, inside the package
    # the coding exercises travel with the bank that names them: every file of every exercise
    exercise_files = {
        f"interview_drill/{p.relative_to(REPO).as_posix()}"
        for p in (REPO / "questions" / "exercises").glob("*/*.py")
    }
    assert len(exercise_files) >= 24 * 3 and exercise_files <= set(names)
    assert "interview_drill/py.typed" in names  # PEP 561: type checkers use the package's own hints
    # data files the code reads with importlib.resources: the report's style sheet and JSON schema
    assert {"interview_drill/render/report.css", "interview_drill/report.schema.json"} <= set(names)

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    subprocess.run(
        [py, "-m", "pip", "install", "--quiet", str(wheel)], check=True, capture_output=True, timeout=600
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [env_dir / "bin" / "idrill", "list", "--json"],
        cwd=elsewhere, capture_output=True, text=True, timeout=60,
        env={"PATH": str(env_dir / "bin"), "IDRILL_HOME": str(tmp_path / "home")},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    cards = json.loads(result.stdout)
    assert len(cards) >= 90
    assert {"peft", "alignment", "training"} <= {c["topic"] for c in cards}
    alias = subprocess.run(
        [env_dir / "bin" / "interview-drill", "--version"], capture_output=True, text=True, timeout=60
    )
    assert alias.returncode == 0 and alias.stdout.startswith("idrill ")
