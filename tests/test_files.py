"""Output writers never damage what the user has: our own files, foreign files, links, permissions."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from interview_drill.errors import UsageError
from interview_drill.files import Target, safe_name, write_bytes, write_text

REPORT = b"# Interview-drill report"


def earlier_report(head: bytes) -> bool:
    return head.startswith(REPORT)


@pytest.fixture
def ours(tmp_path: Path) -> dict[Path, str]:
    db = tmp_path / "data" / "history.db"
    db.parent.mkdir()
    db.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    (tmp_path / "data" / "history.db-wal").write_bytes(b"wal")
    config = tmp_path / "config.toml"
    config.write_text("new_per_day = 5\n")
    bank = tmp_path / "bank.yaml"
    bank.write_text("topic: t\n")
    return {db: "the history database", config: "the settings file", bank: "a bank file"}


def target(ours: dict[Path, str], force: bool = False) -> Target:
    return Target(protected=ours, recognise=earlier_report, force=force)


@pytest.mark.parametrize(
    "name", ["data/history.db", "data/history.db-wal", "data/history.db-shm", "config.toml", "bank.yaml"]
)
@pytest.mark.parametrize("force", [False, True])
def test_our_own_files_are_never_overwritten(tmp_path: Path, ours: dict[Path, str], name: str, force: bool):
    path = tmp_path / name
    before = path.read_bytes() if path.exists() else None
    with pytest.raises(UsageError, match="refusing to write the report over it"):
        write_text(path, "# Interview-drill report\n", what="report", target=target(ours, force))
    assert (path.read_bytes() if path.exists() else None) == before


def test_our_files_are_recognised_through_another_spelling_or_a_link(tmp_path: Path, ours: dict[Path, str]):
    db = next(iter(ours))
    link = tmp_path / "data" / "link.md"
    link.symlink_to(db)
    for path in (tmp_path / "data" / ".." / "data" / "history.db", link):
        with pytest.raises(UsageError, match="history database"):
            write_text(path, "x", what="report", target=target(ours, force=True))
    assert db.read_bytes().startswith(b"SQLite format 3")


def test_a_foreign_file_is_replaced_only_with_force(tmp_path: Path, ours: dict[Path, str]):
    notes = tmp_path / "notes.md"
    notes.write_text("my precious notes\n")
    with pytest.raises(UsageError, match=r"exists and is not an earlier report; .* --force"):
        write_text(notes, "# Interview-drill report\n", what="report", target=target(ours))
    assert notes.read_text() == "my precious notes\n"
    write_text(notes, "# Interview-drill report\n", what="report", target=target(ours, force=True))
    assert notes.read_text() == "# Interview-drill report\n"


def test_an_earlier_output_and_an_empty_file_are_replaced(tmp_path: Path, ours: dict[Path, str]):
    old = tmp_path / "report.md"
    old.write_text("# Interview-drill report\nold\n")
    write_text(old, "# Interview-drill report\nnew\n", what="report", target=target(ours))
    assert old.read_text().endswith("new\n")
    empty = tmp_path / "empty.md"
    empty.touch()
    write_text(empty, "# Interview-drill report\n", what="report", target=target(ours))
    assert empty.read_text() == "# Interview-drill report\n"


def test_a_replaced_file_keeps_its_permissions(tmp_path: Path, ours: dict[Path, str]):
    private = tmp_path / "private.md"
    private.write_text("# Interview-drill report\n")
    private.chmod(0o600)
    write_text(private, "# Interview-drill report\nagain\n", what="report", target=target(ours))
    assert stat.S_IMODE(private.stat().st_mode) == 0o600


def test_a_new_file_gets_the_umask_permissions(tmp_path: Path, ours: dict[Path, str]):
    old = os.umask(0o077)
    try:
        write_text(tmp_path / "new.md", "x", what="report", target=target(ours))
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.md").stat().st_mode) == 0o600


def test_a_link_inside_its_folder_writes_the_file_and_keeps_the_link(tmp_path: Path, ours: dict[Path, str]):
    real = tmp_path / "report-2026.md"
    real.write_text("# Interview-drill report\nold\n")
    real.chmod(0o640)
    link = tmp_path / "latest.md"
    link.symlink_to(real.name)
    write_text(link, "# Interview-drill report\nnew\n", what="report", target=target(ours))
    assert link.is_symlink() and real.read_text().endswith("new\n")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


def test_a_link_out_of_its_folder_or_dangling_is_refused_unless_forced(tmp_path: Path, ours: dict[Path, str]):
    outside = tmp_path / "elsewhere" / "file.md"
    outside.parent.mkdir()
    outside.write_text("# Interview-drill report\n")
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "out.md").symlink_to(outside)
    (folder / "dangling.md").symlink_to(tmp_path / "missing" / "x.md")
    with pytest.raises(UsageError, match="symlink out of its folder"):
        write_text(folder / "out.md", "# Interview-drill report\nnew\n", what="report", target=target(ours))
    assert outside.read_text() == "# Interview-drill report\n"
    with pytest.raises(UsageError, match="symlink to a missing file"):
        write_text(folder / "dangling.md", "x", what="report", target=target(ours))
    assert not (tmp_path / "missing").exists()
    write_text(
        folder / "out.md", "# Interview-drill report\nnew\n", what="report", target=target(ours, force=True)
    )
    assert outside.read_text().endswith("new\n")


def test_a_character_device_is_written_in_place(ours: dict[Path, str]):
    write_text(Path("/dev/null"), "x", what="report", target=target(ours))
    assert Path("/dev/null").is_char_device()


def test_names_in_messages_are_one_line():
    assert safe_name("a\nb\x1b[31m") == "a\\nb\\x1b[31m"


def test_a_path_with_a_newline_gives_a_one_line_error(tmp_path: Path, ours: dict[Path, str]):
    path = tmp_path / "bad\nname.md"
    path.write_text("not ours")
    with pytest.raises(UsageError) as info:
        write_text(path, "x", what="report", target=target(ours))
    assert "\n" not in str(info.value) and "bad\\nname.md" in str(info.value)


def test_pieces_are_read_only_once_the_target_is_known_writable(tmp_path: Path, ours: dict[Path, str]):
    read: list[int] = []

    def pieces():
        for i, piece in enumerate([REPORT, b"\n", "→ ≈\n".encode()]):
            read.append(i)
            yield piece

    with pytest.raises(UsageError, match="history database"):
        write_bytes(next(iter(ours)), pieces(), what="report", target=target(ours, force=True))
    assert read == []
    notes = tmp_path / "notes.md"
    notes.write_text("my precious notes\n")
    with pytest.raises(UsageError, match="not an earlier report"):
        write_bytes(notes, pieces(), what="report", target=target(ours))
    assert read == [] and notes.read_text() == "my precious notes\n"
    write_bytes(notes, pieces(), what="report", target=target(ours, force=True))
    assert read == [0, 1, 2] and notes.read_bytes() == REPORT + b"\n" + "→ ≈\n".encode()


def test_a_piece_that_fails_leaves_the_old_file_and_no_temp_file(tmp_path: Path, ours: dict[Path, str]):
    old = tmp_path / "r.md"
    old.write_bytes(REPORT + b"\nold\n")

    def pieces():
        yield REPORT
        "\ud800".encode()  # a lone surrogate, as in card text that cannot be written
        yield b"never"

    with pytest.raises(UnicodeEncodeError):
        write_bytes(old, pieces(), what="report", target=target(ours))
    assert old.read_bytes() == REPORT + b"\nold\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bank.yaml", "config.toml", "data", "r.md"]


def test_a_target_is_matched_with_our_files_as_samefile_then_realpath_would(tmp_path: Path, monkeypatch):
    from interview_drill.files import _same_as

    def reference(a: Path, b: Path) -> bool:  # what check_target asked of each pair before
        try:
            return os.path.samefile(a, b)
        except OSError:
            return os.path.realpath(a) == os.path.realpath(b)

    monkeypatch.chdir(tmp_path)
    folder = Path("folder")
    folder.mkdir()
    (folder / "f").write_text("f")
    (folder / "g").write_text("g")
    Path("link_f").symlink_to(folder / "f")
    Path("dangling").symlink_to(folder / "missing")
    Path("dangling-wal").symlink_to(folder / "missing-wal")
    Path("loop1").symlink_to("loop2")
    Path("loop2").symlink_to("loop1")
    Path("dirlink").symlink_to(folder)
    paths = [
        folder / "f", folder / "g", folder / "missing", folder / "missing-wal", Path("link_f"),
        Path("dangling"), Path("dangling-wal"), Path("loop1"), Path("loop1") / "x", Path("dirlink") / "f",
        Path("dirlink") / "missing", Path("folder/../folder/f"), Path("folder/../folder/missing"),
        Path("nowhere/missing"), folder, Path("dirlink"), Path("."), tmp_path / "folder" / "missing",
        tmp_path / "dangling", Path("missing"),
    ]  # fmt: skip
    for a in paths:
        same = _same_as(a)
        for b in paths:
            assert same(str(b)) == reference(a, b), (a, b)
