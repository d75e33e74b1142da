"""Exports (Anki deck, FSRS revlog CSV) and history backup/restore, through the CLI (pinned clock)."""

from __future__ import annotations

import csv
import json
import sqlite3
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from interview_drill.app import anki
from interview_drill.cli.app import app
from interview_drill.domain.review import CardRow, Phase, Rating, to_ms
from interview_drill.storage import transfer
from interview_drill.storage.history import Store

from ..conftest import SAMPLE_BANK, rate_as_user, run

runner = CliRunner()
SAMPLE = ["--no-builtin", "--bank", str(SAMPLE_BANK)]
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _pinned(pinned):
    """Every test here runs at the pinned moment."""


def review(store: Store, slug: str, rating: Rating, at: datetime, kind: str = "scheduled", **kw) -> CardRow:
    """Rate a card as a session would (through app.rate)."""
    return rate_as_user(store, slug, rating, at, kind=kind, **kw).after


def later(monkeypatch) -> None:
    """The clock a week after T0: the seeded history is in the past (imports refuse the future)."""
    monkeypatch.setenv("IDRILL_NOW", (T0 + timedelta(days=7)).isoformat())


def history_db(home: Path) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    return home / "history.db"


def seeded(home: Path) -> Path:
    """A small history: three cards, a learning step, a lapse, a cram review, a numbers answer."""
    path = history_db(home)
    with Store.open(path) as store:
        sid = store.start_session("drill", T0)
        review(store, "sample-lora-rank", Rating.GOOD, T0, session_id=sid, duration_ms=4200)
        review(store, "sample-lora-rank", Rating.GOOD, T0 + timedelta(minutes=10), session_id=sid)
        review(
            store, "sample-judge", Rating.AGAIN, T0 + timedelta(minutes=1), answer="bias <b>", traps_hit=[0]
        )
        review(store, "sample-lora-rank", Rating.AGAIN, T0 + timedelta(days=3))
        review(store, "sample-judge", Rating.EASY, T0 + timedelta(days=1), kind="cram")
        review(store, "sample-lora-alpha", Rating.HARD, T0 + timedelta(days=2), kind="mock")
        store.end_session(sid, T0 + timedelta(minutes=11))
        store.record_number_answer("sample-lora-rank", 0, "16", False, T0 + timedelta(days=2))
    return path


