"""`--out` never damages what the user has (issue 26, items 1–2): each attack through the CLI.

Every command that writes a user-named file refuses our own files (the history database in use and
its -wal/-shm/-journal, the settings, a bank file) even with --force, replaces a foreign file only
with --force, keeps a replaced file's permissions, and does not follow a link out of its folder or
create a dangling link's target.
"""

from __future__ import annotations

import stat
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from interview_drill.domain.review import Rating
from interview_drill.storage.history import Store

from ..conftest import SAMPLE_BANK, rate_as_user, run

SAMPLE = ["--no-builtin", "--bank", str(SAMPLE_BANK)]
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

# command line (without --out) → the start of what it writes
WRITERS = {
    "report-md": (["report", "--format", "md"], b"# Interview-drill report"),
    "report-html": (["report", "--format", "html"], b"<!DOCTYPE html>"),
    "report-json": (["report", "--format", "json"], b"{"),
    "report-csv": (["report", "--format", "csv"], b"rank,topic,title,"),
    "report-cards-csv": (["report", "--format", "csv", "--cards"], b"id,topic,level,kind,question"),
    "history": (["history", "export"], b'{"format":"idrill-history"'),
    "revlog": (["export", "revlog"], b"card_id,review_time,review_rating"),
    "anki": (["export", "anki"], b"PK\x03\x04"),
}


@pytest.fixture(autouse=True)
def _pinned(pinned):
    """Every test here runs at the pinned moment."""


@pytest.fixture
def history(isolated_home: Path) -> Path:
    """The default history database, with one rating in it."""
    isolated_home.mkdir(parents=True, exist_ok=True)
    path = isolated_home / "history.db"
    with Store.open(path) as store:
        rate_as_user(store, "sample-lora-rank", Rating.GOOD, T0)
    return path


def reviews(path: Path) -> int:
    with Store.open_readonly(path) as store:
        return store.review_count()


def write(name: str, out: Path | str, *extra: str):
    args, _ = WRITERS[name]
    return run(*args, "--out", str(out), *extra, *SAMPLE)


def one_line(result) -> str:
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    return lines[0]


@pytest.mark.parametrize("name", WRITERS)
@pytest.mark.parametrize("force", [[], ["--force"]])
@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
def test_out_never_replaces_the_history_database(history: Path, name: str, force: list[str], suffix: str):
    target = Path(f"{history}{suffix}")
    before = target.read_bytes() if target.exists() else None
    result = write(name, target, *force)
    assert result.exit_code == 2
    assert "is the history database; refusing to write" in one_line(result)
    after = target.read_bytes() if target.exists() else b""
    assert after == before or not after.startswith(WRITERS[name][1])  # -wal/-shm: SQLite's own at most
    assert reviews(history) == 1


def test_out_never_replaces_a_database_given_with_db(tmp_path: Path):
    db = tmp_path / "mine.db"
    with Store.open(db) as store:
        rate_as_user(store, "sample-lora-rank", Rating.GOOD, T0)
    for name in ("report-md", "history", "revlog"):
        result = write(name, db, "--db", str(db), "--force")
        assert result.exit_code == 2 and "is the history database" in result.output
    assert reviews(db) == 1


@pytest.mark.parametrize("name", ["report-md", "history", "revlog", "anki"])
def test_out_never_replaces_the_settings_or_a_bank_file(isolated_home: Path, name: str):
    isolated_home.mkdir(parents=True, exist_ok=True)
    settings = isolated_home / "config.toml"
    settings.write_text("new_per_day = 7\n")
    bank = SAMPLE_BANK / "lora.yaml"
    before = bank.read_bytes()
    for target, what in ((settings, "the settings file"), (bank, "a bank file")):
        result = write(name, target, "--force")
        assert result.exit_code == 2
        assert f"is {what}; refusing to write" in one_line(result)
    assert settings.read_text() == "new_per_day = 7\n"
    assert bank.read_bytes() == before


