"""Which files make up a bank folder: YAML files below it, hidden ones and symlinked folders left out."""

from __future__ import annotations

import os
from pathlib import Path

from interview_drill.bank.discover import bank_files


def test_a_folder_gives_its_yaml_files_below_it_in_order(tmp_path: Path):
    root = tmp_path / "bank"
    for rel in [
        "b.yaml", "a/x.yml", "a/b/deep.yaml", "a-b.yaml", "notes.md", "UPPER.YAML", "exercises/e/tests.py",
        ".hidden.yaml", ".git/c.yaml", "a/.cache/d.yaml", "outside/o.yaml",
    ]:  # fmt: skip
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("topic: t\n")
    (root / "folder.yaml").mkdir()  # a folder named like a bank file is not one
    os.symlink(root / "outside", root / "a" / "linked")  # a symlinked folder is not followed
    os.symlink(root / "b.yaml", root / "z-link.yaml")  # a symlinked file is the same file: once
    files, problems = bank_files([root])
    assert problems == []
    rel = [str(f.relative_to(root)) for f in files]
    # Path order: "a/..." before "a-b.yaml" (by parts), the files once each
    assert rel == ["a/b/deep.yaml", "a/x.yml", "a-b.yaml", "b.yaml", "outside/o.yaml"]