def table(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


# ------------------------------------------------------------------ Anki


def open_apkg(path: Path, tmp_path: Path) -> Path:
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert "collection.anki2" in names and "media" in names
        target = tmp_path / "unzipped.anki2"
        target.write_bytes(archive.read("collection.anki2"))
    return target


def test_anki_deck_has_one_note_per_card_with_fields_tags_and_stable_guids(tmp_path):
    deck = tmp_path / "deck.apkg"
    result = run("export", "anki", "--out", str(deck), *SAMPLE)
    assert result.exit_code == 0, result.output
    assert "wrote 4 notes" in result.output
    collection = open_apkg(deck, tmp_path)
    notes = {
        fields.split("\x1f")[5]: (guid, mid, tags.split(), fields.split("\x1f"))
        for guid, mid, tags, fields in table(collection, "SELECT guid, mid, tags, flds FROM notes")
    }
    assert sorted(notes) == ["sample-debug-loss", "sample-judge", "sample-lora-alpha", "sample-lora-rank"]
    guid, mid, tags, fields = notes["sample-lora-rank"]
    assert mid == anki.ANKI_MODEL_ID
    assert guid == "faj(nGK1j1"  # genanki.guid_for("sample-lora-rank"): must never change
    assert tags == ["topic::lora", "seniority::mid", "kind::conceptual", "lora", "capacity"]
    question, outline, numbers, follow_ups, traps, card_id = fields
    assert question == "What does the LoRA rank control?"
    assert outline.startswith("<ul><li>The rank <code>r</code> bounds") and outline.count("<li>") == 3
    assert "<li><b>Typical</b> ranks are small" in outline
    every_field = [f for note in notes.values() for f in note[3]]
    assert not [f for f in every_field if "**" in f or "`" in f]  # the bank's markup arrives as HTML
    assert "<b>8–64</b> — common ranks" in numbers
    assert "Does a higher rank always help?<br><i>No; past a point" in follow_ups
    assert traps == "<ul><li>Thinking rank is the number of layers adapted.</li></ul>"
    assert notes["sample-lora-alpha"][3][2] == ""  # no numbers: an empty field hides the section
    assert {did for (did,) in table(collection, "SELECT DISTINCT did FROM cards")} == {anki.ANKI_DECK_ID}
    models = json.loads(table(collection, "SELECT models FROM col")[0][0])
    assert [f["name"] for f in models[str(anki.ANKI_MODEL_ID)]["flds"]] == list(anki.ANKI_FIELDS)

    again = tmp_path / "again.apkg"
    run("export", "anki", "--out", str(again), *SAMPLE)
    guids = table(open_apkg(again, tmp_path), "SELECT guid FROM notes ORDER BY guid")
    assert guids == table(collection, "SELECT guid FROM notes ORDER BY guid")
    assert again.read_bytes() == deck.read_bytes()  # same cards, same clock: the same file


def test_anki_filters_choose_the_notes(tmp_path):
    deck = tmp_path / "lora.apkg"
    result = run("export", "anki", *SAMPLE, "--topic", "lora", "--level", "screen", "--out", str(deck))
    assert result.exit_code == 0, result.output
    flds = table(open_apkg(deck, tmp_path), "SELECT flds FROM notes")
    assert [f.split("\x1f")[5] for (f,) in flds] == ["sample-lora-alpha"]


def test_anki_fields_escape_untrusted_card_text(tmp_path):
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "x.yaml").write_text(
        "topic: xss\ntitle: Hostile\ncards:\n"
        "  - id: hostile-card\n"
        '    question: "<script>alert(1)</script> & \\u001b[31mred\\u001b[0m"\n'
        "    outline:\n"
        '      - "a <img src=x onerror=alert(1)>\\nsecond line"\n',
        encoding="utf-8",
    )
    deck = tmp_path / "x.apkg"
    # genanki warns about raw HTML in a field; pytest's filterwarnings=error makes that a failure
    result = run("export", "anki", "--no-builtin", "--bank", str(bank), "--out", str(deck))
    assert result.exit_code == 0, result.output
    ((flds,),) = table(open_apkg(deck, tmp_path), "SELECT flds FROM notes")
    question, outline = flds.split("\x1f")[:2]
    assert question == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; red"
    assert outline == "<ul><li>a &lt;img src=x onerror=alert(1)&gt;<br>second line</li></ul>"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--topic", "nope"], "unknown topic `nope`"),
        (["--tag", "judge", "--topic", "lora"], "no cards match these filters"),
    ],
)
def test_anki_bad_filters_write_nothing(tmp_path, args, message):
    deck = tmp_path / "deck.apkg"
    result = run("export", "anki", "--out", str(deck), *SAMPLE, *args)
    assert result.exit_code == 2
    assert message in result.output
    assert not deck.exists()


def test_export_into_a_missing_folder_is_a_clear_error(tmp_path):
    result = run("export", "anki", "--out", str(tmp_path / "no" / "deck.apkg"), *SAMPLE)
    assert result.exit_code == 2
    assert "does not exist" in result.output
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ revlog


