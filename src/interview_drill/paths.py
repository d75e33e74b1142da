"""Where interview-drill keeps its files (one function per file, each overridable), and how any of
them is opened for reading: regular files only, with a size cap.

`IDRILL_HOME` moves everything (database, config, cache) under one folder; `IDRILL_DB`,
`IDRILL_CONFIG` and `IDRILL_CACHE_DIR` move one file each and win over `IDRILL_HOME`.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import BinaryIO

from interview_drill.errors import IdrillError, UsageError

APP = "interview-drill"


def _home() -> Path | None:
    home = os.environ.get("IDRILL_HOME")
    return Path(home).expanduser() if home else None


def db_path(override: str | Path | None = None) -> Path:
    """The history database: `--db`, else `IDRILL_DB`, else the user data dir."""
    if override:
        return Path(override).expanduser()
    if env := os.environ.get("IDRILL_DB"):
        return Path(env).expanduser()
    if home := _home():
        return home / "history.db"
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP, appauthor=False)) / "history.db"


def config_path() -> Path:
    """The TOML settings file: `IDRILL_CONFIG`, else the user config dir."""
    if env := os.environ.get("IDRILL_CONFIG"):
        return Path(env).expanduser()
    if home := _home():
        return home / "config.toml"
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP, appauthor=False)) / "config.toml"


def work_dir() -> Path:
    """The user's attempts at coding exercises, one file per card: in the user data dir."""
    if home := _home():
        return home / "code"
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP, appauthor=False)) / "code"


def cache_dir() -> Path:
    """Cache of validated banks: `IDRILL_CACHE_DIR`, else the user cache dir."""
    if env := os.environ.get("IDRILL_CACHE_DIR"):
        return Path(env).expanduser()
    if home := _home():
        return home / "cache"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP, appauthor=False))


def builtin_bank_dir() -> Path:
    """The built-in question bank: inside the installed wheel, else the repo's `questions/`."""
    # The package's own folder (a wheel installed on disk), then a source checkout, are looked at
    # before asking importlib.resources (a few ms to import and call), which a zipped install needs.
    here = Path(__file__).parent / "questions"
    if here.is_dir():
        return here
    checkout = Path(__file__).resolve().parents[2] / "questions"
    if checkout.is_dir():
        return checkout
    from importlib import resources

    packaged = resources.files("interview_drill") / "questions"
    if packaged.is_dir():
        return Path(str(packaged))
    return checkout


def user_bank_paths(cli_paths: list[Path] | None) -> list[Path]:
    """User banks from `--bank` (repeatable) plus `IDRILL_BANK` (os.pathsep-separated)."""
    paths: list[Path] = []
    if env := os.environ.get("IDRILL_BANK"):
        paths += [Path(p).expanduser() for p in env.split(os.pathsep) if p]
    paths += [Path(p).expanduser() for p in cli_paths or []]
    return paths


# ------------------------------------------------------------------ reading files safely

MB = 1024 * 1024


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def open_regular(
    path: Path, *, what: str, limit: int | None = None, error: type[IdrillError] = UsageError
) -> BinaryIO | None:
    """`path` opened for reading in binary, None if it does not exist; raises `error` (one line naming
    the file) unless it is a regular file of at most `limit` bytes.

    Opened without blocking and checked on the open descriptor: `open()` on a FIFO waits forever for a
    writer, and `/dev/zero` never ends. Every file we read goes through here (settings, history
    database, history imports, bank files).
    """
    shown = safe_path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise error(f"{shown}: is a folder, not {what}") from None
    except OSError as exc:
        raise error(f"{shown}: cannot be read ({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise error(f"{shown}: is {_kind(info.st_mode)}, not {what}; give a regular file")
        if limit is not None and info.st_size > limit:
            raise error(f"{shown}: is {info.st_size / MB:.1f} MB; {what} is limited to {limit // MB} MB")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: Path, *, what: str, limit: int, error: type[IdrillError] = UsageError) -> bytes | None:
    """A regular file's bytes (see `open_regular`), None if missing; never more than `limit` read."""
    fh = open_regular(path, what=what, limit=limit, error=error)
    if fh is None:
        return None
    with fh:
        try:
            raw = fh.read(limit + 1)  # the file may grow after the check
        except OSError as exc:
            raise error(f"{safe_path(path)}: cannot be read ({exc.strerror or exc})") from None
    if len(raw) > limit:
        raise error(f"{safe_path(path)}: is over {limit // MB} MB; {what} is limited to {limit // MB} MB")
    return raw


def safe_path(path: Path) -> str:
    """A path for a one-line message: control characters shown escaped (as `files.safe_name`)."""
    return re.sub(
        r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", lambda m: m.group().encode("unicode_escape").decode(), str(path)
    )
