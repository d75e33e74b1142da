"""The drill's `c` key in a real pseudo-terminal: the editor runs, the tests run, enter takes the
suggested rating, and the check is stored with the review."""

from __future__ import annotations

import shlex
import sqlite3

import pytest

from ..conftest import REPO
from ..drill_helpers import CARD, finish, spawn

pytestmark = pytest.mark.slow

SOLUTION = REPO / "questions" / "exercises" / "code-stable-softmax" / "solution.py"


def test_c_edits_checks_and_enter_rates_as_the_tests_suggest(tmp_path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"cp {shlex.quote(str(SOLUTION))}")  # "types" the reference in
    child = spawn(tmp_path, "--topic", "coding", "--new", "1")
    child.expect_exact("runnable: press c")
    child.expect_exact(CARD)
    child.send("c")
    child.expect_exact("running the tests")
    child.expect_exact("7/7 tests passed")
    child.expect(r"enter: rate (\x1b\[[0-9;]*m)*Good(\x1b\[[0-9;]*m)* as the tests suggest")
    child.send("\r")
    child.expect_exact(CARD)  # the same card, back for its 10-minute learning step (learn-ahead)
    child.send("q")
    child.expect_exact("Session done: 1 card rated")
    transcript = finish(child)

    assert child.exitstatus == 0, transcript
    assert "Traceback" not in transcript
    assert (tmp_path / "code" / "code-stable-softmax.py").read_text() == SOLUTION.read_text()
    conn = sqlite3.connect(tmp_path / "history.db")
    try:
        rows = conn.execute(
            "SELECT k.slug, k.passed, k.total, r.rating FROM code_checks k JOIN reviews r ON r.id = k.review_id"
        ).fetchall()
    finally:
        conn.close()
    assert rows == [("code-stable-softmax", 7, 7, 3)]