def test_revlog_csv_has_the_optimiser_layout_without_cram(tmp_path, isolated_home):
    db = seeded(isolated_home)
    out = tmp_path / "revlog.csv"
    result = run("export", "revlog", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "wrote 5 reviews" in result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "card_id,review_time,review_rating,review_state,review_duration"
    rows = list(csv.DictReader(lines))
    ids = dict(table(db, "SELECT slug, id FROM cards"))
    rank, judge, alpha = ids["sample-lora-rank"], ids["sample-judge"], ids["sample-lora-alpha"]
    got = [tuple(int(v) for v in r.values()) for r in rows]
    assert got == [
        (rank, to_ms(T0), 3, 0, 4200),
        (judge, to_ms(T0 + timedelta(minutes=1)), 1, 0, 0),
        (rank, to_ms(T0 + timedelta(minutes=10)), 3, 1, 0),
        (alpha, to_ms(T0 + timedelta(days=2)), 2, 0, 0),  # mock reviews count; cram does not
        (rank, to_ms(T0 + timedelta(days=3)), 1, 2, 0),
    ]
    assert all(isinstance(cid, int) for cid, *_ in got)


def test_revlog_of_an_empty_history_is_just_the_header(tmp_path):
    out = tmp_path / "revlog.csv"
    result = run("export", "revlog", "--out", str(out))
    assert result.exit_code == 0
    assert out.read_text() == "card_id,review_time,review_rating,review_state,review_duration\n"


# ------------------------------------------------------------------ history


def dump(path: Path) -> dict[str, list[tuple]]:
    """Everything that must survive a round trip, without surrogate ids."""
    return {
        "cards": table(
            path,
            "SELECT slug, phase, step, stability, difficulty, due, last_review, reps, lapses, content_hash, "
            "buried_until, suspended FROM cards ORDER BY slug",
        ),
        "reviews": table(
            path,
            "SELECT c.slug, r.rating, r.reviewed_at, r.duration_ms, r.kind, r.phase_before, r.before, r.answer, "
            "r.traps_hit, s.mode, s.started_at FROM reviews r JOIN cards c ON c.id = r.card_id "
            "LEFT JOIN sessions s ON s.id = r.session_id ORDER BY r.reviewed_at, c.slug",
        ),
        "sessions": table(
            path, "SELECT mode, started_at, ended_at, cards_done FROM sessions ORDER BY started_at"
        ),
        "numbers": table(path, "SELECT slug, figure_index, answer, correct, answered_at FROM number_answers"),
    }


def test_history_round_trip_to_a_new_machine(tmp_path, isolated_home, monkeypatch):
    later(monkeypatch)
    db = seeded(isolated_home)
    backup = tmp_path / "history.jsonl"
    result = run("history", "export", "--out", str(backup))
    assert result.exit_code == 0, result.output
    assert "3 card states and 6 reviews" in result.output
    lines = backup.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0]) == {"format": "idrill-history", "version": 1}
    assert {json.loads(line)["type"] for line in lines[1:]} == {"card", "review", "session", "number_answer"}

    fresh = tmp_path / "new-machine" / "history.db"
    fresh.parent.mkdir()
    result = run("history", "import", str(backup), "--db", str(fresh))
    assert result.exit_code == 0, result.output
    assert "imported 6 reviews, 3 new cards, 0 card states updated" in result.output  # nothing was here
    assert dump(fresh) == dump(db)

    again = run("history", "import", str(backup), "--db", str(fresh))
    assert again.exit_code == 0
    assert "nothing new" in again.output
    assert dump(fresh) == dump(db)

    # The export of the imported history is the same file: the format is stable for git.
    second = tmp_path / "second.jsonl"
    run("history", "export", "--out", str(second), "--db", str(fresh))
    assert second.read_text(encoding="utf-8") == backup.read_text(encoding="utf-8")


def test_history_import_into_the_default_place_on_a_new_machine(tmp_path, isolated_home, monkeypatch):
    later(monkeypatch)
    seeded(isolated_home)
    backup = tmp_path / "h.jsonl"
    run("history", "export", "--out", str(backup))
    new_home = tmp_path / "other-home"  # does not exist yet, like a fresh user data folder
    result = runner.invoke(app, ["history", "import", str(backup)], env={"IDRILL_HOME": str(new_home)})
    assert result.exit_code == 0, result.output
    assert dump(new_home / "history.db") == dump(isolated_home / "history.db")


def test_history_export_to_stdout(isolated_home):
    seeded(isolated_home)
    result = run("history", "export", "--out", "-")
    assert result.exit_code == 0
    first, *rest = result.output.splitlines()
    assert json.loads(first)["format"] == "idrill-history"
    assert len(rest) == 3 + 1 + 6 + 1


def test_merge_keeps_the_newer_side_of_each_card(tmp_path, isolated_home, monkeypatch):
    """Machine A exports; A and B both study; B imports A's file (see the merge rule in the docs)."""
    later(monkeypatch)
    a = seeded(isolated_home)
    b = tmp_path / "b.db"
    backup = tmp_path / "a.jsonl"
    run("history", "export", "--out", str(backup))
    run("history", "import", str(backup), "--db", str(b))
    with Store.open(a) as store:  # A studies judge on day 5, after the backup... (not in the file)
        review(store, "sample-judge", Rating.GOOD, T0 + timedelta(days=5))
    run("history", "export", "--out", str(backup))
    with Store.open(b) as store:  # ...and B studies lora-rank on day 6 and judge on day 4
        review(store, "sample-lora-rank", Rating.GOOD, T0 + timedelta(days=6))
        review(store, "sample-judge", Rating.HARD, T0 + timedelta(days=4))
        b_rank = store.row("sample-lora-rank")
    result = run("history", "import", str(backup), "--db", str(b))
    assert result.exit_code == 0, result.output
    assert "imported 1 review (6 already here), 0 new cards, 1 card state updated" in result.output
    assert "kept the local state of 1 card" in result.output
    with Store.open(a) as store:
        a_judge = store.row("sample-judge")
    with Store.open(b) as store:
        assert store.row("sample-judge") == a_judge  # A's review (day 5) is newer than B's (day 4)
        assert store.row("sample-lora-rank") == b_rank  # B reviewed it after A's exported state
        assert len(store.reviews(kinds=("scheduled", "mock", "cram"))) == 9
    before = dump(b)
    run("history", "import", str(backup), "--db", str(b))
    assert dump(b) == before  # idempotent


