"""The weak-topic report as data: versioned JSON (with its JSON Schema) and CSV.

Card text stays data here, as typed: JSON escapes what it must by itself, and each CSV cell goes
through `csv_cell`, so a spreadsheet never runs a cell as a formula.
"""

from __future__ import annotations

import io
import json
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC
from json.encoder import encode_basestring
from typing import Any

from interview_drill.domain.figures.stats import WEAKNESS_FORMULA, CardStats, GroupStats, Stats
from interview_drill.domain.textsafe import inert_json, inert_json_utf8, strip_controls
from interview_drill.render.contents import CARDS_PER_TOPIC, WEAK_TOPICS_DETAILED
from interview_drill.render.jsontext import Rows, dumps_indented, dumps_indented_encoded

SCHEMA_VERSION = 1

TOPIC_COLUMNS = (
    "rank", "topic", "title", "cards", "seen", "new", "coverage", "suspended", "mean_stability_days",
    "mean_recall", "reviews", "again", "again_rate", "lapses", "due_now", "weakness", "reason", "readiness",
)  # fmt: skip
CARD_COLUMNS = (
    "id", "topic", "level", "kind", "question", "studied", "state", "suspended", "recall",
    "stability_days", "due", "due_now", "reviews", "again", "again_rate", "lapses", "weakness", "reason",
)  # fmt: skip


