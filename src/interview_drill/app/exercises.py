"""Runnable coding exercises: copy the stub to the user's attempt, and check an attempt.

An exercise is a folder beside a bank file (`exercises/<name>/`) with `stub.py` (what the user
starts from), `solution.py` (the reference) and `tests.py` (hidden tests, functions `test_*(m)`
taking the attempt as a module). Checking runs `exercise_child.py` in a separate, isolated Python
process with a time limit, an address-space limit and its output discarded, so a broken attempt
(syntax error, endless loop, a 10 GB allocation, `sys.exit`, printing garbage) gives one clear
line and never hangs or crashes the drill.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from interview_drill.domain.review import Rating

if TYPE_CHECKING:
    from datetime import datetime

    from interview_drill.bank import Bank
    from interview_drill.storage.history import Store

CHILD = Path(__file__).with_name("exercise_child.py")
TIME_LIMIT = 20.0  # seconds for the whole check (numpy's import included)
MEMORY_LIMIT = 1024 * 1024 * 1024  # bytes of address space for the checking process


@dataclass(frozen=True)
class Exercise:
    """A card's exercise folder."""

    card_id: str
    folder: Path

    def part(self, name: str) -> Path:
        return self.folder / name


@dataclass(frozen=True)
class TestOutcome:
    name: str
    passed: bool
    message: str = ""


@dataclass(frozen=True)
class CheckResult:
    """What the hidden tests said of an attempt; `error` when they could not run at all."""

    tests: tuple[TestOutcome, ...] = ()
    error: str | None = None
    seconds: float = 0.0
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def passed(self) -> int:
        return sum(t.passed for t in self.tests)

    @property
    def total(self) -> int:
        return len(self.tests)

    @property
    def all_passed(self) -> bool:
        return self.error is None and self.total > 0 and self.passed == self.total

    def suggested_rating(self) -> Rating:
        """All pass → Good, some → Hard, none (or an error) → Again."""
        if self.all_passed:
            return Rating.GOOD
        return Rating.HARD if self.error is None and self.passed else Rating.AGAIN

    def summary(self) -> str:
        if self.error:
            return self.error
        return f"{self.passed}/{self.total} tests passed"


def _limit_child() -> None:  # pragma: no cover - runs in the child between fork and exec
    import resource

    os.setsid()  # its own process group: a timeout kills whatever it started too
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def check(exercise: Exercise, attempt: Path, *, time_limit: float = TIME_LIMIT) -> CheckResult:
    """Run the exercise's tests against `attempt` (a .py file) in a limited child process."""
    import time

    if not attempt.is_file():
        return CheckResult(error=f"no attempt at {attempt}")
    read_fd, write_fd = os.pipe()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "OPENBLAS_NUM_THREADS": "1",  # BLAS threads reserve address space the limit would refuse
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    argv = [sys.executable, "-I", str(CHILD), str(exercise.part("tests.py")), str(attempt), str(write_fd)]
    start = time.monotonic()
    try:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(write_fd,),
            env=env,
            cwd=str(attempt.parent),
            preexec_fn=_limit_child if os.name == "posix" else None,  # noqa: PLW1509 - no threads here
        )
    finally:
        os.close(write_fd)
    with os.fdopen(read_fd, "rb") as reader:
        try:
            proc.wait(timeout=time_limit)
        except subprocess.TimeoutExpired:
            _kill(proc)
            return CheckResult(error=f"stopped after {time_limit:g} s: an endless loop, or far too slow")
        raw = reader.read(1024 * 1024)
    seconds = time.monotonic() - start
    try:
        report = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        code = proc.returncode
        why = f"killed by signal {-code}" if code and code < 0 else f"exit code {code}"
        return CheckResult(error=f"the attempt ended the checker early ({why})", seconds=seconds)
    tests = tuple(TestOutcome(str(n), bool(p), str(m)) for n, p, m in report.get("tests", []))
    return CheckResult(tests=tests, error=report.get("error"), seconds=seconds)


def _kill(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, AttributeError):
        proc.kill()
    proc.wait()


def start_attempt(exercise: Exercise, attempt: Path, *, over: bool = False) -> bool:
    """Copy the stub to `attempt` unless an attempt is already there (or `over` it); True if written.

    Written atomically: an existing attempt is either kept whole or replaced whole.
    """
    from interview_drill.files import write_text

    if attempt.exists() and not over:
        return False
    stub = exercise.part("stub.py").read_text(encoding="utf-8")
    try:
        attempt.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from interview_drill.files import WriteError

        raise WriteError(
            f"{attempt.parent}: cannot create the folder for attempts ({exc.strerror})"
        ) from None
    write_text(attempt, stub, what="attempt")
    return True


# ---------------------------------------------------------------- use cases


def find(bank: Bank, card_id: str) -> Exercise:
    """The exercise of a card (by id or former id); a UsageError if the card has none."""
    from interview_drill.errors import Hint, UsageError

    card = bank.require(card_id)
    folder = bank.exercises.get(card.id)
    if folder is None:
        raise UsageError(f"card `{card.id}` has no runnable exercise; ", Hint.LIST_EXERCISES)
    return Exercise(card.id, folder)


def attempt_path(card_id: str) -> Path:
    """Where the user's attempt at a card's exercise lives: the work folder, one file per card."""
    from interview_drill.paths import work_dir

    return work_dir() / f"{card_id}.py"


def record(
    store: Store, card_id: str, result: CheckResult, at: datetime, review_id: int | None = None
) -> int:
    """Keep a check's result in the history; the row id (the drill links it to the rating)."""
    from interview_drill.storage.checks import record_check

    return record_check(
        store, card_id, at, passed=result.passed, total=result.total, seconds=result.seconds,
        error=result.error, review_id=review_id,
    )  # fmt: skip
