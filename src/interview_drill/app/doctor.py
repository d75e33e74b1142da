"""`idrill doctor`: check the history file, the banks and the settings, and say how to recover."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from interview_drill.errors import Hint, IdrillError, Part, Words, meaning, spell
from interview_drill.files import safe_name
from interview_drill.storage.history import Store
from interview_drill.storage.opening import explain

if TYPE_CHECKING:
    from interview_drill.storage.history import Store


@dataclass
class Diagnosis:
    """What `diagnose` found, line by line; a line may hold hints, worded when it is shown."""

    entries: list[tuple[Part, ...]] = field(default_factory=list)
    problems: int = 0

    def ok(self, *text: Part) -> None:
        self.entries.append(("ok    ", *text))

    def warn(self, *text: Part) -> None:
        self.entries.append(("note  ", *text))

    def fail(self, *text: Part) -> None:
        self.problems += 1
        self.entries.append(("FAIL  ", *text))

    def more(self, *text: Part) -> None:
        """A line that continues the one before it."""
        self.entries.append(text)

    def lines(self, words: Words = meaning) -> list[str]:
        return [spell(entry, words) for entry in self.entries]


def backups(db: Path) -> list[Path]:
    if not db.parent.is_dir():
        return []
    return sorted([*db.parent.glob(f"{db.name}.v*-*.bak"), *db.parent.glob(f"{db.name}.repair-*.bak")])


def diagnose(
    bank_paths: list[Path], include_builtin: bool, db_override: Path | None, *, repair: bool = False
) -> Diagnosis:
    from interview_drill.app import config
    from interview_drill.bank import load_bank
    from interview_drill.paths import config_path, db_path, user_bank_paths
    from interview_drill.storage.migrations import LATEST

    d = Diagnosis()
    bank = None
    try:
        bank = load_bank(user_bank_paths(bank_paths), include_builtin=include_builtin)
        d.ok(f"banks: {len(bank.cards)} cards in {len(bank.topics)} topics")
    except IdrillError as exc:
        d.fail(f"banks: {len(exc.lines())} problem(s); ", Hint.SHOW_BANK_PROBLEMS)
    try:
        config.load(config_path())
        d.ok(f"settings: {config_path()}")
    except IdrillError as exc:
        d.fail("settings: ", *exc.parts)

    path = db_path(db_override)
    found = backups(path)
    if not path.exists():
        d.ok(f"history: {path} does not exist yet (it is created by the first drill)")
    else:
        try:
            with Store.open(path) as store:
                d.ok(f"history: {path} (schema v{LATEST})")
                _damaged_rows(d, store, path, repair)
                _tallies(d, store, repair)
                damage = store.integrity()
                if damage:
                    d.fail("history: integrity check failed: " + "; ".join(damage[:5]))
                else:
                    d.ok("history: integrity check passed")
                rows = store.rows()
                reviews = store.review_count()
                d.ok(f"history: {len(rows)} cards with history, {reviews} reviews")
                if bank is not None:
                    _bank_vs_history(d, bank, rows)
                _writable(d, store, path)
        except IdrillError as exc:
            d.fail(*exc.parts)
        except sqlite3.Error as exc:  # found mid-check: never "all is well" after it
            d.fail(*explain(path, exc))
    _sync(d, path)
    if found:
        d.warn(f"backups made before schema upgrades and repairs ({len(found)}):")
        for b in found:
            d.more(f"        {b}")
        d.more(
            "      to restore one: make sure no idrill is running, move the current file away "
            f"(with any {path.name}-wal / -shm beside it), then copy the backup to {path}"
        )
    return d


def _sync(d: Diagnosis, db: Path) -> None:
    """The folder this history last synced with, and when each device there last synced."""
    from interview_drill.app.sync import last_syncs_for

    folder, devices = last_syncs_for(db)
    if folder is None:
        return
    d.ok(f"sync: {folder} ({len(devices)} device(s))")
    for device, when in devices.items():
        d.more(f"        {device}: last synced {when}")


MIN_FREE_BYTES = 1 << 20  # less free space than this and the next rating may not fit
PROBE_TIMEOUT_MS = 2000  # how long doctor waits for the write lock before calling the file busy


def _writable(d: Diagnosis, store: Store, path: Path) -> None:
    """Whether the next rating can be written: the write lock can be had and the disk has room."""
    try:
        store.conn.execute(f"PRAGMA busy_timeout = {PROBE_TIMEOUT_MS}")
        store.conn.execute("BEGIN IMMEDIATE")
        store.conn.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        d.fail(*explain(path, exc))
        return
    try:
        free = shutil.disk_usage(path.parent).free
    except OSError:
        return
    if free < MIN_FREE_BYTES:
        d.fail(
            f"{safe_name(path)}: the disk is full ({free} bytes free); free some space before the next drill"
        )
    else:
        d.ok("history: writable")


def _damaged_rows(d: Diagnosis, store: Store, path: Path, repair: bool) -> None:
    """List rows no command can use; with `repair`, back up, then reset or move them out."""
    from interview_drill.app.workspace import env_clock
    from interview_drill.storage import damage

    found = damage.find(store.conn)
    if not found:
        d.ok("history: every row is readable")
        return
    if repair:
        done = damage.repair(store.conn, path, env_clock()())
        d.ok(f"history: repaired {len(found)} damaged row(s); a copy from before is at {done.backup}")
        if done.cards_reset:
            d.more(f"        reset to new (their reviews kept): {', '.join(done.cards_reset)}")
        if done.quarantine_file:
            d.more(f"        moved {done.quarantined} log row(s) out to {done.quarantine_file}")
        return
    d.fail(f"history: {len(found)} damaged row(s) (commands leave them out):")
    for row in found[:50]:
        d.more(f"        {row.describe()}")
    if len(found) > 50:
        d.more(f"        … and {len(found) - 50} more")
    d.more("      ", Hint.REPAIR_HISTORY)


def _tallies(d: Diagnosis, store: Store, repair: bool) -> None:
    """The figure tallies (migration 9) against the log; `repair` recounts them whatever was found."""
    from interview_drill.storage import tallies

    problems = tallies.out_of_step(store.conn)
    if repair:
        with store.transaction():
            tallies.rebuild(store.conn)
        d.ok(
            "history: figure tallies recounted from the log"
            + (f" ({'; '.join(problems)})" if problems else "")
        )
    elif problems:
        d.fail(
            f"history: the figure tallies disagree with the log ({'; '.join(problems)}); ",
            Hint.REPAIR_HISTORY,
        )
    else:
        d.ok("history: figure tallies match the log")


def _bank_vs_history(d: Diagnosis, bank, rows) -> None:
    known = set(bank.by_id) | set(bank.alias_of)
    orphans = sorted(slug for slug in rows if slug not in known)
    if orphans:
        d.warn(
            f"{len(orphans)} card(s) have history but are not in any loaded bank (kept, not deleted): "
            + ", ".join(orphans[:20])
            + (" …" if len(orphans) > 20 else "")
        )
    both = sorted(f"{old} / {new}" for old, new in bank.alias_of.items() if old in rows and new in rows)
    if both:
        d.warn(
            "renamed cards with history under both their old and new id (the old id's history is kept "
            "but no longer scheduled): " + ", ".join(both)
        )
    edited = sorted(
        c.id for c in bank.cards
        if (r := rows.get(c.id)) and r.memory and r.content_hash and r.content_hash != c.content_hash
    )  # fmt: skip
    if edited:
        d.warn(
            f"{len(edited)} card(s) edited since their last review (history kept): " + ", ".join(edited[:20])
        )
    suspended = sorted(s for s, r in rows.items() if r.suspended)
    if suspended:
        d.warn(f"{len(suspended)} suspended card(s): " + ", ".join(suspended[:20]))
