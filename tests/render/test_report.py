"""`idrill stats` and `idrill report` end to end, over a hand-built history with known answers.

The history is written straight into a real history database (Store.open + SQL), so every figure is
known in advance; recall values are 1.0 (reviewed today) or 0.9 (reviewed `stability` days ago).
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from interview_drill.domain.review import to_ms
from interview_drill.files import write_text
from interview_drill.render.contents import SECTIONS
from interview_drill.render.data import TOPIC_COLUMNS, schema
from interview_drill.storage.history import Store

from ..conftest import DATA, SAMPLE_BANK, run

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BANK = DATA / "report_bank"
ARGS = ["--no-builtin", "--bank", str(BANK)]
SNAPSHOT = DATA / "report_snapshot.md"


@pytest.fixture(autouse=True)
def _pinned(pinned):
    """Every test here runs at the pinned moment."""


def ago(days: int, hour: int = 9, minute: int = 0) -> int:
    return to_ms((NOW - timedelta(days=days)).replace(hour=hour, minute=minute))


# slug: (stability, last review, due, lapses, [(days ago, rating, phase before, traps_hit, hour)])
HISTORY = {
    "lora-rank": (10, ago(10), ago(0), 2, [
        (45, 3, 0, None, 9), (44, 3, 1, None, 9), (35, 1, 2, None, 9), (34, 3, 3, None, 9),
        (25, 3, 2, None, 9), (15, 1, 2, "[0]", 9), (14, 1, 3, "[0, 1]", 9), (13, 3, 3, None, 9),
        (11, 2, 2, None, 9), (10, 3, 2, None, 9),
    ]),  # 10 reviews, 3 Again → 30 %
    "lora-alpha": (5, ago(0, 8), ago(-5, 8), 0, [
        (3, 3, 0, None, 9), (2, 3, 1, None, 9), (1, 4, 2, None, 9), (0, 3, 2, None, 8),
    ]),
    "eval-judge": (20, ago(20), ago(0), 0, [
        (28, 1, 0, None, 9), (27, 3, 1, None, 9), (26, 3, 1, "[5]", 9), (22, 1, 1, "[0]", 9),
        (20, 3, 1, None, 9),
    ]),
    "eval-contamination": (2, ago(2), ago(-1), 0, [
        (6, 3, 0, None, 9), (5, 3, 1, None, 9), (4, 3, 2, None, 9), (3, 3, 2, None, 9),
        (2, 3, 2, None, 9),
    ]),
}  # fmt: skip


def seed(db: Path, history: dict = HISTORY, *, extra: bool = True) -> Path:
    """A history database with exactly the states and reviews above (plus cram, quiz, suspended)."""
    db.parent.mkdir(parents=True, exist_ok=True)
    with Store.open(db) as store, store.transaction() as conn:
        ids = {}
        for slug, (stab, last, due, lapses, reviews) in history.items():
            cur = conn.execute(
                "INSERT INTO cards (slug, phase, stability, difficulty, due, last_review, reps, lapses) "
                "VALUES (?, 2, ?, 5.0, ?, ?, ?, ?)",
                (slug, stab, due, last, len(reviews), lapses),
            )
            ids[slug] = cur.lastrowid
            for days, rating, phase, traps, hour in reviews:
                conn.execute(
                    "INSERT INTO reviews (card_id, rating, reviewed_at, kind, phase_before, traps_hit) "
                    "VALUES (?, ?, ?, 'scheduled', ?, ?)",
                    (ids[slug], rating, ago(days, hour), phase, traps),
                )
        if extra:
            # Cram practice counts nowhere, not even its traps.
            conn.execute(
                "INSERT INTO reviews (card_id, rating, reviewed_at, kind, phase_before, traps_hit) "
                "VALUES (?, 1, ?, 'cram', 2, '[0]')",
                (ids["lora-alpha"], ago(0, 8, 30)),
            )
            conn.execute("INSERT INTO cards (slug, phase, suspended) VALUES ('rlhf-kl', 0, 1)")
            for days, correct in ((1, 1), (2, 1), (3, 0), (5, 1), (40, 0)):
                conn.execute(
                    "INSERT INTO number_answers (slug, figure_index, answer, correct, answered_at) "
                    "VALUES ('lora-rank', 0, '8', ?, ?)",
                    (correct, ago(days)),
                )
    return db


@pytest.fixture
def history(isolated_home: Path) -> Path:
    return seed(isolated_home / "history.db")


def report_json(*extra: str) -> dict:
    result = run("report", *ARGS, "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def validate(doc: dict) -> None:
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(schema())
    errors = sorted(Draft202012Validator(schema()).iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


# ------------------------------------------------------------------ stats in the terminal


def test_stats_terminal(history):
    result = run("stats", *ARGS)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "7 cards · 4 studied · 3 never studied · 1 suspended · 2 due now" in out
    assert "1 review today · streak 7 days (longest 7)" in out
    assert "true retention: 7 days 100% (5 reviews), 30 days 89% (9 reviews)" in out
    assert "numbers quiz (last 30 days): 3/4 correct (75%)" in out
    assert "Topics, weakest first" in out
    lines = out.splitlines()
    lora = next(line for line in lines if " lora " in line)
    assert "2/3" in lora and "95%" in lora and "7.5d" in lora and "21%" in lora and "0.29" in lora
    assert "many lapses" in lora
    eval_ = next(line for line in lines if " eval " in line)
    assert "2/2" in eval_ and "90%" in eval_ and "20%" in eval_ and "0.11" in eval_ and "high Again" in eval_
    assert out.index(" lora ") < out.index(" eval ")  # weakest first
    assert "Never studied (coverage gaps, not weaknesses): rlhf (2)" in out
    assert "Levels never studied: staff" in out
    senior = next(line for line in lines if line.startswith("senior"))
    assert senior.split()[:5] == ["senior", "3", "1", "33%", "30%"]
    assert "Due next 7 days: Mon 2  Tue 1  Wed 0  Thu 0  Fri 0  Sat 1  Sun 0" in out
    assert "2× lora-rank: Thinking rank is the number of adapted layers." in out
    assert "\x1b" not in out  # not a terminal: no colour codes


def test_stats_filters_restrict_the_cards(history):
    out = run("stats", *ARGS, "--topic", "eval").output
    assert "2 cards · 2 studied · 0 never studied · 0 suspended · 1 due now" in out
    assert "lora" not in out
    assert "10 reviews in all" in out  # only the selected cards' reviews
    bad = run("stats", *ARGS, "--topic", "lroa")
    assert bad.exit_code == 2 and "Did you mean `lora`" in bad.output


def test_stats_on_an_empty_history(isolated_home):
    result = run("stats", *ARGS)
    assert result.exit_code == 0, result.output
    assert "Nothing studied yet" in result.output
    assert "0 reviews today · streak 0 days (longest 0)" in result.output
    assert not (isolated_home / "history.db").exists()  # a read-only command creates nothing


def test_stats_after_a_real_drill_and_cram_does_not_count(isolated_home):
    sample = ["--no-builtin", "--bank", str(SAMPLE_BANK)]
    drilled = run("drill", *sample, "--limit", "2", input="\n1\n\n3\n")
    assert drilled.exit_code == 0, drilled.output
    before = run("stats", *sample).output
    assert "2 reviews today" in before and "4 cards · 2 studied" in before
    run("drill", *sample, "--cram", "--limit", "2", input="\n1\n\n1\n")
    after = run("stats", *sample).output
    assert after == before


# ------------------------------------------------------------------ the report's formats


def test_report_json_known_answers_and_schema(history):
    doc = report_json()
    validate(doc)
    assert doc["version"] == 1 and doc["today"] == "2026-03-02"
    assert doc["totals"] == {
        "cards": 7, "seen": 4, "new": 3, "suspended": 1, "due_now": 2, "reviews": 24,
        "reviews_today": 1, "streak": 7, "longest_streak": 7,
    }  # fmt: skip
    assert doc["retention"] == [
        {"days": 7, "reviews": 5, "again": 0, "rate": 1.0},
        {"days": 30, "reviews": 9, "again": 1, "rate": 0.8889},
    ]
    topics = {t["topic"]: t for t in doc["topics"]}
    assert [t["topic"] for t in doc["topics"]] == ["lora", "eval", "rlhf"]
    lora = topics["lora"]
    assert (lora["rank"], lora["cards"], lora["seen"], lora["reviews"], lora["again"]) == (1, 3, 2, 14, 3)
    assert lora["mean_recall"] == 0.95 and lora["readiness"] == 0.6333
    assert lora["weakness"] == 0.2893 and lora["reason"] == "lapses"
    assert topics["eval"]["weakness"] == 0.11 and topics["eval"]["reason_text"] == "high Again rate"
    assert topics["rlhf"]["rank"] is None and topics["rlhf"]["weakness"] is None
    assert doc["coverage_gaps"] == {
        "topics": [{"topic": "rlhf", "title": "RLHF (report sample)", "cards": 2}],
        "levels": [{"level": "staff", "cards": 1}],
    }
    assert {lv["level"]: lv["readiness"] for lv in doc["levels"]} == {
        "screen": 1.0, "mid": 0.9, "senior": 0.3, "staff": 0.0,
    }  # fmt: skip
    weak = doc["weak_topics"][0]
    assert weak["topic"] == "lora" and [c["id"] for c in weak["cards"]] == ["lora-rank", "lora-alpha"]
    rank = weak["cards"][0]
    assert (rank["reviews"], rank["again"], rank["again_rate"], rank["recall"]) == (10, 3, 0.3, 0.9)
    assert rank["traps"] == [
        "Thinking rank is the number of adapted layers.",
        "Assuming a higher rank always helps.",
    ]
    assert [(t["card"], t["trap_index"], t["count"]) for t in doc["traps"]] == [
        ("lora-rank", 0, 2), ("eval-judge", 0, 1), ("lora-rank", 1, 1),
    ]  # fmt: skip
    assert [f["due"] for f in doc["forecast"]] == [2, 1, 0, 0, 0, 1, 0]
    act = doc["activity"]
    assert (act["total"], act["active_days"], act["last_7"], act["previous_7"]) == (20, 18, 9, 3)
    assert len(act["days"]) == 30 and act["days"][-1] == {"date": "2026-03-02", "reviews": 1, "again": 0}
    assert doc["numbers_quiz"] == {"days": 30, "answers": 4, "correct": 3, "accuracy": 0.75}
    assert "cards" not in doc


def test_report_json_with_cards_and_on_an_empty_history(isolated_home):
    empty = report_json("--cards")
    validate(empty)
    assert empty["weak_topics"] == [] and len(empty["cards"]) == 7
    assert [g["topic"] for g in empty["coverage_gaps"]["topics"]] == ["eval", "lora", "rlhf"]
    seed(isolated_home / "history.db")
    full = report_json("--cards", "--days", "14", "--level", "mid")
    validate(full)
    assert [c["id"] for c in full["cards"]] == ["eval-contamination", "lora-rank"]  # bank order
    assert full["filters"]["level"] == ["mid"] and len(full["activity"]["days"]) == 14


def test_report_csv_parses_back(history):
    result = run("report", *ARGS, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(rows[0].keys()) == TOPIC_COLUMNS
    assert [r["topic"] for r in rows] == ["lora", "eval", "rlhf"]
    lora = rows[0]
    assert (lora["rank"], lora["cards"], lora["seen"], lora["again"], lora["lapses"]) == (
        "1",
        "3",
        "2",
        "3",
        "2",
    )
    assert float(lora["weakness"]) == pytest.approx(0.2893) and lora["reason"] == "lapses"
    assert rows[2]["weakness"] == "" and rows[2]["rank"] == ""
    cards = list(csv.DictReader(io.StringIO(run("report", *ARGS, "--format", "csv", "--cards").stdout)))
    assert len(cards) == 7
    rank = next(r for r in cards if r["id"] == "lora-rank")
    assert (rank["reviews"], rank["again"], rank["again_rate"], rank["studied"]) == ("10", "3", "0.3", "true")


def test_report_markdown_snapshot(history):
    result = run("report", *ARGS)
    assert result.exit_code == 0, result.output
    if os.environ.get("IDRILL_UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == SNAPSHOT.read_text(encoding="utf-8")


def test_report_markdown_on_an_empty_history(isolated_home):
    result = run("report", *ARGS)
    assert result.exit_code == 0
    assert "_Nothing studied yet._" in result.stdout
    assert "- topic **eval**" in result.stdout and "- level **staff**: 1 card" in result.stdout


def parse_html(text: str) -> ET.Element:
    # The report is written as well-formed XHTML-compatible markup: an XML parser reads it whole.
    return ET.fromstring(text.replace("<!DOCTYPE html>", "", 1))


def check_html(text: str) -> ET.Element:
    root = parse_html(text)
    assert root.tag == "html"
    assert root.find(".//script") is None and "<script" not in text.lower()
    svgs = root.findall(".//svg")
    assert len(svgs) == 3
    for svg in svgs:
        again = ET.fromstring(ET.tostring(svg))  # each chart is a well-formed SVG document of its own
        assert again.get("viewBox") and again.find("title") is not None
    for el in root.iter():
        for name, value in el.attrib.items():
            assert name not in ("src", "href", "action", "srcset") and not name.startswith("on"), (
                el.tag,
                name,
            )
            assert "http" not in value and "//" not in value
    style = root.find(".//style")
    assert style is not None and "url(" not in style.text and "@import" not in style.text
    assert "http://" not in text and "https://" not in text
    ids = [s.get("id") for s in root.iter("section")]
    assert ids == [sid for sid, _ in SECTIONS]
    return root


def test_report_html_is_self_contained_and_well_formed(history, tmp_path):
    target = tmp_path / "out" / "report.html"
    target.parent.mkdir()
    result = run("report", *ARGS, "--out", str(target))  # format from the suffix
    assert result.exit_code == 0, result.output
    assert f"wrote {target} (html)" in result.output
    root = check_html(target.read_text(encoding="utf-8"))
    headings = ["".join(h.itertext()) for h in root.iter("h2")]
    assert headings == [title for _, title in SECTIONS]
    text = "".join(root.itertext())
    assert "What does the LoRA rank r control?" in text  # `r` shown as code
    assert "Thinking rank is the number of adapted layers." in text
    assert os.listdir(target.parent) == ["report.html"]  # no temp file left behind


def test_report_html_on_an_empty_history(isolated_home, tmp_path):
    target = tmp_path / "r.html"
    assert run("report", *ARGS, "--format", "html", "--out", str(target)).exit_code == 0
    root = check_html(target.read_text(encoding="utf-8"))
    assert "Nothing studied yet." in "".join(root.itertext())


def test_report_usage_errors(history, tmp_path):
    html_stdout = run("report", *ARGS, "--format", "html")
    assert html_stdout.exit_code == 2 and "--out" in html_stdout.output
    bad = run("report", *ARGS, "--format", "pdf")
    assert bad.exit_code == 2 and "md, html, json, csv" in bad.output
    cards_md = run("report", *ARGS, "--cards")
    assert cards_md.exit_code == 2 and "--cards applies to" in cards_md.output
    missing = run("report", *ARGS, "--out", str(tmp_path / "nope" / "r.md"))
    assert missing.exit_code == 2 and "does not exist" in missing.output
    assert run("report", *ARGS, "--days", "0").exit_code == 2


def test_report_file_is_replaced_atomically(history, tmp_path, monkeypatch):
    target = tmp_path / "r.json"
    target.write_text("")  # an empty file may be replaced without --force
    assert run("report", *ARGS, "--out", str(target)).exit_code == 0
    assert json.loads(target.read_text())["version"] == 1

    def broken(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    result = run("report", *ARGS, "--format", "md", "--out", str(target))
    assert result.exit_code == 1 and "No space left on device" in result.output
    assert json.loads(target.read_text())["version"] == 1  # the old report is intact
    assert sorted(os.listdir(tmp_path)) == ["idrill-home", "r.json"]


def test_write_atomic_refuses_a_folder(tmp_path):
    from interview_drill.errors import UsageError

    with pytest.raises(UsageError, match="is a folder"):
        write_text(tmp_path, "x", what="report")


def test_ctrl_c_during_a_report_exits_130(history, monkeypatch):
    import interview_drill.domain.figures.stats

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(interview_drill.domain.figures.stats, "compute", interrupted)
    for command in ("report", "stats"):
        result = run(command, *ARGS)
        assert result.exit_code == 130
        assert "interrupted" in result.output


def test_commands_have_help():
    for command in ("stats", "report"):
        result = run(command, "--help")
        assert result.exit_code == 0 and "--topic" in result.output
    assert "--format" in run("report", "--help").output


# ------------------------------------------------------------------ hostile card text

HOSTILE_YAML = r"""topic: evil
title: "=HYPERLINK(\"http://evil.example\") <b>bold</b> \e[31mred [bold]x[/]"
cards:
  - id: evil-script
    question: "<script>alert(1)</script> <img src=x onerror=alert(2)> **star** [link](javascript:alert(3)) ![px](http://evil.example/p.png) a|b \e[31mred\e[0m"
    outline: [an answer]
    traps:
      - "=1+2 \e]0;pwned\a [bold red]markup[/] \e[2J"
      - "<script>trap()</script> | ![t](http://evil.example/t.png)"
  - id: evil-formula
    question: "=HYPERLINK(\"http://evil.example\",\"x\")"
    outline: [an answer]
  - id: evil-plus
    question: "+1+2"
    outline: [an answer]
  - id: evil-minus
    question: "-2+3"
    outline: [an answer]
  - id: evil-at
    question: "@SUM(A1)"
    outline: [an answer]
