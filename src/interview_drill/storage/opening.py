"""Opening a history database safely: check the file before SQLite writes to it, back it up before
a schema upgrade, configure the connection, and explain SQLite's failures in the user's terms.

`sqlite3.connect()` creates a missing file and switching to WAL writes to an existing one, so
foreign, newer and damaged files are recognised first on a read-only connection and left untouched.
"""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from interview_drill.errors import Hint, Part, StoreError, notice
from interview_drill.files import safe_name
from interview_drill.paths import open_regular, safe_path
from interview_drill.storage.migrations import APPLICATION_ID, LATEST, migrate, schema_version

# How long any connection waits for another process's write lock before saying the file is busy.
BUSY_TIMEOUT_S = 10.0

SQLITE_HEADER = b"SQLite format 3\x00"
JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")  # the first bytes of a live rollback journal


def inspect_file(path: Path, *, before_writing: bool = True) -> int | None:
    """The schema version of an existing idrill file, None if there is no file (or it is empty).

    Reads only, through a read-only connection, and refuses anything that is not ours or is newer;
    the one write is rolling back a crashed write of ours (`_recover_hot_journal`). With
    `before_writing` every page is checked first (`PRAGMA quick_check`: ~45 ms for 100,000 reviews),
    since a write must never build on a damaged page; a command that only reads skips it, and a
    damaged page it does read is reported then, as damage (the file is still left untouched).
    """
    header = _read_header(path)
    if header is None:
        return None
    if _recover_hot_journal(path, header):
        header = _read_header(path) or b""
    if not header:
        return None
    if not header.startswith(SQLITE_HEADER) or len(header) < 100:
        raise StoreError(
            f"{path}: is not an interview-drill history database (not an SQLite file); "
            "it was left untouched — ",
            Hint.MOVE_AWAY_OR_OTHER_DB,
        )
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
        try:
            conn.execute(CHECK_PAGES)
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = schema_version(conn)
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            # A damaged page shows only when it is read: look before anything writes to the file.
            sound = not before_writing or conn.execute("PRAGMA quick_check(1)").fetchone()[0] == "ok"
        finally:
            conn.close()
        if not sound:
            raise sqlite3.DatabaseError("database disk image is malformed")
    except sqlite3.Error as exc:
        raise StoreError(*explain(path, exc)) from None
    if app_id == 0 and version == 0 and tables == 0:
        return 0  # an empty SQLite file: ours to initialise
    if app_id != APPLICATION_ID:
        raise StoreError(
            f"{path}: is an SQLite database of another program, not an interview-drill history; "
            "it was left untouched — ",
            Hint.OTHER_DB,
        )
    if version > LATEST:
        raise StoreError(
            f"{path}: was written by a newer interview-drill (schema v{version}; this version knows up to "
            f"v{LATEST}); upgrade interview-drill — the file was left untouched"
        )
    return version


def _read_header(path: Path) -> bytes | None:
    """The file's first 100 bytes, None if there is no file."""
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a history database; ", Hint.DB_MUST_BE_A_FILE)
    # A FIFO or a device (`--db /dev/null`) is refused before SQLite opens it (and creates `-journal`
    # beside it); no size cap: a history grows with use.
    fh = open_regular(path, what="a history database", error=StoreError)
    if fh is None:
        return None
    with fh:
        try:
            return fh.read(100)
        except OSError as exc:
            raise StoreError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def _journal_start(path: Path) -> int | None:
    """The database's size in pages before the interrupted write, if a rollback journal is beside it."""
    journal = Path(f"{path}-journal")
    try:
        info = journal.lstat()
        if not stat.S_ISREG(info.st_mode) or info.st_size < 28:
            return None
        with open(journal, "rb") as fh:
            head = fh.read(28)
    except OSError:
        return None
    if not head.startswith(JOURNAL_MAGIC):
        return None  # zeroed or truncated: the transaction committed, nothing to roll back
    return int.from_bytes(head[16:20], "big")


def _recover_hot_journal(path: Path, header: bytes) -> bool:
    """Roll back a write a crash interrupted (a `-journal` beside the file); True if one was.

    A read-only connection cannot roll a hot journal back and then fails as if the file were
    unwritable, so this opens the file read-write, once, and only when it is ours: its header has
    our application id (and a schema we know), or the journal says the file was empty before the
    write (a crash while creating it). Anything else is left to the checks that refuse it untouched.
    """
    start = _journal_start(path)
    if start is None:
        return False
    ours = header.startswith(SQLITE_HEADER) and int.from_bytes(header[68:72], "big") == APPLICATION_ID
    if not ours and start != 0:
        return False
    if ours and int.from_bytes(header[60:64], "big") > LATEST:
        return False  # a newer idrill's file: refused below, untouched
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_S)
        try:
            conn.execute("PRAGMA schema_version").fetchone()  # the first read rolls the journal back
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise StoreError(*explain(path, exc)) from None
    if _journal_start(path) is not None:
        return False  # still there: it was another process's live write (it holds the lock), not a crash
    notice(
        f"{safe_path(path)}: recovered from an interrupted write (a crash); the unfinished change was rolled back"
    )
    return True


