"""A crash in rollback-journal mode leaves a hot `-journal` (issue 26, item 5): the next command rolls
it back with a one-line notice instead of locking the user out; files not ours stay untouched."""

from __future__ import annotations

import hashlib
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from interview_drill.storage.migrations import APPLICATION_ID, LATEST

from ..conftest import run

# A child writes many rows with a tiny page cache (so changed pages reach the file before the
# commit) and kills itself mid-transaction: a real hot journal, as a crash leaves it.
CHILD = textwrap.dedent(
    """
    import os, signal, sqlite3, sys
    from pathlib import Path
    db, mode, app_id, version = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    if mode == "existing":
        from interview_drill.storage.history import Store
        Store.open(db).close()
        conn = sqlite3.connect(db, isolation_level=None)
        conn.execute("PRAGMA journal_mode = DELETE")
        if app_id or version:
            conn.execute(f"PRAGMA application_id = {app_id}")
            conn.execute(f"PRAGMA user_version = {version}")
    else:  # crash while creating the file
        conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA cache_size = 2")
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("CREATE TABLE IF NOT EXISTS filler (x TEXT)")
    for i in range(3000):
        conn.execute("INSERT INTO filler VALUES (?)", ("x" * 200,))
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


def crash_mid_write(db: Path, mode: str, app_id: int = 0, version: int = 0) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(db), mode, str(app_id), str(version)], check=False
    )
    assert proc.returncode == -signal.SIGKILL
    journal = Path(f"{db}-journal")
    assert journal.exists() and journal.stat().st_size > 0, "no hot journal: the test made nothing to recover"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("mode", ["existing", "new"])
def test_a_hot_journal_is_rolled_back_with_a_notice_and_every_command_works(tmp_path, sample_args, mode):
    db = tmp_path / "history.db"
    crash_mid_write(db, mode)
    result = run(*sample_args, "--db", str(db), "doctor")
    assert result.exit_code == 0, result.output
    notices = [line for line in result.output.splitlines() if "interrupted write" in line]
    assert notices == [
        f"{db}: recovered from an interrupted write (a crash); the unfinished change was rolled back"
    ]
    assert not Path(f"{db}-journal").exists()
    assert run(*sample_args, "--db", str(db), "due").exit_code == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'filler'").fetchone()[0] == 0
    again = run(*sample_args, "--db", str(db), "due")
    assert "interrupted write" not in again.output


def test_a_hot_journal_on_a_newer_file_leaves_both_untouched(tmp_path, sample_args):
    db = tmp_path / "history.db"
    crash_mid_write(db, "existing", APPLICATION_ID, LATEST + 1)
    journal = Path(f"{db}-journal")
    before = (sha(db), sha(journal))
    result = run(*sample_args, "--db", str(db), "due")
    assert result.exit_code != 0
    assert (sha(db), sha(journal)) == before


def test_a_hot_journal_on_another_programs_file_leaves_both_untouched(tmp_path, sample_args):
    db = tmp_path / "history.db"
    crash_mid_write(db, "existing", 0x12345678, 1)
    journal = Path(f"{db}-journal")
    before = (sha(db), sha(journal))
    result = run(*sample_args, "--db", str(db), "due")
    assert result.exit_code != 0
    assert (sha(db), sha(journal)) == before
