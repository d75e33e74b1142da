"""Reading the user's answers: single keys (the drill, the mock) and whole lines (typed answers).

On a terminal keys come one press at a time; when stdin is piped, one key per line, so sessions can
be scripted (`printf ' \\n3\\nq\\n' | idrill`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import typer

from interview_drill.errors import UsageError

if TYPE_CHECKING:
    from rich.console import Console


class NoInput(UsageError):
    """Piped stdin that ends before the first key: a usage error, not an empty session."""


def line_reader() -> Callable[[str], str]:
    """Whole-line input (typed answers): a prompt on a terminal, the next line when piped."""
    if sys.stdin.isatty():
        return lambda prompt: input(prompt)

    def read(prompt: str) -> str:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")

    return read


def _can_cbreak() -> bool:
    try:
        import termios  # noqa: F401
        import tty  # noqa: F401
    except ImportError:  # Windows: Click's getchar
        return False
    return True


def _cbreak_key() -> str:
    """One key press in cbreak mode, not the raw mode of `click.getchar`.

    Raw mode also turns off output processing on the terminal, which stdout may share through a
    pipe (`idrill | cat`): lines `cat` writes while a key is awaited would then staircase. Cbreak
    keeps it, and keeps Ctrl-C a KeyboardInterrupt.
    """
    import os
    import termios
    import tty

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd, termios.TCSANOW)
        key = os.read(fd, 32).decode(sys.stdin.encoding or "utf-8", "replace")
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
    return "" if key in ("", "\x04") else key  # Ctrl-D: end the session like `q`


def key_reader(console: Console) -> Callable[[], str]:
    """Single keys on a terminal; one key per line when stdin is piped (`space`, empty line = enter)."""
    if sys.stdin.isatty():
        if _can_cbreak():
            return _cbreak_key

        def read_key() -> str:
            try:
                return typer.getchar()
            except EOFError:  # Ctrl-D: end the session like `q`
                return ""

        return read_key
    reads = 0

    def read_line() -> str:
        nonlocal reads
        reads += 1
        line = sys.stdin.readline()
        if line == "":
            if reads == 1:
                raise NoInput(
                    "no input: the drill reads single keys from a terminal, or one key per line from "
                    "piped input (e.g. `printf ' \\n3\\nq\\n' | idrill`)"
                )
            return ""
        word = line.rstrip("\r\n")
        if word == "":
            return "\r"
        return {"space": " ", "enter": "\r"}.get(word.strip().lower(), word.strip()[:1] or " ")

    return read_line