def test_a_link_to_the_history_database_is_refused(history: Path, tmp_path: Path):
    link = history.parent / "report.md"
    link.symlink_to(history)
    result = write("report-md", link, "--force")
    assert result.exit_code == 2 and "the history database; refusing" in one_line(result)
    assert reviews(history) == 1


@pytest.mark.parametrize("name", WRITERS)
def test_a_foreign_file_is_replaced_only_with_force(tmp_path: Path, name: str):
    notes = tmp_path / "notes.txt"
    notes.write_text("my precious notes\n")
    result = write(name, notes)
    assert result.exit_code == 2
    assert "exists and is not an earlier" in one_line(result) and "--force" in result.output
    assert notes.read_text() == "my precious notes\n"
    result = write(name, notes, "--force")
    assert result.exit_code == 0, result.output
    assert notes.read_bytes().startswith(WRITERS[name][1])


@pytest.mark.parametrize("name", WRITERS)
def test_an_earlier_output_of_the_same_kind_is_replaced(tmp_path: Path, name: str):
    out = tmp_path / "out.file"
    assert write(name, out).exit_code == 0
    out.chmod(0o600)
    result = write(name, out)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(WRITERS[name][1])
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # never widened
    if name == "anki":
        assert "collection.anki2" in zipfile.ZipFile(out).namelist()


def test_a_report_does_not_replace_another_kind_of_our_outputs(tmp_path: Path):
    out = tmp_path / "backup.jsonl"
    assert write("history", out).exit_code == 0
    kept = out.read_bytes()
    result = write("report-md", out)
    assert result.exit_code == 2 and "is not an earlier report" in result.output
    assert out.read_bytes() == kept


def test_a_link_out_of_the_folder_is_refused_unless_forced(tmp_path: Path):
    outside = tmp_path / "elsewhere" / "report.md"
    outside.parent.mkdir()
    assert write("report-md", outside).exit_code == 0
    kept = outside.read_bytes()
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "latest.md").symlink_to(outside)
    result = write("report-md", folder / "latest.md")
    assert result.exit_code == 2 and "symlink out of its folder" in one_line(result)
    assert outside.read_bytes() == kept
    assert write("report-md", folder / "latest.md", "--force").exit_code == 0
    assert (folder / "latest.md").is_symlink()


def test_a_dangling_link_does_not_create_its_target(tmp_path: Path):
    link = tmp_path / "out.md"
    link.symlink_to(tmp_path / "nowhere" / "x.md")
    (tmp_path / "nowhere").mkdir()
    result = write("report-md", link)
    assert result.exit_code == 2 and "symlink to a missing file" in one_line(result)
    assert not (tmp_path / "nowhere" / "x.md").exists()


def test_the_mock_scorecard_is_refused_before_the_interview(history: Path):
    result = run("mock", "-n", "1", "--out", str(history), *SAMPLE, input="q\n")
    assert result.exit_code == 2
    assert "is the history database" in one_line(result)
    assert reviews(history) == 1


def test_the_mock_scorecard_replaces_an_earlier_scorecard_only(tmp_path: Path):
    from interview_drill.render.markdown import earlier_scorecard

    assert earlier_scorecard(b"# Mock interview scorecard\n\n| # |")
    assert not earlier_scorecard(b"# Interview-drill report\n")
    notes = tmp_path / "notes.md"
    notes.write_text("mine\n")
    result = run("mock", "-n", "1", "--out", str(notes), *SAMPLE, input="q\n")
    assert result.exit_code == 2 and "is not an earlier scorecard" in result.output
    assert notes.read_text() == "mine\n"


def test_wrote_shows_an_out_name_escaped(tmp_path: Path):
    out = tmp_path / "a\nb\x1b[31m.md"
    result = write("report-md", out)
    assert result.exit_code == 0
    assert one_line(result) == f"wrote {tmp_path}/a\\nb\\x1b[31m.md (md)"
    assert out.read_text().startswith("# Interview-drill report")