BAD_LINES = [
    ('{"type":"card"}', "slug: missing"),
    ("not json", "not valid JSON"),
    (
        '{"type":"review","slug":"x","reviewed_at":1,"rating":7,"kind":"scheduled","phase_before":0}',
        "rating: must be",
    ),
    (
        '{"type":"review","slug":"x","reviewed_at":1,"rating":3,"kind":"drill","phase_before":0}',
        "kind: must be one of",
    ),
    (
        '{"type":"review","slug":"Bad Id","reviewed_at":1,"rating":3,"kind":"mock","phase_before":0}',
        "slug: must be",
    ),
    (
        '{"type":"card","slug":"x","memory":{"phase":2},"reps":0,"lapses":0,"suspended":false}',
        "memory.stability: missing",
    ),
    ('{"type":"thing"}', "type: must be"),
    ("[1, 2]", "must be a JSON object"),
]


@pytest.mark.parametrize(("line", "message"), BAD_LINES)
def test_a_bad_line_is_reported_with_its_number_and_nothing_is_imported(
    tmp_path, isolated_home, line, message
):
    seeded(isolated_home)
    backup = tmp_path / "h.jsonl"
    run("history", "export", "--out", str(backup))
    good = backup.read_text(encoding="utf-8").splitlines()
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join([*good[:3], line, *good[3:]]) + "\n", encoding="utf-8")
    target = tmp_path / "target.db"
    with Store.open(target):
        pass
    result = run("history", "import", str(broken), "--db", str(target))
    assert result.exit_code == 2
    assert f"{broken}:4: " in result.output and message in result.output
    assert "nothing was imported" in result.output
    assert dump(target)["reviews"] == [] and dump(target)["cards"] == []


def test_every_bad_line_is_listed(tmp_path):
    path = tmp_path / "h.jsonl"
    path.write_text(
        '{"format":"idrill-history","version":1}\n{"type":"card"}\n\nnope\n{"type":"session","mode":"drill"}\n',
        encoding="utf-8",
    )
    with pytest.raises(transfer.HistoryFileError) as caught:
        transfer.read_history(path)
    assert [p.split(": ")[0] for p in caught.value.problems] == [f"{path}:2", f"{path}:4", f"{path}:5"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b'{"type":"card","slug":"x"}\n', "the first line must be the header"),
        (b'{"format":"idrill-history","version":2}\n', "written by a newer interview-drill"),
        (b'{"format":"anki","version":1}\n', "format: must be"),
        (b'{"format":"idrill-history","version":1}\n\xff\xfe\n', "not UTF-8"),
    ],
)
def test_files_that_are_not_idrill_histories_are_refused(tmp_path, content, message):
    path = tmp_path / "h.jsonl"
    path.write_bytes(content)
    result = run("history", "import", str(path))
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "idrill-home" / "history.db").exists()


def test_import_of_a_missing_file(tmp_path):
    result = run("history", "import", str(tmp_path / "nope.jsonl"))
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_parse_then_import_keeps_phase_and_before(isolated_home):
    path = seeded(isolated_home)
    with Store.open(path) as store:
        lines = [json.dumps(r).encode() for r in transfer.history_records(store)]
    data = transfer.parse_history(lines, "mem")
    first = next(r for r in data.reviews if r.slug == "sample-lora-rank" and r.phase_before == Phase.LEARNING)
    assert first.before is not None and first.before.memory is not None
    with Store.memory() as other:
        result = transfer.import_history(other, data)
        assert result.reviews_added == 6 and result.cards_added == 3
        assert transfer.import_history(other, data).changed is False


