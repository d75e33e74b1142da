"""`export anki --with-schedule`: the package's collection carries our schedule and review log.

The test opens the collection inside the .apkg and checks the cards rows, the FSRS memory in their
`data` JSON and the revlog against the history database.
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from interview_drill.app.anki import anki_guid
from interview_drill.app.anki_schedule import fsrs_factor
from interview_drill.domain.review import Phase, Rating
from interview_drill.storage.history import Store

from ..conftest import rate_as_user, run

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def collection(apkg: Path, tmp_path: Path) -> sqlite3.Connection:
    with zipfile.ZipFile(apkg) as archive:
        target = tmp_path / "collection.anki2"
        target.write_bytes(archive.read("collection.anki2"))
    return sqlite3.connect(target)


@pytest.fixture
def studied(tmp_path: Path, sample_args: list[str]) -> tuple[Path, list[str]]:
    db = tmp_path / "h.db"
    with Store.open(db) as store:
        rows = run("list", "--json", *sample_args)
        slugs = [c["id"] for c in json.loads(rows.output)][:4]
        a, b, c, d = slugs
        rate_as_user(store, a, Rating.GOOD, NOW - timedelta(days=6), duration_ms=4000)
        rate_as_user(store, a, Rating.GOOD, NOW - timedelta(days=5, hours=23, minutes=50))
        rate_as_user(store, a, Rating.GOOD, NOW - timedelta(days=2), duration_ms=9000)  # a review card
        rate_as_user(store, b, Rating.AGAIN, NOW - timedelta(minutes=3))  # learning, due in minutes
        rate_as_user(store, c, Rating.EASY, NOW - timedelta(days=1))
        store.set_suspended([c], True)
        rate_as_user(store, d, Rating.GOOD, NOW, kind="cram")  # cram: not in the revlog, card stays new
    return db, slugs


def test_the_package_carries_cards_memory_and_revlog(
    tmp_path: Path, studied: tuple[Path, list[str]], sample_args: list[str], pinned: None
) -> None:
    db, (a, b, c, d) = studied
    out = tmp_path / "deck.apkg"
    result = run("export", "anki", "--with-schedule", "--out", str(out), "--db", str(db), *sample_args)
    assert result.exit_code == 0, result.output
    assert "with the schedule of 3 studied cards and 5 reviews" in result.output
    conn = collection(out, tmp_path)
    (crt,) = conn.execute("SELECT crt FROM col").fetchone()
    cards = {
        guid: tuple(row)
        for guid, *row in conn.execute(
            "SELECT n.guid, c.type, c.queue, c.due, c.ivl, c.reps, c.lapses, c.left, c.data, c.id "
            "FROM cards c JOIN notes n ON n.id = c.nid"
        )
    }
    with Store.open(db) as store:
        rows = store.rows()
    # A review card: type 2, queue 2, due as a day number since crt, FSRS memory in `data`.
    ra = rows[a]
    assert ra.memory is not None and ra.memory.phase == Phase.REVIEW
    ctype, queue, due, ivl, reps, lapses, left, data, cid_a = cards[anki_guid(a)]
    assert (ctype, queue, reps, lapses, left) == (2, 2, 3, 0, 0)
    assert due == (int(ra.memory.due.timestamp()) - crt) // 86400
    assert ivl == round((ra.memory.due - ra.memory.last_review).total_seconds() / 86400)
    memory = json.loads(data)
    assert memory["s"] == pytest.approx(ra.memory.stability, abs=1e-4)
    assert memory["d"] == pytest.approx(ra.memory.difficulty, abs=1e-3)
    assert memory["dr"] == 0.9 and memory["lrt"] == int(ra.memory.last_review.timestamp())
    # A learning card due within the day: queue 1 with its due time in epoch seconds.
    rb = rows[b]
    ctype, queue, due, _, reps, _, left, _, _ = cards[anki_guid(b)]
    assert (ctype, queue, reps) == (1, 1, 1)
    assert due == int(rb.memory.due.timestamp()) and left == 2
    # Suspended keeps its schedule type with queue -1; a card only crammed stays new.
    assert cards[anki_guid(c)][:2] == (2, -1)
    assert cards[anki_guid(d)][:2] == (0, 0) and cards[anki_guid(d)][7] == ""
    # The revlog: a's three reviews, oldest first, learning then review intervals.
    log = conn.execute(
        "SELECT id, ease, ivl, lastIvl, factor, time, type FROM revlog WHERE cid = ? ORDER BY id", (cid_a,)
    ).fetchall()
    times = [int((NOW - delta).timestamp() * 1000) for delta in (
        timedelta(days=6), timedelta(days=5, hours=23, minutes=50), timedelta(days=2))]  # fmt: skip
    assert [r[0] for r in log] == times
    assert [r[1] for r in log] == [3, 3, 3]
    assert [r[6] for r in log] == [0, 0, 1]  # learning, learning, review
    assert log[0][2] == -600 and log[1][3] == -600 and log[1][2] > 0  # 10 minutes, then days
    assert log[2][2] == ivl and log[2][4] == fsrs_factor(ra.memory.difficulty)
    assert [r[5] for r in log] == [4000, 0, 9000]
    assert conn.execute("SELECT count(*) FROM revlog").fetchone()[0] == 5


def test_without_the_flag_the_deck_has_no_schedule(
    tmp_path: Path, studied: tuple[Path, list[str]], sample_args: list[str], pinned: None
) -> None:
    db, _ = studied
    out = tmp_path / "deck.apkg"
    assert run("export", "anki", "--out", str(out), "--db", str(db), *sample_args).exit_code == 0
    conn = collection(out, tmp_path)
    assert conn.execute("SELECT count(*) FROM revlog").fetchone()[0] == 0
    assert {r[0] for r in conn.execute("SELECT type FROM cards")} == {0}


@pytest.mark.parametrize(("difficulty", "factor"), [(1.0, 100), (10.0, 1100), (5.5, 600)])
def test_fsrs_factor(difficulty: float, factor: int) -> None:
    assert fsrs_factor(difficulty) == factor