def connect(path: Path, *, backup_clock: Callable[[], datetime] | None = None) -> sqlite3.Connection:
    """A read-write connection to a checked, configured and migrated file (created if missing)."""
    version = inspect_file(path)
    if version is None and not path.parent.is_dir():
        raise StoreError(f"{path}: its folder {path.parent} does not exist; ", Hint.CREATE_FOLDER_OR_OTHER_DB)
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot open the history database ({exc})") from None
    try:
        if version is not None and 0 < version < LATEST:  # back up before anything writes to it
            backup(conn, backup_path(path, version, (backup_clock or _now)()))
        configure(conn, on_disk=True)
        upgrade(conn)
    except sqlite3.OperationalError as exc:
        conn.close()
        raise StoreError(*explain(path, exc)) from None
    return conn


def connect_memory() -> sqlite3.Connection:
    """A throwaway in-memory database with the current schema."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    configure(conn, on_disk=False)
    upgrade(conn)
    return conn


def connect_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection to a file already checked to be current (`inspect_file` == LATEST)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_S)
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        conn.execute(CHECK_PAGES)
        conn.execute("SELECT count(*) FROM cards").fetchone()
    except sqlite3.Error as exc:
        raise StoreError(*explain(path, exc)) from None
    return conn


# Every page checked as it is read from the file: a damaged cell pointer is then an error at once,
# whatever the memory around the page holds. Without it SQLite masks such a pointer into the page
# and may read past it into memory malloc reused: whether a damaged page was noticed (a command
# refused, the file untouched) or read as some other rows then depended on that memory.
CHECK_PAGES = "PRAGMA cell_size_check = ON"


def configure(conn: sqlite3.Connection, *, on_disk: bool) -> None:
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    conn.execute(CHECK_PAGES)
    conn.execute("PRAGMA foreign_keys = ON")
    if on_disk:
        mode = _switch_to_wal(conn)
        if mode.lower() != "wal":  # e.g. a file system without shared memory: still safe, just slower
            conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA synchronous = NORMAL")


def _switch_to_wal(conn: sqlite3.Connection) -> str:
    """`PRAGMA journal_mode = WAL`, waiting out another process that holds the file (as the busy
    timeout does for other statements): two sessions started at once on a new history both switch
    it, and SQLite answers the second "locked" at once instead of calling its busy handler."""
    import time

    deadline = time.monotonic() + BUSY_TIMEOUT_S
    pause = 0.005
    while True:
        try:
            return str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.2)


def upgrade(conn: sqlite3.Connection) -> None:
    """Run the migrations the file lacks, in one transaction (nothing to do, no write lock taken)."""
    if schema_version(conn) >= LATEST:
        return
    with transaction(conn):
        migrate(conn)


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT: takes the write lock up front, so reads inside are current."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def backup(conn: sqlite3.Connection, target: Path) -> Path:
    """A consistent copy (WAL included) via the SQLite backup API: copying the file could miss the WAL."""
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
    finally:
        dest.close()
    return target


def backup_path(path: Path, version: int, now: datetime) -> Path:
    """Where the copy made before upgrading a schema-`version` file goes: beside it, stamped."""
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    return path.with_name(f"{path.name}.v{version}-{stamp}.bak")


def _now() -> datetime:
    return datetime.now(UTC)


def explain(path: Path, exc: sqlite3.Error) -> tuple[Part, ...]:
    """SQLite's error as a message for the user: what is wrong with the file and what to do."""
    text = str(exc)
    name = safe_name(path)
    if "not a database" in text or "malformed" in text:
        return (
            f"{name}: the history database is damaged ({text}); it was left untouched — ",
            Hint.RESTORE_BACKUP,
        )
    if "readonly" in text or "read-only" in text:
        return (
            f"{name}: cannot write the history database (read-only file or folder); ",
            Hint.CHECK_PERMISSIONS_OR_OTHER_DB,
        )
    if "unable to open" in text:
        return (
            f"{name}: cannot open the history database (missing folder or no permission); ",
            Hint.CHECK_PATH_OR_OTHER_DB,
        )
    if "locked" in text or "busy" in text:
        return (f"{name}: the history database is busy (another idrill is writing); try again in a moment",)
    if "full" in text:
        return (f"{name}: cannot write the history database: the disk is full ({text}); free some space",)
    if "I/O" in text or "disk" in text:
        return (f"{name}: cannot read or write the history database ({text}); check the disk",)
    return (f"{name}: history database error: {text}",)
