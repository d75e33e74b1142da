"""Sync between machines through a shared folder: no server, no lost ratings.

Each machine (a *device*, with a stable id kept next to its database) writes its whole history to
its own file in the folder, `<device>.idrill-sync.jsonl` (the `history export` format), and only
ever replaces its own file, atomically. A sync reads every other device's file and merges it with
`history import`'s merge: a review is identified by (card, time in ms, rating, kind), so merging
is idempotent and order-free. Then each card's schedule is recomputed by replaying its merged log
in time order, so two machines that studied the same card in between end with the same state, the
one a single machine doing every review would have. Replay draws interval fuzz from a generator
seeded by the card and its review count, so every device computes the same intervals.

Suspensions and burials are merged three ways: the base is this device's own file as of its last
sync; a flag changed here since then wins, otherwise a change made elsewhere is taken. Typed
answers and trap marks travel with their reviews, number-quiz answers by their own identity.
A file that cannot be read whole (half-copied, corrupt, from a newer version) is reported and
skipped, never merged in part and never deleted.
"""

from __future__ import annotations

import json
import os
import re
import socket
import uuid
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from interview_drill.domain.review import CardRow, Phase, Rating, from_ms, to_ms
from interview_drill.domain.schedule import Scheduler
from interview_drill.errors import UsageError
from interview_drill.files import safe_name, write_text
from interview_drill.storage.history import Store
from interview_drill.storage.transfer import HistoryData, import_history, read_history, write_history

SUFFIX = ".idrill-sync.jsonl"
_DEVICE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


@dataclass(frozen=True)
class Device:
    id: str
    host: str


@dataclass
class SyncResult:
    device: str
    merged: list[str] = field(default_factory=list)  # devices whose files were merged
    skipped: list[str] = field(default_factory=list)  # one problem line per file left out
    reviews_added: int = 0
    number_answers_added: int = 0
    cards_changed: list[str] = field(default_factory=list)  # schedule or flags changed here
    written: bool = False
    last_sync: dict[str, str] = field(default_factory=dict)  # device -> ISO time of its file's sync


# ------------------------------------------------------------------ the device id


def device_file(db: Path) -> Path:
    return Path(f"{db}.device.json")


def _host() -> str:
    name = re.sub(r"[^a-z0-9]+", "-", socket.gethostname().lower()).strip("-")[:40]
    return name or "host"


def device_for(db: Path, *, create: bool = True) -> Device:
    """This database's device id, made on first use; a new one if the database moved to another host
    (a copied database must not write the same file as the machine it came from). Without `create`,
    a device with no id yet gets a provisional one that is not saved."""
    path = device_file(db)
    host = _host()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and data.get("host") == host and _DEVICE.match(str(data.get("device", ""))):
            return Device(str(data["device"]), host)
    except (OSError, ValueError):
        pass
    device = Device(f"{host}-{uuid.uuid4().hex[:8]}", host)
    if not create:
        return device
    write_text(path, json.dumps({"device": device.id, "host": host}) + "\n", what="device id")
    return device


# ------------------------------------------------------------------ sync


def sync_folder(
    store: Store, folder: Path, device: Device, scheduler: Scheduler, now: datetime, *, dry_run: bool = False
) -> SyncResult:
    """Merge the other devices' files into `store`, recompute schedules, write this device's file.

    With `dry_run`, the merge runs on an in-memory copy and nothing is written anywhere.
    """
    if not folder.is_dir():
        raise UsageError(f"{safe_name(folder)}: is not a folder; create it (or mount it) first")
    result = SyncResult(device.id)
    own = folder / f"{device.id}{SUFFIX}"
    base = _read_quietly(own)
    foreign: list[tuple[str, float, HistoryData]] = []
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        name = path.name[: -len(SUFFIX)]
        if path == own:
            continue
        if not _DEVICE.match(name) or not path.is_file():
            result.skipped.append(f"{safe_name(path)}: not a device file; left alone")
            continue
        try:
            data = read_history(path)
        except UsageError as exc:  # half-copied, corrupt, a newer version: skip it whole
            first = str(exc).splitlines()[0] if str(exc) else "cannot be read"
            result.skipped.append(f"{first} (file skipped; it is merged once it reads whole)")
            continue
        foreign.append((name, path.stat().st_mtime, data))
    target = store
    if dry_run:
        target = Store.memory()
        store.conn.backup(target.conn)
    before = target.rows()
    for name, _, data in foreign:
        merged = import_history(target, data)
        result.merged.append(name)
        result.reviews_added += merged.reviews_added
        result.number_answers_added += merged.number_answers_added
    _settle(target, before, base, foreign, scheduler)
    after = target.rows()
    result.cards_changed = sorted(s for s, row in after.items() if before.get(s) != row)
    if dry_run:
        target.close()
    else:
        write_history(store, own)
        result.written = True
        _record(folder, device, now)
    result.last_sync = _last_syncs(folder)
    return result


