"""Every built-in exercise is proven (its tests pass on the reference, fail on the stub), and the bank
checks the exercises cards name: beside the bank file, complete, regular files, size caps."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from interview_drill.app.exercises import CheckResult, Exercise, check
from interview_drill.bank import Bank, load_bank, load_files
from interview_drill.bank.exercises import MAX_PART_BYTES
from interview_drill.errors import BankError

from ..conftest import REPO

EXERCISES = REPO / "questions" / "exercises"
FOLDERS = sorted(p.name for p in EXERCISES.iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def builtin() -> Bank:
    return load_bank(include_builtin=True)


@pytest.fixture(scope="module")
def proofs(builtin: Bank) -> dict[tuple[str, str], CheckResult]:
    """Each exercise's tests on its solution and on its stub: ~50 child processes, run side by side."""
    jobs = [
        (Exercise(cid, folder), which)
        for cid, folder in builtin.exercises.items()
        for which in ("solution", "stub")
    ]
    with ThreadPoolExecutor(max_workers=max(4, (os.cpu_count() or 1) * 2)) as pool:
        results = pool.map(lambda job: check(job[0], job[0].part(f"{job[1]}.py")), jobs)
        return {(ex.folder.name, which): result for (ex, which), result in zip(jobs, results, strict=True)}


def test_the_issue_asks_for_24_exercises_and_each_folder_is_named_by_one_card(builtin: Bank):
    assert len(FOLDERS) >= 24
    named = sorted(folder.name for folder in builtin.exercises.values())
    assert named == FOLDERS  # no orphan folder, no card naming a folder twice
    for cid, folder in builtin.exercises.items():
        card = builtin.by_id[cid]
        assert card.kind == "coding" and card.exercise == folder.name
        assert folder.parent == EXERCISES


@pytest.mark.parametrize("name", FOLDERS)
def test_the_reference_solution_passes_every_test(name: str, proofs: dict[tuple[str, str], CheckResult]):
    result = proofs[(name, "solution")]
    assert result.error is None, result.error
    assert result.total >= 4, "an exercise probes edge cases, not one happy case"
    failed = [(t.name, t.message) for t in result.tests if not t.passed]
    assert not failed
    assert len({t.name for t in result.tests}) == result.total, "test labels must tell the tests apart"


@pytest.mark.parametrize("name", FOLDERS)
def test_the_untouched_stub_fails_every_test(name: str, proofs: dict[tuple[str, str], CheckResult]):
    result = proofs[(name, "stub")]
    assert result.error is None, result.error  # the stub imports cleanly: the user starts from it
    assert result.total == proofs[(name, "solution")].total
    assert result.passed == 0, [t.name for t in result.tests if t.passed]


# ---------------------------------------------------------------- a user bank's exercises

BANK = """topic: mine
title: My coding cards
cards:
  - id: my-softmax
    question: Write softmax?
    outline:
      - subtract the max
    kind: coding
    exercise: softmax
"""


def user_bank(root: Path, parts: dict[str, str | bytes] | None = None) -> Path:
    (root / "exercises" / "softmax").mkdir(parents=True)
    for name, text in (
        parts or {"stub.py": "x = 1\n", "solution.py": "x = 1\n", "tests.py": "x = 1\n"}
    ).items():
        path = root / "exercises" / "softmax" / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    bank = root / "mine.yaml"
    bank.write_text(BANK, encoding="utf-8")
    return bank


def problems(bank: Path) -> list[str]:
    with pytest.raises(BankError) as info:
        load_files([bank])
    return info.value.problems


def test_a_user_bank_ships_its_exercises_beside_it(tmp_path: Path):
    bank = user_bank(tmp_path)
    loaded = load_files([bank])
    assert loaded.exercises == {"my-softmax": tmp_path / "exercises" / "softmax"}
    assert loaded.by_id["my-softmax"].to_json()["exercise"] == "softmax"


def test_an_oversized_exercise_file_is_refused(tmp_path: Path):
    bank = user_bank(tmp_path, {"stub.py": "", "solution.py": "", "tests.py": b"#" * (MAX_PART_BYTES + 1)})
    assert problems(bank) == [
        f"{bank}:9: cards[0].exercise: exercises/softmax/tests.py is 256 KB; exercise files are limited to 256 KB"
    ]


def test_a_fifo_in_place_of_a_file_is_refused_without_blocking(tmp_path: Path):
    bank = user_bank(tmp_path, {"stub.py": "", "tests.py": ""})
    os.mkfifo(tmp_path / "exercises" / "softmax" / "solution.py")
    assert problems(bank) == [
        f"{bank}:9: cards[0].exercise: exercises/softmax/solution.py is not a regular file"
    ]


def test_the_exercise_field_does_not_change_the_content_hash(tmp_path: Path):
    bank = user_bank(tmp_path)
    with_exercise = load_files([bank]).by_id["my-softmax"]
    bank.write_text(BANK.replace("    exercise: softmax\n", ""), encoding="utf-8")
    without = load_files([bank]).by_id["my-softmax"]
    assert without.exercise is None and "exercise" not in without.to_json()
    assert with_exercise.content_hash == without.content_hash