def schema() -> dict[str, Any]:
    """The JSON Schema of the JSON report (shipped as interview_drill/report.schema.json)."""
    from importlib import resources  # here: the reports themselves never read it

    text = resources.files("interview_drill").joinpath("report.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def _r(x: float | None, digits: int = 4) -> float | None:
    return None if x is None else round(x, digits)


# ---------------------------------------------------------------- JSON


def to_json_text(stats: Stats, *, cards: bool = False) -> str:
    """The JSON report as text (UTF-8 kept as is, indented, one final newline)."""
    doc = _document(stats, cards, _trap_texts(stats))
    return inert_json(dumps_indented(doc, "\n"))  # json.dumps(to_json(...), indent=2)'s text


def to_json_utf8(stats: Stats, *, cards: bool = False) -> Iterator[bytes]:
    """`to_json_text(...)` as UTF-8, in pieces (see `dumps_indented_encoded`), made when first read:
    a lone surrogate in card text raises `UnicodeEncodeError` then, as writing the text would."""
    doc = _document(stats, cards, _trap_texts(stats))
    yield from dumps_indented_encoded(doc, inert_json_utf8, "\n")


def _group_json(g: GroupStats) -> dict[str, Any]:
    return {
        "cards": g.cards,
        "seen": g.seen,
        "new": g.new,
        "coverage": _r(g.coverage),
        "suspended": g.suspended,
        "mean_stability_days": _r(g.mean_stability, 2),
        "mean_recall": _r(g.mean_recall),
        "reviews": g.reviews,
        "again": g.again,
        "again_rate": _r(g.again_rate),
        "lapses": g.lapses,
        "due_now": g.due_now,
        "weakness": _r(g.weakness.score) if g.weakness else None,
        "reason": g.weakness.reason if g.weakness else None,
        "reason_text": g.weakness.label if g.weakness else None,
        "readiness": _r(g.readiness),
    }


def _card_json(c: CardStats, *, traps: bool) -> dict[str, Any]:
    due = c.due
    out: dict[str, Any] = {
        "id": c.card.id,
        "topic": c.card.topic,
        "level": c.card.seniority,
        "kind": c.card.kind,
        "question": c.card.question,
        "studied": c.studied,
        "state": c.phase.label,
        "suspended": c.suspended,
        "recall": _r(c.recall),
        "stability_days": _r(c.stability, 2),
        "due": due.isoformat() if due else None,
        "due_now": c.due_now,
        "reviews": c.reviews,
        "again": c.again,
        "again_rate": _r(c.again_rate),
        "lapses": c.lapses,
        "weakness": _r(c.weakness.score) if c.weakness else None,
        "reason": c.weakness.reason if c.weakness else None,
    }
    if traps:
        out["traps"] = list(c.card.traps)
    return out


def _topics_json(stats: Stats) -> list[dict[str, Any]]:
    return [
        {"topic": g.key, "title": g.title, "rank": i if g.weakness else None, **_group_json(g)}
        for i, g in enumerate(stats.topics, 1)
    ]


def to_json(stats: Stats, *, cards: bool = False) -> dict[str, Any]:
    """The report as plain data, schema version 1 (see report.schema.json)."""
    traps = [
        {"topic": card.topic, "card": card.id, "question": card.question, "trap_index": i, "trap": card.traps[i], "count": n}
        for card, i, n in stats.traps
    ]  # fmt: skip
    return _document(stats, cards, traps)


def _trap_texts(stats: Stats) -> Rows:
    """`to_json`'s traps as the JSON text of each row (see `jsontext.Rows`)."""

    def texts(pad: str, enc: Callable[[str], str] = encode_basestring) -> Iterator[str]:
        p = ",\n" + pad + "  "
        topic, card_, question, index, trap, count = (
            f'{p}"{k}": ' for k in ("topic", "card", "question", "trap_index", "trap", "count")
        )
        topic = "{" + topic[1:]
        end = "\n" + pad + "}"
        for card, i, n in stats.traps:  # the keys and value types of `to_json`'s rows
            yield (
                f"{topic}{enc(card.topic)}{card_}{enc(card.id)}{question}{enc(card.question)}"
                f"{index}{i}{trap}{enc(card.traps[i])}{count}{n}{end}"  # ints: str() is repr()
            )

    return Rows(texts)


def _document(stats: Stats, cards: bool, traps: list[dict[str, Any]] | Rows) -> dict[str, Any]:
    t = stats.totals
    a = stats.activity
    doc: dict[str, Any] = {
        "version": SCHEMA_VERSION,
        "generated_at": stats.generated_at.astimezone(UTC).isoformat(),
        "today": stats.today.isoformat(),
        "days": stats.days,
        "filters": stats.filters,
        "weakness_formula": WEAKNESS_FORMULA,
        "totals": {
            "cards": t.cards,
            "seen": t.seen,
            "new": t.new,
            "suspended": t.suspended,
            "due_now": t.due_now,
            "reviews": t.reviews,
            "reviews_today": t.reviews_today,
            "streak": t.streak,
            "longest_streak": t.longest_streak,
        },
        "retention": [
            {"days": r.days, "reviews": r.reviews, "again": r.again, "rate": _r(r.rate)}
            for r in stats.retention
        ],
        "topics": _topics_json(stats),
        "weak_topics": [
            {
                "topic": g.key,
                "title": g.title,
                "weakness": _r(g.weakness.score) if g.weakness else None,
                "reason": g.weakness.reason if g.weakness else None,
                "reason_text": g.weakness.label if g.weakness else None,
                "cards": [_card_json(c, traps=True) for c in stats.weakest_cards(g.key, CARDS_PER_TOPIC)],
            }
            for g in stats.weak_topics[:WEAK_TOPICS_DETAILED]
        ],
        "coverage_gaps": {
            "topics": [{"topic": g.key, "title": g.title, "cards": g.cards} for g in stats.gap_topics],
            "levels": [{"level": g.key, "cards": g.cards} for g in stats.gap_levels],
        },
        "levels": [{"level": g.key, **_group_json(g)} for g in stats.levels],
        "traps": traps,
        "forecast": [{"date": f.day.isoformat(), "due": f.due} for f in stats.forecast],
        "activity": {
            "days": [{"date": d.day.isoformat(), "reviews": d.reviews, "again": d.again} for d in a.days],
            "total": a.total,
            "active_days": a.active_days,
            "last_7": a.last_7,
            "previous_7": a.previous_7,
        },
        "numbers_quiz": (
            {
                "days": stats.numbers.days,
                "answers": stats.numbers.answers,
                "correct": stats.numbers.correct,
                "accuracy": _r(stats.numbers.accuracy),
            }
            if stats.numbers
            else None
        ),
        "coding": (
            {
                "exercises": stats.coding.exercises,
                "tried": stats.coding.tried,
                "passing": stats.coding.passing,
            }
            if stats.coding
            else None
        ),
    }
    if cards:
        doc["cards"] = [_card_json(c, traps=False) for c in stats.cards]
    return doc


# ---------------------------------------------------------------- CSV


# Characters a spreadsheet skips or folds before it decides that a cell is a formula: invisible
# format characters and spaces in front, and fullwidth look-alikes (＝ folds to = under NFKC).
_INVISIBLE = " \u00a0\u200b\u200c\u200d\u2060\ufeff\u180e\u3000"
_FORMULA = ("=", "+", "-", "@")


def csv_cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = strip_controls(str(value))
    first = unicodedata.normalize("NFKC", text.lstrip(_INVISIBLE)[:1])
    if text[:1] in ("\t", "\r") or first[:1] in _FORMULA:
        return "'" + text
    return text


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return csv_cell(value)


def _csv(columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> str:
    import csv  # here: the other formats import this module too (html, for SCHEMA_VERSION)

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row[k]) for k in columns])
    return buf.getvalue()


def topics_csv(stats: Stats) -> str:
    """One row per topic, weakest first (never-studied topics last, with empty weakness)."""
    return _csv(TOPIC_COLUMNS, _topics_json(stats))  # the JSON's `topics`, not the whole document


def cards_csv(stats: Stats) -> str:
    """One row per card of the selection, in bank order."""
    return _csv(CARD_COLUMNS, [_card_json(c, traps=False) for c in stats.cards])