"""


@pytest.fixture
def hostile(tmp_path, isolated_home) -> list[str]:
    bank = tmp_path / "evil"
    bank.mkdir()
    (bank / "evil.yaml").write_text(HOSTILE_YAML, encoding="utf-8")
    history = {
        slug: (10, ago(10), ago(0), 1, [(12, 1, 2, None, 9), (10, 3, 3, None, 9)])
        for slug in ("evil-formula", "evil-plus", "evil-minus", "evil-at")
    }
    # The weakest card of the topic, so it is listed under "review tonight" with its traps.
    history["evil-script"] = (10, ago(10), ago(0), 3, [(12, 1, 2, "[0, 1]", 9), (10, 1, 3, "[0]", 9)])
    seed(isolated_home / "history.db", history, extra=False)
    return ["--no-builtin", "--bank", str(bank)]


def test_hostile_text_is_inert_in_html(hostile, tmp_path):
    target = tmp_path / "evil.html"
    assert run("report", *hostile, "--out", str(target)).exit_code == 0
    text = target.read_text(encoding="utf-8")
    root = parse_html(text)
    assert root.find(".//script") is None and root.find(".//img") is None
    assert "<script" not in text and "<img" not in text and "<b>bold" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "\x1b" not in text and "\x07" not in text
    for el in root.iter():
        assert not any(name.startswith("on") or name in ("src", "href") for name in el.attrib)
    assert "<script>alert(1)</script>" in "".join(root.itertext())  # shown as text


def test_hostile_text_is_inert_in_markdown(hostile):
    out = run("report", *hostile, "--format", "md").stdout
    assert "<script" not in out and "<img" not in out and "<b>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "\\[link\\](javascript" in out and "!\\[px\\](`http" in out  # no link, no image fetch
    assert "a\\|b" in out  # a pipe cannot break a table row
    assert "\x1b" not in out and "\x07" not in out
    trap_rows = [line for line in out.splitlines() if line.startswith("| 2 | evil |")]
    assert trap_rows and all(row.count(" | ") == 3 for row in trap_rows)  # still four cells


def test_hostile_text_is_neutralised_in_csv(hostile):
    cards_out = run("report", *hostile, "--format", "csv", "--cards").stdout
    topics_out = run("report", *hostile, "--format", "csv").stdout
    for text in (cards_out, topics_out):
        assert "\x1b" not in text
        for row in csv.reader(io.StringIO(text)):
            for cell in row:
                assert cell[:1] not in ("=", "+", "-", "@"), cell
    questions = {r["id"]: r["question"] for r in csv.DictReader(io.StringIO(cards_out))}
    assert questions["evil-formula"] == '\'=HYPERLINK("http://evil.example","x")'
    assert questions["evil-plus"] == "'+1+2" and questions["evil-minus"] == "'-2+3"
    assert questions["evil-at"] == "'@SUM(A1)"
    title = next(csv.DictReader(io.StringIO(topics_out)))["title"]
    assert title.startswith("'=HYPERLINK")


def test_hostile_text_is_stripped_in_the_terminal(hostile):
    out = run("stats", *hostile).output
    assert "\x1b" not in out and "\x07" not in out
    assert "[bold red]markup[/]" in out  # shown literally, never read as Rich markup
    assert "<script>trap()</script>" in out  # plain text in a terminal, harmless


def test_hostile_text_stays_data_in_json(hostile):
    doc = report_json_for(hostile)
    validate(doc)
    assert doc["weak_topics"][0]["cards"][0]["question"].startswith("<script>")


def report_json_for(args: list[str]) -> dict:
    result = run("report", *args, "--format", "json")
    assert result.exit_code == 0
    raw = result.stdout
    assert "\x1b" not in raw  # JSON escapes control characters (\u001b)
    return json.loads(raw)


def test_reports_and_stats_leave_the_history_unchanged(history, tmp_path):
    def dump() -> list[str]:
        conn = sqlite3.connect(history)
        try:
            return [*conn.iterdump(), str(conn.execute("PRAGMA user_version").fetchone())]
        finally:
            conn.close()

    before = dump()
    for fmt in ("json", "md", "csv", "html"):
        result = run("report", *ARGS, "--format", fmt, "--out", str(tmp_path / f"report.{fmt}"))
        assert result.exit_code == 0, result.output
    assert run("stats", *ARGS).exit_code == 0
    assert dump() == before


def test_review_counts_for_topic_weakness(history):
    with Store.open(history) as store:
        counts = store.review_counts()
    assert counts["lora-rank"] == (10, 3)
    assert counts["lora-alpha"] == (4, 0)  # its cram review is not counted


UNICODE_YAML = r"""topic: uni
title: "Maths → bounds"
cards:
  - id: uni-arrow
    question: "x → y, a − b ≈ c × d? del \x7f, nel \N, csi \x9b, line \L para \P, 😀"
    outline: [an answer]
    traps:
      - "− sign \x85 and \u2028 in a trap"
      - "plain ascii trap"
  - id: uni-plain
    question: "Only ASCII here"
    outline: [an answer]
    traps: ["é"]