def test_out_follows_symlinks_and_writes_to_stdout_with_dash(tmp_path):
    target = tmp_path / "target.csv"
    target.write_text("card_id,review_time,review_rating,review_state,review_duration\n")  # an earlier export
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    result = run("export", "revlog", "--out", str(link), *SAMPLE)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and target.read_text().startswith("card_id,review_time")
    dash = run("export", "revlog", "--out", "-", *SAMPLE)
    assert dash.exit_code == 0
    assert dash.stdout.startswith("card_id,review_time,review_rating,review_state,review_duration")
    assert not (Path.cwd() / "-").exists()


def test_out_to_a_device_writes_in_place(tmp_path):
    result = run("export", "revlog", "--out", "/dev/null", *SAMPLE)
    assert result.exit_code == 0, result.output
    assert Path("/dev/null").is_char_device()


def test_importing_a_file_that_is_not_a_history_export_is_one_line(tmp_path):
    junk = tmp_path / "deck.apkg"
    junk.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 50 + b"\n" * 300)
    result = run("history", "import", str(junk))
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.strip()]
    assert errors == [f"{junk}:1: the first line must be the header "
                      '{"format": "idrill-history", "version": 1}: is this an `idrill history export` file?',
                      "nothing was imported"]  # fmt: skip


# ------------------------------------------------------------------ issue 26 item 4: imports from the future


def test_undo_after_importing_future_dated_history_undoes_the_rating_just_given(tmp_path, isolated_home):
    path = history_db(isolated_home)
    backup = tmp_path / "other.jsonl"
    with Store.open(tmp_path / "other.db") as other:  # another machine, a day ahead (within the slack)
        review(other, "sample-judge", Rating.EASY, T0 + timedelta(hours=20))
        transfer.write_history(other, backup)
    with Store.open(path) as store:
        review(store, "sample-lora-rank", Rating.AGAIN, T0)
    assert run("history", "import", str(backup)).exit_code == 0
    result = run("undo")
    assert result.exit_code == 0
    assert "undid Again (scheduled) on sample-lora-rank" in result.output
    with Store.open(path) as store:
        assert [r.slug for r in store.reviews()] == ["sample-judge"]


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"type": "review", "slug": "sample-judge", "reviewed_at": 32_503_000_000_000, "rating": 3,
          "kind": "scheduled", "duration_ms": None, "phase_before": 0}, "reviewed_at"),  # 2999
        ({"type": "session", "mode": "drill", "started_at": 1_900_000_000_000, "ended_at": None,
          "cards_done": 0}, "started_at"),  # 2030
        ({"type": "number_answer", "slug": "sample-judge", "figure_index": 0, "answer": "1", "correct": True,
          "answered_at": 1_900_000_000_000}, "answered_at"),
        ({"type": "card", "slug": "sample-judge", "memory": {"phase": 2, "step": None, "stability": 3.0,
          "difficulty": 5.0, "due": 1_900_000_000_000, "last_review": 1_800_000_000_000}, "reps": 1,
          "lapses": 0, "content_hash": None, "buried_until": None, "suspended": False}, "memory.last_review"),
    ],
)  # fmt: skip
def test_import_refuses_moments_beyond_a_day_from_now(tmp_path, isolated_home, record, field):
    path = history_db(isolated_home)
    with Store.open(path) as store:
        review(store, "sample-lora-rank", Rating.GOOD, T0)
    before = dump_tables(path)
    bad = tmp_path / "future.jsonl"
    bad.write_text('{"format":"idrill-history","version":1}\n' + json.dumps(record) + "\n")
    result = run("history", "import", str(bad))
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines[0].startswith(f"{bad}:2: {field}: ") and "is in the future" in lines[0]
    assert lines[1:] == ["nothing was imported"]
    assert dump_tables(path) == before


def test_a_future_due_date_or_burial_is_fine(tmp_path, isolated_home):
    ok = tmp_path / "ok.jsonl"
    card = {"type": "card", "slug": "sample-judge", "memory": {"phase": 2, "step": None, "stability": 300.0,
            "difficulty": 5.0, "due": 1_900_000_000_000, "last_review": 1_772_000_000_000}, "reps": 1,
            "lapses": 0, "content_hash": None, "buried_until": 1_900_000_000_000, "suspended": False}  # fmt: skip
    ok.write_text('{"format":"idrill-history","version":1}\n' + json.dumps(card) + "\n")
    history_db(isolated_home)
    result = run("history", "import", str(ok))
    assert result.exit_code == 0, result.output


def dump_tables(path: Path) -> list[tuple]:
    with Store.open_readonly(path) as store:
        return [*store.conn.execute("SELECT * FROM reviews"), *store.conn.execute("SELECT * FROM cards")]
