"""A warm start skips the checks across files when exactly these files passed them before."""

from __future__ import annotations

from pathlib import Path

import pytest

from interview_drill.bank import cache as cache_module
from interview_drill.bank import load as load_module
from interview_drill.bank import load_files
from interview_drill.errors import BankError

from ..bank.test_bank_cache import write_bank


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Cache every bank, however small, and count the runs of the checks across files."""
    monkeypatch.setattr(cache_module, "CACHE_MIN_BYTES", 0)
    runs: list[int] = []
    real = load_module._cross_check

    def counted(loaded):
        runs.append(len(loaded))
        return real(loaded)

    monkeypatch.setattr(load_module, "_cross_check", counted)
    return runs


def test_the_same_files_are_checked_across_once(isolated_home: Path, tmp_path: Path, checks: list[int]):
    one = write_bank(tmp_path / "one.yaml", "one", ["card-aaa", "card-bbb"])
    two = write_bank(tmp_path / "two.yaml", "two", ["card-ccc"], related="card-aaa")
    first = load_files([one, two])
    again = load_files([one, two])
    assert [c.id for c in again.cards] == [c.id for c in first.cards] == ["card-aaa", "card-bbb", "card-ccc"]
    assert checks == [2]  # the second load trusted the verdict
    load_files([one])  # another set of files: checked
    assert checks == [2, 1]


def test_an_edited_file_is_checked_across_again(isolated_home: Path, tmp_path: Path, checks: list[int]):
    one = write_bank(tmp_path / "one.yaml", "one", ["card-aaa"])
    two = write_bank(tmp_path / "two.yaml", "two", ["card-bbb"])
    load_files([one, two])
    write_bank(two, "two", ["card-aaa"])  # now an id given twice
    with pytest.raises(BankError, match="id `card-aaa` is already used"):
        load_files([one, two])
    with pytest.raises(BankError, match="id `card-aaa` is already used"):  # and no verdict was kept
        load_files([one, two])
    assert checks == [2, 2, 2]