"""


def test_a_json_report_file_is_the_text_it_prints(tmp_path, isolated_home, monkeypatch):
    """The file is written in UTF-8 pieces as it is made (render.jsontext), the standard output from
    the whole text: both are the standard library's text of `to_json`'s plain data (the trap rows are
    written by an f-string each), with the characters a terminal could act on escaped."""
    from interview_drill.cli.commands import reports
    from interview_drill.domain.textsafe import inert_json
    from interview_drill.render import jsontext
    from interview_drill.render.data import to_json

    figures = []
    stats = reports._stats
    monkeypatch.setattr(reports, "_stats", lambda *a: figures.append(stats(*a)) or figures[-1])

    monkeypatch.setattr(jsontext, "_CHUNK", 3)  # many pieces, cut between the trap rows too
    monkeypatch.setattr(jsontext, "_CHUNK_ROWS", 1)
    bank = tmp_path / "uni"
    bank.mkdir()
    (bank / "uni.yaml").write_text(UNICODE_YAML, encoding="utf-8")
    seed(isolated_home / "history.db", {
        "uni-arrow": (10, ago(10), ago(0), 1, [(12, 1, 2, "[0, 1]", 9), (10, 3, 3, "[0]", 9)]),
        "uni-plain": (10, ago(10), ago(0), 0, [(11, 1, 2, "[0]", 9)]),
    }, extra=False)  # fmt: skip
    args = ["--no-builtin", "--bank", str(bank), "--cards"]
    printed = run("report", *args, "--format", "json")
    assert printed.exit_code == 0, printed.output
    target = tmp_path / "r.json"
    written = run("report", *args, "--out", str(target))
    assert written.exit_code == 0 and "wrote" in written.output
    raw = target.read_bytes()
    assert raw == printed.stdout_bytes
    for one in figures:
        plain = json.dumps(to_json(one, cards=True), indent=2, ensure_ascii=False)
        assert raw == (inert_json(plain) + "\n").encode("utf-8")
    assert len(figures) == 2
    text = raw.decode("utf-8")
    for escaped in ("\\u007f", "\\u0085", "\\u009b", "\\u2028", "\\u2029"):
        assert escaped in text
    assert not any(c in text for c in "\x7f\x85\x9b\u2028\u2029")
    assert "x → y, a − b ≈ c × d?" in text and "😀" in text and text.endswith("}\n")
    doc = json.loads(text)
    validate(doc)
    assert [t["trap"] for t in doc["traps"]][:2] == ["− sign \x85 and \u2028 in a trap", "plain ascii trap"]
