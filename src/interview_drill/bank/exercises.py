"""Runnable exercises named by cards: where each one is, and whether it is complete.

A card's `exercise: NAME` names the folder `exercises/NAME/` beside the bank file that holds the card
(the built-in bank's are in `questions/exercises/`; a user bank ships its own the same way). A
complete exercise has `stub.py` (what the user starts from), `solution.py` (the reference) and
`tests.py` (the hidden tests), each a regular file of at most MAX_PART_BYTES. Only stat calls: nothing
is read or run here, so checking costs a few microseconds per exercise on every load.
"""

from __future__ import annotations

import stat
from collections.abc import Callable, Iterable
from pathlib import Path

from interview_drill.bank.messages import format_loc
from interview_drill.domain.cards import Card

EXERCISES_DIR = "exercises"
PARTS = ("stub.py", "solution.py", "tests.py")
MAX_PART_BYTES = 256 * 1024


def exercise_folder(bank_file: Path, name: str) -> Path:
    """The folder an `exercise: NAME` in `bank_file` names."""
    return bank_file.parent / EXERCISES_DIR / name


def folder_problem(folder: Path) -> str | None:
    """What keeps `folder` from being a complete exercise (worded relative to the bank file), or None."""
    shown = f"{EXERCISES_DIR}/{folder.name}"
    try:
        st = folder.stat()
    except OSError:
        return f"no folder {shown}/ beside this bank file (it needs {', '.join(PARTS)})"
    if not stat.S_ISDIR(st.st_mode):
        return f"{shown} is not a folder"
    missing = []
    for part in PARTS:
        try:
            st = (folder / part).stat()
        except OSError:
            missing.append(part)
            continue
        if not stat.S_ISREG(st.st_mode):
            return f"{shown}/{part} is not a regular file"
        if st.st_size > MAX_PART_BYTES:
            return f"{shown}/{part} is {st.st_size / 1024:.0f} KB; exercise files are limited to {MAX_PART_BYTES // 1024} KB"
    if missing:
        return f"{shown}/ lacks {' and '.join(missing)}"
    return None


def check_exercises(
    path: Path, cards: Iterable[Card], line: Callable[[tuple], int]
) -> tuple[dict[str, Path], list[str]]:
    """The exercise folders of one bank file's cards (card id → folder), and its problem lines.

    `line` gives the line of a location in the file; it is called only when there is a problem.
    """
    found: dict[str, Path] = {}
    problems: list[str] = []
    for i, card in enumerate(cards):
        if card.exercise is None:
            continue
        loc = ("cards", i, "exercise")
        if card.kind != "coding":
            problem: str | None = f"only `coding` cards have an exercise (this card's kind is {card.kind})"
        else:
            folder = exercise_folder(path, card.exercise)
            problem = folder_problem(folder)
            if problem is None:
                found[card.id] = folder
        if problem is not None:
            problems.append(f"{path}:{line(loc)}: {format_loc(loc)}: {problem}")
    return found, problems