def _read_quietly(path: Path) -> HistoryData | None:
    try:
        return read_history(path) if path.is_file() else None
    except UsageError:
        return None


def _settle(
    store: Store,
    local: dict[str, CardRow],
    base: HistoryData | None,
    foreign: list[tuple[str, float, HistoryData]],
    scheduler: Scheduler,
) -> None:
    """Every card's schedule from its merged log; its flags merged three ways. One transaction."""
    log: dict[str, list[tuple[Rating, datetime]]] = defaultdict(list)
    for review in store.reviews(kinds=("scheduled", "mock")):
        log[review.slug].append((review.rating, review.reviewed_at))
    newest_first = sorted(foreign, key=lambda f: f[1], reverse=True)
    with store.transaction():
        for slug, current in store.rows().items():
            row = replay(scheduler, current, log.get(slug, []))
            row = _flags(row, local.get(slug), base.cards.get(slug) if base else None, newest_first)
            if row != current:
                card_id, _ = store.read_for_update(slug)
                store.upsert_row(card_id, row)


def _flags(
    row: CardRow, local: CardRow | None, base: CardRow | None, foreign: list[tuple[str, float, HistoryData]]
) -> CardRow:
    out = row
    for flag in ("suspended", "buried_until"):
        mine = getattr(local, flag) if local else _default(flag)
        was = getattr(base, flag) if base else _default(flag)
        value = mine
        if mine == was:  # unchanged here since the last sync: take a change made elsewhere
            for _, _, data in foreign:
                theirs = data.cards.get(row.slug)
                if theirs is not None and getattr(theirs, flag) != was:
                    value = getattr(theirs, flag)
                    break
        out = replace(out, **{flag: value})
    if out.buried_until is not None and out.memory and out.memory.last_review >= out.buried_until:
        out = replace(out, buried_until=None)
    return out


def _default(flag: str) -> Any:
    return False if flag == "suspended" else None


def replay(scheduler: Scheduler, row: CardRow, reviews: list[tuple[Rating, datetime]]) -> CardRow:
    """The card's row after its scheduled and mock reviews, in time order, from new (flags kept).

    A card with no such review keeps its row as it is (a reset, a suspension without reviews).
    """
    if not reviews:
        return row
    state = CardRow(row.slug, content_hash=row.content_hash, suspended=row.suspended)
    for rating, at in sorted(reviews, key=lambda r: (r[1], int(r[0]))):
        memory = scheduler.next_memory(
            state, rating, at
        )  # fuzz seeded by slug and reps: same on every device
        lapsed = rating == Rating.AGAIN and state.phase == Phase.REVIEW
        state = state.with_memory(memory, reps=state.reps + 1, lapses=state.lapses + int(lapsed))
    return replace(state, buried_until=row.buried_until)


# ------------------------------------------------------------------ when each device last synced


def _stamp_file(folder: Path) -> Path:
    return folder / "idrill-sync-times.d"


def _record(folder: Path, device: Device, now: datetime) -> None:
    """One small file per device (never a shared file two machines would both rewrite)."""
    stamps = _stamp_file(folder)
    if not stamps.is_dir():
        stamps.mkdir(exist_ok=True)
    write_text(
        stamps / f"{device.id}.json",
        json.dumps({"device": device.id, "host": device.host, "synced_at": to_ms(now)}) + "\n",
        what="sync time",
    )


def _last_syncs(folder: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    stamps = _stamp_file(folder)
    if not stamps.is_dir():
        return out
    for path in sorted(stamps.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            out[str(data["device"])] = from_ms(int(data["synced_at"])).isoformat(timespec="seconds")
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return out


def remember_folder(db: Path, folder: Path) -> None:
    """Note the folder last synced with next to the database (for `doctor`)."""
    path = device_file(db)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if isinstance(data, dict):
        data["folder"] = os.fspath(folder.resolve())
        write_text(path, json.dumps(data) + "\n", what="device id")


def last_syncs_for(db: Path) -> tuple[str | None, dict[str, str]]:
    """(the folder this database last synced with, device -> last sync time) for `doctor`."""
    try:
        data = json.loads(device_file(db).read_text(encoding="utf-8"))
        folder = Path(str(data["folder"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None, {}
    return str(folder), _last_syncs(folder) if folder.is_dir() else {}
