"""Running the real `idrill` script: in a pseudo-terminal (pexpect) or as a plain subprocess."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pexpect

IDRILL = Path(sys.executable).with_name("idrill")
NOW = "2026-01-05T09:00:00+00:00"
TIMEOUT = 20  # generous: CI machines can be slow; a passing run never waits this long

CARD = "space: reveal"  # printed under every card's question: the card is on screen, keys are read
RATE = "rate 1-4"  # printed once the answer is revealed
OTHER_SESSION = "reviewed in another session"


def env(home: Path) -> dict[str, str]:
    """The test's environment, pinned: clock, time zone, no fuzz, a fixed terminal size."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("IDRILL_") and k != "NO_COLOR"}
    return {
        **base,
        "IDRILL_HOME": str(home),
        "IDRILL_NOW": NOW,
        "IDRILL_TZ": "UTC",
        "IDRILL_FUZZ": "0",
        "TERM": "xterm",
        "COLUMNS": "100",
        "LINES": "40",
    }


def spawn(home: Path, *args: str) -> pexpect.spawn:
    """`idrill ARGS` in a pseudo-terminal; everything it prints is kept in `child.logfile_read`."""
    child = pexpect.spawn(
        str(IDRILL), list(args), env=env(home), encoding="utf-8", timeout=TIMEOUT, dimensions=(40, 100)
    )
    child.logfile_read = io.StringIO()  # pexpect copies all it reads here: the transcript
    return child


def reveal_and_rate(child: pexpect.spawn, key: str = "3") -> None:
    """Single keys, no Enter: reveal the card on screen, wait for the rating bar, rate it."""
    child.send(" ")
    child.expect_exact(RATE)
    child.send(key)


def finish(child: pexpect.spawn) -> str:
    """Wait for the process to end; the whole transcript."""
    child.expect(pexpect.EOF)
    child.close()
    return child.logfile_read.getvalue()


def run(home: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    """`idrill ARGS` as a plain subprocess (stdin piped)."""
    return subprocess.run(
        [str(IDRILL), *args],
        input=input if input is not None else "",
        capture_output=True,
        text=True,
        env=env(home),
        timeout=30,
    )


def reviews(db: Path) -> list[tuple[str, int, str, str | None]]:
    """(slug, rating, kind, before) of every logged review, oldest first."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT c.slug, r.rating, r.kind, r.before FROM reviews r JOIN cards c ON c.id = r.card_id "
            "ORDER BY r.id"
        ).fetchall()
    finally:
        conn.close()
