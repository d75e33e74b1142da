"""Checking coding attempts: readable results, and a broken attempt never hangs or crashes us."""

from __future__ import annotations

from pathlib import Path

import pytest

from interview_drill.app.exercises import Exercise, check, start_attempt
from interview_drill.domain.review import Rating

from ..conftest import REPO

# A built-in exercise (tests/bank/test_exercise_bank.py proves every one of them).
SOFTMAX = Exercise("code-stable-softmax", REPO / "questions" / "exercises" / "code-stable-softmax")


def attempt(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "attempt.py"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_reference_passes_every_test():
    result = check(SOFTMAX, SOFTMAX.part("solution.py"))
    assert result.error is None and result.total >= 4 and result.all_passed
    assert result.suggested_rating() == Rating.GOOD


def test_the_untouched_stub_fails_every_test_as_not_implemented(tmp_path: Path):
    path = tmp_path / "mine.py"
    assert start_attempt(SOFTMAX, path)
    assert not start_attempt(SOFTMAX, path)  # an attempt is never overwritten
    result = check(SOFTMAX, path)
    assert result.passed == 0 and result.total >= 4
    assert {t.message for t in result.tests} == {"not implemented yet"}
    assert result.suggested_rating() == Rating.AGAIN


def test_a_naive_softmax_passes_some_and_says_why_the_rest_fail(tmp_path: Path):
    naive = (
        "import numpy as np\n"
        "def softmax(x, axis=-1):\n    e = np.exp(x)\n    return e / e.sum(axis=axis, keepdims=True)\n"
        "def log_softmax(x, axis=-1):\n    return np.log(softmax(x, axis))\n"
    )
    result = check(SOFTMAX, attempt(tmp_path, naive))
    assert 0 < result.passed < result.total
    assert result.suggested_rating() == Rating.HARD
    failed = [t for t in result.tests if not t.passed]
    assert any("expected" in t.message for t in failed), failed
    assert all("\n" not in t.message for t in result.tests)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("def softmax(x:\n", "syntax error at line 1"),
        ("import sys\nsys.exit(3)\n", "the attempt failed while loading: SystemExit: 3"),
        ("import os\nos._exit(0)\n", "the attempt ended the checker early (exit code 0)"),
        ("x = bytearray(10 * 1024**3)\n", "the attempt failed while loading: MemoryError"),
        (
            "print('garbage' * 100000)\nraise ValueError('boom')\n",
            "the attempt failed while loading: ValueError: boom",
        ),
    ],
)
def test_a_broken_attempt_is_one_clear_line(tmp_path: Path, text: str, error: str):
    result = check(SOFTMAX, attempt(tmp_path, text))
    assert result.error is not None and result.error.startswith(error), result.error
    assert result.suggested_rating() == Rating.AGAIN


def test_an_endless_loop_is_stopped(tmp_path: Path):
    result = check(SOFTMAX, attempt(tmp_path, "while True:\n    pass\n"), time_limit=3)
    assert result.error == "stopped after 3 s: an endless loop, or far too slow"
