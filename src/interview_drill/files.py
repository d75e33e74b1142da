"""Writing files the user keeps (reports, exports, settings): whole or not at all."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from interview_drill.errors import IdrillError, UsageError


class WriteError(IdrillError):
    """A file could not be written (disk full, no permission…); the old file is intact."""

    exit_code = 1


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: Path, write: Callable[[Path], object], *, what: str = "file") -> None:
    """Write through a temp file in the target's folder, then rename it over the target.

    A failure leaves the target as it was (or absent) and no temp file behind.
    """
    path = Path(path)
    if str(path) == "-":  # standard output
        _write_to_stdout(write)
        return
    if path.is_symlink():  # write where the link points; never replace the link itself
        path = path.resolve()
    if path.exists() and not path.is_dir() and not path.is_file():  # /dev/null, a FIFO…: no rename
        _write_in_place(path, write, what)
        return
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UsageError(f"{path}: is a folder; give a file name")
    if not folder.is_dir():
        raise UsageError(f"{path}: its folder {folder} does not exist; create it or choose another path")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise WriteError(f"{path}: cannot write there ({exc.strerror or exc})") from None
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; the result is an ordinary file
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise WriteError(f"{path}: cannot write the {what} ({exc.strerror or exc})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_to_stdout(write: Callable[[Path], object]) -> None:
    with tempfile.TemporaryDirectory(prefix="idrill-out-") as work:
        tmp = Path(work) / "out"
        write(tmp)
        sys.stdout.flush()
        sys.stdout.buffer.write(tmp.read_bytes())
        sys.stdout.flush()


def _write_in_place(path: Path, write: Callable[[Path], object], what: str) -> None:
    with tempfile.TemporaryDirectory(prefix="idrill-out-") as work:
        tmp = Path(work) / "out"
        write(tmp)
        try:
            with open(path, "wb") as fh:
                fh.write(tmp.read_bytes())
        except OSError as exc:
            raise WriteError(f"{path}: cannot write the {what} ({exc.strerror or exc})") from None


def write_text(path: Path, text: str, *, what: str = "file") -> None:
    """A text file (UTF-8, newlines as given), written atomically."""
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8", newline=""), what=what)
