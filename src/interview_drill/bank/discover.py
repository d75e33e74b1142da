"""Which files make up a bank, and reading them safely.

Owns expanding the paths a user gives (the built-in bank, `--bank`, `IDRILL_BANK`) into YAML files
(`.yaml`/`.yml`, hidden files and folders skipped, each file once), and reading a bank file's bytes
and text: never more than the size limit, and a byte-order mark, invalid UTF-8 or a NUL character
is a problem line rather than an exception.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from interview_drill.errors import UsageError
from interview_drill.paths import open_regular, safe_path

BANK_SUFFIXES = (".yaml", ".yml")
MAX_FILE_BYTES = 5 * 1024 * 1024


def iter_bank_paths(user_paths: list[Path], include_builtin: bool, builtin: Path) -> Iterator[Path]:
    """The built-in bank (unless left out), then the user's banks, in the order they were given."""
    if include_builtin:
        yield builtin
    yield from user_paths


def bank_files(paths: Iterable[Path]) -> tuple[list[Path], list[str]]:
    """Expand files and directories into YAML files, each once; missing paths become problems."""
    files: list[Path] = []
    problems: list[str] = []
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found = sorted(_yaml_files(path))
            if not found:
                problems.append(f"{path}: bank: no .yaml files in this folder")
            files += found
        elif path.is_file():
            files.append(path)
        elif path.exists():  # a FIFO or a device: never opened (a FIFO would block for ever)
            problems.append(f"{path}: bank: is not a regular file or a folder")
        else:
            problems.append(f"{path}: bank: no such file or directory")
    unique = []
    for f in files:  # the same bank given twice (e.g. --bank and IDRILL_BANK) is loaded once
        if (real := f.resolve()) not in seen:
            seen.add(real)
            unique.append(f)
    return unique, problems


def _yaml_files(folder: Path) -> Iterator[Path]:
    """The YAML files in `folder` and below, hidden files and folders skipped, symlinked folders not
    followed (as `Path.rglob`, ~4x quicker: the built-in bank's exercise folders are walked too)."""
    for here, folders, names in os.walk(folder):
        folders[:] = [f for f in folders if not f.startswith(".")]
        for name in names:
            wanted = not name.startswith(".") and os.path.splitext(name)[1] in BANK_SUFFIXES
            if wanted and os.path.isfile(full := os.path.join(here, name)):
                yield Path(full)


# ---------------------------------------------------------------- reading


def read_text(path: Path) -> tuple[str | None, list[str]]:
    """A bank file's text, or the problems that keep it from being read."""
    raw, _, problems = read_bytes(path)
    if raw is None:
        return None, problems
    return decode(raw, path)


def read_bytes(path: Path) -> tuple[bytes | None, os.stat_result | None, list[str]]:
    """(bytes, the stat of the file they were read from, problems): at most the size limit is ever read."""
    try:
        f = open_regular(path, what="a bank file")  # a FIFO would block for ever
        if f is None:
            raise FileNotFoundError(2, "No such file or directory")
        with f:
            stat = os.fstat(f.fileno())
            size = stat.st_size
            if size <= MAX_FILE_BYTES:  # never more than the limit, even if the file grows meanwhile
                raw = f.read(MAX_FILE_BYTES + 1)
                size = max(size, len(raw))
    except UsageError as exc:
        return None, None, [f"{path}:1: file: {str(exc).removeprefix(f'{safe_path(path)}: ')}"]
    except OSError as exc:
        return None, None, [f"{path}:1: file: cannot be read ({exc.strerror or exc})"]
    if size > MAX_FILE_BYTES:
        return None, None, [f"{path}:1: file: is {size / 1e6:.1f} MB; bank files are limited to 5 MB"]
    return raw, stat, []


def decode(raw: bytes, path: Path) -> tuple[str | None, list[str]]:
    """A bank file's bytes as text, or the problem that keeps them from being UTF-8 text."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return None, [f"{path}:1: file: starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM"]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        byte = raw[exc.start]
        return None, [f"{path}:{line}: file: is not valid UTF-8 (byte 0x{byte:02x}); save it as UTF-8"]
    if b"\x00" in raw:  # searched in the bytes: much quicker than in non-ASCII text, same line
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        return None, [f"{path}:{line}: file: contains a NUL character; is this a text file?"]
    return text, []
