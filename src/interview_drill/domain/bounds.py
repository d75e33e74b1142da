"""What a stored value may be: the bounds the scheduler and the screens need, in one place.

The history import (`storage/transfer_parse.py`) refuses values outside them and the database
readers (`storage/history.py`) set rows holding them aside, so a value that would crash py-fsrs
(a difficulty of -1 becomes a complex number, 0 divides by zero) or flood the terminal (a 200 MB
typed answer) never reaches the drill.
"""

from __future__ import annotations

import math

MAX_MS = 32_503_680_000_000  # 3000-01-01: far enough, and safe to shift into any time zone
MIN_DIFFICULTY, MAX_DIFFICULTY = 1.0, 10.0  # FSRS clamps difficulty to [1, 10]
MAX_STABILITY = 10_000_000.0  # days; py-fsrs caps intervals at 36,500 days, well below
MAX_STEP = 1000  # index into the (re)learning steps; the scheduler restarts a step it does not have
MAX_COUNT = 10**9  # reps, lapses, cards done, durations in ms
MAX_SLUG_CHARS = 200
MAX_ANSWER_CHARS = 100_000  # a typed answer; a page of text is ~3,000
MAX_NUMBER_ANSWER_CHARS = 1_000
MAX_HASH_CHARS = 128
MAX_MODE_CHARS = 40
MAX_TRAPS = 1_000  # indices of traps fallen for, per review
PHASES = (0, 1, 2, 3)  # new, learning, review, relearning
RATINGS = (1, 2, 3, 4)


def is_ms(value: object) -> bool:
    """A timestamp in epoch ms we can show and schedule with."""
    return type(value) is int and 0 <= value <= MAX_MS


def memory_problem(
    phase: object, step: object, stability: object, difficulty: object, due: object, last_review: object
) -> str | None:
    """Why a card's scheduling state cannot be used (None when it can); phase 0 needs none of it."""
    if type(phase) is not int or phase not in PHASES:
        return f"phase must be one of 0-3 (is {phase!r})"
    if phase == 0:
        return None
    if step is not None and (type(step) is not int or not 0 <= step <= MAX_STEP):
        return f"step must be empty or a whole number from 0 to {MAX_STEP} (is {step!r})"
    if not _number(stability) or not 0 < float(stability) <= MAX_STABILITY:  # type: ignore[arg-type]
        return f"stability must be a positive number up to {MAX_STABILITY:g} days (is {stability!r})"
    if not _number(difficulty) or not MIN_DIFFICULTY <= float(difficulty) <= MAX_DIFFICULTY:  # type: ignore[arg-type]
        return f"difficulty must be a number from 1 to 10 (is {difficulty!r})"
    if not is_ms(due):
        return f"due must be a time (is {due!r})"
    if not is_ms(last_review):
        return f"last_review must be a time (is {last_review!r})"
    return None


def _number(value: object) -> bool:
    if type(value) not in (int, float):
        return False
    try:
        return math.isfinite(float(value))  # type: ignore[arg-type]
    except OverflowError:  # a 4,000-digit integer
        return False
