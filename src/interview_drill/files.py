"""Writing files the user keeps (reports, exports, settings): whole or not at all."""

from __future__ import annotations

import os
import re
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from interview_drill.errors import IdrillError, UsageError


class WriteError(IdrillError):
    """A file could not be written (disk full, no permission…); the old file is intact."""

    exit_code = 1


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@dataclass(frozen=True)
class Target:
    """Where an output may go: files it must never replace, and what an earlier output looks like.

    `protected` maps paths of ours (the history database, the settings file, bank files) to a
    description for the message; a database's `-wal`, `-shm` and `-journal` files are covered too.
    `recognise` tells, from an existing file's first bytes, whether it is an earlier output of the
    same kind (then it may be replaced); anything else is replaced only with `force`.
    """

    protected: Mapping[Path, str] = field(default_factory=dict)
    recognise: Callable[[bytes], bool] | None = None
    force: bool = False


_SIDECARS = ("-wal", "-shm", "-journal")
_HEAD_BYTES = 4096


def _with_sidecars(mine: Path) -> tuple[str, ...]:
    """A file of ours and its database sidecars, as strings (a `Path` each is 56 objects a report)."""
    name = str(mine)
    return (name, *(name + s for s in _SIDECARS))


def _same_as(a: Path) -> Callable[[str], bool]:
    """`same(b)`: whether `b` is the file `a` (`os.path.samefile`), or where neither can be checked,
    the same real path. `a` is looked at once for the dozens of files it is compared with (our
    database and its sidecars, the settings, every bank file: ~1.5 ms per report otherwise)."""
    try:
        a_stat: os.stat_result | None = os.stat(a)
    except OSError:
        a_stat = None
    a_real = ""

    def same(b: str) -> bool:
        nonlocal a_real
        if a_stat is not None:
            try:
                return os.path.samestat(a_stat, os.stat(b))
            except OSError:
                pass
        a_real = a_real or os.path.realpath(a)
        name = os.path.basename(b)
        if name not in ("", ".", "..") and name != os.path.basename(a_real):
            # A missing file's real path is its folder's, then its own name: not `a`'s.
            try:
                os.lstat(b)
            except FileNotFoundError:
                return False
            except OSError:
                pass
        return a_real == os.path.realpath(b)

    return same


def _one_of_ours(path: Path, target: Target) -> str | None:
    """The description of the protected file (or one of its sidecars) that `path` is, or None."""
    same = _same_as(path)
    for mine, description in target.protected.items():
        if any(same(candidate) for candidate in _with_sidecars(mine)):
            return description
    return None


def check_target(path: Path, target: Target, what: str) -> Path:
    """The path to write, after refusing what must not be overwritten; raises UsageError."""
    shown = safe_name(path)
    if (ours := _one_of_ours(path, target)) is not None:
        raise UsageError(f"{shown}: is {ours}; refusing to write the {what} over it")
    if path.is_symlink():
        real = Path(os.path.realpath(path))
        if not target.force:
            if not real.exists():
                raise UsageError(
                    f"{shown}: is a symlink to a missing file ({safe_name(real)}); "
                    "give a real path, or add --force to create it"
                )
            if Path(os.path.realpath(path.parent)) != real.parent:
                raise UsageError(
                    f"{shown}: is a symlink out of its folder (to {safe_name(real)}); "
                    "give that path, or add --force to write there"
                )
        path = real
        if (ours := _one_of_ours(path, target)) is not None:  # the link may point at one of ours
            raise UsageError(f"{shown}: points to {ours}; refusing to write the {what} over it")
    try:
        info = path.stat()
    except FileNotFoundError:
        return path
    except OSError as exc:
        raise WriteError(f"{shown}: cannot be checked ({exc.strerror or exc})") from None
    if stat.S_ISBLK(info.st_mode):
        raise UsageError(f"{shown}: is a block device; refusing to write the {what} to it")
    if stat.S_ISREG(info.st_mode) and info.st_size and target.recognise and not target.force:
        try:
            with open(path, "rb") as fh:
                head = fh.read(_HEAD_BYTES)
        except OSError as exc:
            raise WriteError(f"{shown}: cannot be read to check it ({exc.strerror or exc})") from None
        if not target.recognise(head):
            raise UsageError(
                f"{shown}: exists and is not an earlier {what}; choose another name, or add --force to replace it"
            )
    return path


def safe_name(path: Path | str) -> str:
    """A path for a one-line message: control characters (a newline, escapes) shown escaped."""
    text = str(path)
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def atomic_write(
    path: Path, write: Callable[[Path], object], *, what: str = "file", target: Target | None = None
) -> None:
    """Write through a temp file in the target's folder, then rename it over the target.

    A failure leaves the target as it was (or absent) and no temp file behind. With `target`, our
    own files are refused, symlinks are followed only within their folder, and an existing file that
    is not an earlier output of the same kind is replaced only when forced. A replaced file keeps its
    permissions; a new one gets the umask's.
    """
    path = Path(path)
    if str(path) == "-":  # standard output
        _write_to_stdout(write)
        return
    if target is not None:
        path = check_target(path, target, what)
    elif path.is_symlink():  # write where the link points; never replace the link itself
        path = path.resolve()
    if path.exists() and not path.is_dir() and not path.is_file():  # /dev/null, a FIFO…: no rename
        _write_in_place(path, write, what)
        return
    folder = path.parent if str(path.parent) else Path(".")
    shown = safe_name(path)
    if path.is_dir():
        raise UsageError(f"{shown}: is a folder; give a file name")
    if not folder.is_dir():
        raise UsageError(
            f"{shown}: its folder {safe_name(folder)} does not exist; create it or choose another path"
        )
    try:
        mode = stat.S_IMODE(path.stat().st_mode)  # keep a replaced file's permissions: never widen them
    except OSError:
        mode = 0o666 & ~_umask()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise WriteError(f"{shown}: cannot write there ({exc.strerror or exc})") from None
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, mode)  # mkstemp makes 0600
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise WriteError(f"{shown}: cannot write the {what} ({exc.strerror or exc})") from None
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
            raise WriteError(f"{safe_name(path)}: cannot write the {what} ({exc.strerror or exc})") from None


def write_text(path: Path, text: str, *, what: str = "file", target: Target | None = None) -> None:
    """A text file (UTF-8, newlines as given), written atomically (see `atomic_write`)."""
    atomic_write(
        path, lambda tmp: tmp.write_text(text, encoding="utf-8", newline=""), what=what, target=target
    )


def write_bytes(
    path: Path, pieces: Iterable[bytes], *, what: str = "file", target: Target | None = None
) -> None:
    """A file made of `pieces` one after the other, written atomically (see `atomic_write`); they
    are read only once the target is known to be writable, so an iterator makes them then."""

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as fh:
            fh.writelines(pieces)

    atomic_write(path, write, what=what, target=target)
