"""The weak-topic report as Markdown, self-contained HTML, versioned JSON or CSV, from `stats.Stats`.

No Rich here (the terminal view is `ui.render_stats`). Every piece of card text goes through one
escaping function per format: `html.escape`, `textsafe.csv_cell`, `textsafe.markdown_inline`.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Sequence
from datetime import UTC
from importlib import resources
from pathlib import Path
from typing import Any

from interview_drill.domain.figures.stats import WEAKNESS_FORMULA, CardStats, GroupStats, Stats
from interview_drill.domain.textsafe import csv_cell, markdown_inline, strip_controls
from interview_drill.errors import UsageError
from interview_drill.files import write_text

SCHEMA_VERSION = 1
FORMATS = ("md", "html", "json", "csv")
SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".json": "json", ".csv": "csv"}
WEAK_TOPICS_DETAILED = 5  # topics that get a "review tonight" list
CARDS_PER_TOPIC = 3
TRAPS_SHOWN = 20  # in md and html; json and csv users can slice for themselves
TITLE = "Interview-drill report"
SECTIONS = (
    ("weak-topics", "Weak topics"),
    ("review-tonight", "Review tonight"),
    ("coverage-gaps", "Coverage gaps"),
    ("traps", "Traps you keep falling for"),
    ("levels", "Seniority levels"),
    ("activity", "Activity"),
)


def schema() -> dict[str, Any]:
    """The JSON Schema of `render(stats, "json")` (shipped as report.schema.json)."""
    text = resources.files("interview_drill").joinpath("report.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def render(stats: Stats, fmt: str, *, cards: bool = False) -> str:
    """The report in one format; `cards` adds per-card rows (csv: instead of per-topic; json: `cards`)."""
    if fmt == "md":
        return to_markdown(stats)
    if fmt == "html":
        return to_html(stats)
    if fmt == "json":
        return json.dumps(to_json(stats, cards=cards), indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return cards_csv(stats) if cards else topics_csv(stats)
    raise UsageError(f"unknown report format `{fmt}`; choose one of: {', '.join(FORMATS)}")


def write_atomic(path: Path, text: str) -> None:
    """Write the whole report or nothing (see files.atomic_write)."""
    write_text(path, text, what="report")


# ---------------------------------------------------------------- small formatting helpers


WEAK_TOPIC_HEAD = (
    "#",
    "topic",
    "weakness",
    "why",
    "recall",
    "Again rate",
    "lapses",
    "studied",
    "stability (d)",
    "due",
)


LEVEL_HEAD = ("level", "cards", "studied", "coverage", "readiness", "recall", "Again rate", "lapses", "due")


def _level_row(g, name: str) -> list[str]:
    """One row of the seniority-levels table; `name` comes already formatted for md or html."""
    return [
        name, str(g.cards), str(g.seen), pct(g.coverage), pct(g.readiness), pct(g.mean_recall),
        pct(g.again_rate), str(g.lapses), str(g.due_now),
    ]  # fmt: skip


def _weak_topic_row(i: int, g, name: str, why: str) -> list[str]:
    """One row of the weak-topics table; `name` and `why` come already formatted for md or html."""
    return [
        str(i), name, num(g.weakness.score if g.weakness else None), why, pct(g.mean_recall), pct(g.again_rate),
        str(g.lapses), f"{g.seen}/{g.cards}", num(g.mean_stability, 1), str(g.due_now),
    ]  # fmt: skip


def pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.0f}%"


def num(x: float | None, digits: int = 2) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def _r(x: float | None, digits: int = 4) -> float | None:
    return None if x is None else round(x, digits)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _filters_text(filters: dict[str, Any]) -> str:
    parts = []
    for key, value in filters.items():
        if value:
            shown = ",".join(value) if isinstance(value, (list, tuple)) else str(value)
            parts.append(f"{key}={strip_controls(shown)}")
    return " ".join(parts) or "none (every card)"


def trend_text(stats: Stats) -> str:
    a = stats.activity
    prev = a.previous_7
    if prev is None:
        return f"last 7 days: {_plural(a.last_7, 'review')}"
    arrow = "↑" if a.last_7 > prev else ("↓" if a.last_7 < prev else "→")
    return f"last 7 days: {_plural(a.last_7, 'review')} vs {prev} the 7 days before ({arrow})"


def retention_text(stats: Stats) -> str:
    return ", ".join(f"{r.days} days {pct(r.rate)} ({_plural(r.reviews, 'review')})" for r in stats.retention)


def sparkline(values: Sequence[int]) -> str:
    blocks = "▁▂▃▄▅▆▇█"
    top = max(values, default=0)
    if top == 0:
        return "·" * len(values)
    return "".join("·" if v == 0 else blocks[min(7, (v * 8 - 1) // top)] for v in values)


def _card_line_figures(c: CardStats) -> str:
    return (
        f"recall {pct(c.recall)}, Again {c.again}/{c.reviews}, "
        f"{_plural(c.lapses, 'lapse')}, stability {num(c.stability, 1)} d"
    )


# ---------------------------------------------------------------- JSON


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
    m = c.row.memory
    out: dict[str, Any] = {
        "id": c.card.id,
        "topic": c.card.topic,
        "level": c.card.seniority,
        "kind": c.card.kind,
        "question": c.card.question,
        "studied": c.studied,
        "state": c.row.phase.label,
        "suspended": c.row.suspended,
        "recall": _r(c.recall),
        "stability_days": _r(c.stability, 2),
        "due": m.due.astimezone(UTC).isoformat() if m else None,
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


def to_json(stats: Stats, *, cards: bool = False) -> dict[str, Any]:
    """The report as plain data, schema version 1 (see report.schema.json)."""
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
        "topics": [
            {"topic": g.key, "title": g.title, "rank": i if g.weakness else None, **_group_json(g)}
            for i, g in enumerate(stats.topics, 1)
        ],
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
        "traps": [
            {
                "topic": tr.card.topic,
                "card": tr.card.id,
                "question": tr.card.question,
                "trap_index": tr.index,
                "trap": tr.text,
                "count": tr.count,
            }
            for tr in stats.traps
        ],
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
    }
    if cards:
        doc["cards"] = [_card_json(c, traps=False) for c in stats.cards]
    return doc


# ---------------------------------------------------------------- CSV

TOPIC_COLUMNS = (
    "rank", "topic", "title", "cards", "seen", "new", "coverage", "suspended", "mean_stability_days",
    "mean_recall", "reviews", "again", "again_rate", "lapses", "due_now", "weakness", "reason", "readiness",
)  # fmt: skip
CARD_COLUMNS = (
    "id", "topic", "level", "kind", "question", "studied", "state", "suspended", "recall",
    "stability_days", "due", "due_now", "reviews", "again", "again_rate", "lapses", "weakness", "reason",
)  # fmt: skip


def _csv(columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row[k]) for k in columns])
    return buf.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return csv_cell(value)


def topics_csv(stats: Stats) -> str:
    """One row per topic, weakest first (never-studied topics last, with empty weakness)."""
    data = to_json(stats)["topics"]
    return _csv(TOPIC_COLUMNS, data)


def cards_csv(stats: Stats) -> str:
    """One row per card of the selection, in bank order."""
    return _csv(CARD_COLUMNS, [_card_json(c, traps=False) for c in stats.cards])


# ---------------------------------------------------------------- Markdown

_MD_LINK = re.compile(r"(?<!\\)([\[\]])")


def md(text: str) -> str:
    """Card text inert in Markdown: no HTML, no table breaks, no links or images."""
    return _MD_LINK.sub(r"\\\1", markdown_inline(text))


def _md_table(head: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> list[str]:
    aligns = [("---:" if a == "r" else "---") for a in (align or "l" * len(head)).ljust(len(head), "l")]
    out = ["| " + " | ".join(head) + " |", "| " + " | ".join(aligns) + " |"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def _topic_name_md(g: GroupStats) -> str:
    return f"**{g.key}**" + (f" — {md(g.title)}" if g.title and g.title != g.key else "")


def to_markdown(stats: Stats) -> str:
    """GitHub-flavoured Markdown: headings, tables and lists only (no raw HTML)."""
    t = stats.totals
    lines = [f"# {TITLE}", ""]
    lines.append(
        f"Generated {stats.generated_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC · study day "
        f"{stats.today.isoformat()} · filters: {md(_filters_text(stats.filters))}"
    )
    lines.append("")
    lines.append(
        f"**{_plural(t.cards, 'card')}** · {t.seen} studied · {t.new} never studied · "
        f"{t.suspended} suspended · {t.due_now} due now · {_plural(t.reviews_today, 'review')} today · "
        f"streak {_plural(t.streak, 'day')} (longest {t.longest_streak})"
    )
    lines.append("")

    lines += ["## Weak topics", ""]
    weak = stats.weak_topics
    if not weak:
        lines += [
            "_Nothing studied yet._ Run `idrill` to start today's drill; until then every topic is a "
            "coverage gap (below), not a weakness.",
            "",
        ]
    else:
        lines += [f"Studied topics, weakest first. `{WEAKNESS_FORMULA}` over each topic's studied cards.", ""]
        rows = [_weak_topic_row(i, g, _topic_name_md(g), g.weakness.label if g.weakness else "—")
                for i, g in enumerate(weak, 1)]  # fmt: skip
        head = list(WEAK_TOPIC_HEAD)
        lines += _md_table(head, rows, "rlrlrrrrrr")
        lines.append("")

    lines += ["## Review tonight", ""]
    if not weak:
        lines += ["_Nothing to review yet._", ""]
    for i, g in enumerate(weak[:WEAK_TOPICS_DETAILED], 1):
        why = g.weakness.label if g.weakness else ""
        lines += [f"### {i}. {g.key} ({why})", ""]
        for c in stats.weakest_cards(g.key, CARDS_PER_TOPIC):
            lines.append(f"- **{c.card.id}** ({c.card.seniority}): {md(c.card.question)}")
            lines.append(f"  - {_card_line_figures(c)}")
            for trap in c.card.traps:
                lines.append(f"  - trap: {md(trap)}")
        lines.append("")

    lines += ["## Coverage gaps", ""]
    gaps_t, gaps_l = stats.gap_topics, stats.gap_levels
    if not gaps_t and not gaps_l:
        lines += ["Every topic and level has been started.", ""]
    else:
        lines += ["Never studied: gaps to open, not weaknesses.", ""]
        for g in gaps_t:
            lines.append(f"- topic {_topic_name_md(g)}: {_plural(g.cards, 'card')}")
        for g in gaps_l:
            lines.append(f"- level **{g.key}**: {_plural(g.cards, 'card')}")
        lines.append("")

    lines += ["## Traps you keep falling for", ""]
    if not stats.traps:
        lines += ["_No traps marked yet_ (press `m` in a drill to mark the traps you fell for).", ""]
    else:
        rows = [
            [str(tr.count), tr.card.topic, f"**{tr.card.id}**", md(tr.text)]
            for tr in stats.traps[:TRAPS_SHOWN]
        ]
        lines += _md_table(["times", "topic", "card", "trap"], rows, "r")
        lines.append("")

    lines += ["## Seniority levels", ""]
    lines.append("Readiness: mean recall now over all the level's cards, never-studied cards counting 0.")
    lines.append("")
    rows = [_level_row(g, f"**{g.key}**") for g in stats.levels]
    lines += _md_table(list(LEVEL_HEAD), rows, "lrrrrrrrr")
    lines.append("")

    a = stats.activity
    lines += ["## Activity", ""]
    lines.append(
        f"- last {_plural(stats.days, 'day')}: {_plural(a.total, 'review')} on {_plural(a.active_days, 'day')}; "
        f"{trend_text(stats)}"
    )
    lines.append(f"- true retention (review-state cards not rated Again): {retention_text(stats)}")
    if stats.numbers:
        q = stats.numbers
        lines.append(
            f"- numbers quiz (last {q.days} days): {q.correct}/{q.answers} correct ({pct(q.accuracy)})"
        )
    lines.append("")
    if a.days:
        lines += [
            "```text",
            f"{a.days[0].day:%m-%d} {sparkline([d.reviews for d in a.days])} {a.days[-1].day:%m-%d}"
            f"  (max {max(d.reviews for d in a.days)}/day)",
            "```",
            "",
        ]
    lines += ["Due on each of the next 7 days:", ""]
    lines += _md_table(
        [f"{f.day:%a %m-%d}" for f in stats.forecast], [[str(f.due) for f in stats.forecast]], "r" * 7
    )
    lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------- HTML

_CSS = """
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --bar: #2f6fde; --again: #d1242f;
  --ok: #1a7f37; --warn: #9a6700; --bg-soft: #f6f8fa; }
* { box-sizing: border-box; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  color: var(--ink); margin: 0 auto; max-width: 1080px; padding: 24px 32px; background: #fff; }
h1 { font-size: 1.8em; margin: 0 0 4px; }
h2 { font-size: 1.35em; border-bottom: 1px solid var(--line); padding-bottom: 4px; margin-top: 32px; }
h3 { font-size: 1.05em; margin: 18px 0 6px; }
.meta, .note { color: var(--muted); }
.tiles { display: flex; flex-wrap: wrap; gap: 10px; margin: 16px 0; }
.tile { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 120px; background: var(--bg-soft); }
.tile b { display: block; font-size: 1.5em; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 12px; font-size: 0.93em; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg-soft); }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
code { background: var(--bg-soft); padding: 0 3px; border-radius: 3px; font-size: 0.92em; }
ul.cards { padding-left: 20px; }
ul.cards > li { margin-bottom: 10px; }
ul.cards ul { margin: 2px 0 0; padding-left: 18px; }
.figs { color: var(--muted); font-size: 0.9em; }
.trap { color: var(--again); }
.why { font-weight: 600; }
figure { margin: 10px 0 16px; }
figcaption { color: var(--muted); font-size: 0.9em; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font: 11px system-ui, sans-serif; fill: #1f2328; }
footer { margin-top: 36px; color: var(--muted); font-size: 0.85em; border-top: 1px solid var(--line); padding-top: 8px; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  h2 { break-after: avoid; }
  table, figure, li, .tile { break-inside: avoid; }
}
"""


def esc(text: object) -> str:
    return html.escape(strip_controls(str(text)), quote=True)


_HTML_INLINE = re.compile(r"(`[^`]+`|\*\*[^*]+\*\*)")


def rich_text(text: str) -> str:
    """Card text as HTML: escaped, with the bank's `code` and **bold** shown as such."""
    out = []
    for part in _HTML_INLINE.split(strip_controls(text)):
        if part.startswith("`") and part.endswith("`") and len(part) > 2:
            out.append(f"<code>{esc(part[1:-1])}</code>")
        elif part.startswith("**") and part.endswith("**") and len(part) > 4:
            out.append(f"<strong>{esc(part[2:-2])}</strong>")
        else:
            out.append(esc(part))
    return "".join(out)


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool] = ()) -> str:
    """A table from already-escaped cells."""
    numeric = list(numeric) + [False] * (len(head) - len(numeric))
    cls = [' class="n"' if n else "" for n in numeric]
    out = ["<table><thead><tr>"]
    out += [f"<th{c}>{h}</th>" for h, c in zip(head, cls, strict=True)]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td{c}>{v}</td>" for v, c in zip(row, cls, strict=True)) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _svg(width: int, height: int, label: str, body: list[str]) -> str:
    return (
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{esc(label)}"><title>{esc(label)}</title>' + "".join(body) + "</svg>"
    )


def activity_svg(stats: Stats) -> str:
    """Reviews per day (Again part in red) over the report's window."""
    days = stats.activity.days
    w, h, left, bottom, top = 760, 170, 40, 24, 14
    plot_w, plot_h = w - left - 10, h - bottom - top
    peak = max((d.reviews for d in days), default=0)
    scale = max(peak, 1)
    step = plot_w / max(len(days), 1)
    body = [
        f'<line x1="{left}" y1="{h - bottom}" x2="{w - 10}" y2="{h - bottom}" stroke="#8c959f" />',
        f'<line x1="{left}" y1="{top}" x2="{w - 10}" y2="{top}" stroke="#d1d9e0" stroke-dasharray="3 3" />',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end">{peak}</text>',
        f'<text x="{left - 6}" y="{h - bottom + 4}" text-anchor="end">0</text>',
    ]
    for i, d in enumerate(days):
        x = left + i * step + step * 0.15
        bw = max(step * 0.7, 1)
        bh = plot_h * d.reviews / scale
        ah = plot_h * d.again / scale
        tip = f"{d.day.isoformat()}: {_plural(d.reviews, 'review')}, {d.again} Again"
        body.append(
            f"<g><title>{esc(tip)}</title>"
            f'<rect x="{x:.1f}" y="{h - bottom - bh:.1f}" width="{bw:.1f}" height="{bh:.1f}" fill="#2f6fde" />'
            f'<rect x="{x:.1f}" y="{h - bottom - ah:.1f}" width="{bw:.1f}" height="{ah:.1f}" fill="#d1242f" /></g>'
        )
    for i in sorted({0, len(days) // 2, len(days) - 1}) if days else []:
        x = left + i * step + step / 2
        body.append(f'<text x="{x:.1f}" y="{h - 6}" text-anchor="middle">{days[i].day:%m-%d}</text>')
    if peak == 0:
        body.append(
            f'<text x="{left + plot_w / 2:.1f}" y="{top + plot_h / 2:.1f}" text-anchor="middle">'
            "no reviews in this window</text>"
        )
    return _svg(w, h, f"Reviews per day, last {_plural(len(days), 'day')}", body)


def recall_svg(stats: Stats) -> str:
    """Mean recall now per studied topic (weakest first), with each topic's weakness."""
    topics = stats.weak_topics
    label_w, bar_w, row_h = 200, 460, 22
    w = label_w + bar_w + 150
    h = max(1, len(topics)) * row_h + 30
    body = []
    for frac in (0.0, 0.5, 1.0):
        x = label_w + bar_w * frac
        body.append(f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{h - 22}" stroke="#d1d9e0" />')
        body.append(f'<text x="{x:.1f}" y="{h - 8}" text-anchor="middle">{frac * 100:.0f}%</text>')
    if not topics:
        body.append(
            f'<text x="{label_w + bar_w / 2:.1f}" y="18" text-anchor="middle">nothing studied yet</text>'
        )
    for i, g in enumerate(topics):
        y = 6 + i * row_h
        r = g.mean_recall or 0.0
        colour = "#1a7f37" if r >= 0.85 else ("#9a6700" if r >= 0.7 else "#d1242f")
        tip = (
            f"{g.key}: recall {pct(g.mean_recall)}, weakness {num(g.weakness.score if g.weakness else None)}"
        )
        body.append(
            f"<g><title>{esc(tip)}</title>"
            f'<text x="{label_w - 8}" y="{y + 13}" text-anchor="end">{esc(g.key)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{bar_w * r:.1f}" height="{row_h - 6}" fill="{colour}" />'
            f'<text x="{label_w + bar_w + 8}" y="{y + 13}">{pct(g.mean_recall)} · '
            f"{esc(g.weakness.label if g.weakness else '')}</text></g>"
        )
    return _svg(w, h, "Mean recall now per studied topic", body)


def forecast_svg(stats: Stats) -> str:
    """Cards due on each of the next 7 days."""
    days = stats.forecast
    w, h, bottom, top = 420, 150, 34, 16
    plot_h = h - bottom - top
    step = w / max(len(days), 1)
    scale = max((f.due for f in days), default=0) or 1
    body = [f'<line x1="0" y1="{h - bottom}" x2="{w}" y2="{h - bottom}" stroke="#8c959f" />']
    for i, f in enumerate(days):
        x = i * step + step * 0.2
        bh = plot_h * f.due / scale
        body.append(
            f"<g><title>{esc(f'{f.day.isoformat()}: {f.due} due')}</title>"
            f'<rect x="{x:.1f}" y="{h - bottom - bh:.1f}" width="{step * 0.6:.1f}" height="{bh:.1f}" fill="#8250df" />'
            f'<text x="{x + step * 0.3:.1f}" y="{h - bottom - bh - 4:.1f}" text-anchor="middle">{f.due}</text>'
            f'<text x="{x + step * 0.3:.1f}" y="{h - bottom + 14}" text-anchor="middle">{f.day:%a}</text>'
            f'<text x="{x + step * 0.3:.1f}" y="{h - bottom + 27}" text-anchor="middle">{f.day:%m-%d}</text></g>'
        )
    return _svg(w, h, "Cards due on each of the next 7 days", body)


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption>{esc(caption)}</figcaption></figure>"


def _topic_name_html(g: GroupStats) -> str:
    title = f' <span class="note">{esc(g.title)}</span>' if g.title and g.title != g.key else ""
    return f"<b>{esc(g.key)}</b>{title}"


def to_html(stats: Stats) -> str:
    """One self-contained page: inline CSS and SVG charts; no script, no external resource."""
    t = stats.totals
    parts: list[str] = []
    add = parts.append
    add("<!DOCTYPE html>")
    add('<html lang="en"><head><meta charset="utf-8" />')
    add('<meta name="viewport" content="width=device-width, initial-scale=1" />')
    add(f"<title>{esc(TITLE)} — {stats.today.isoformat()}</title>")
    add(f"<style>{_CSS}</style></head><body>")
    add(f"<header><h1>{esc(TITLE)}</h1>")
    add(
        f'<p class="meta">Generated {stats.generated_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC · study day '
        f"{stats.today.isoformat()} · filters: {esc(_filters_text(stats.filters))}</p>"
    )
    tiles = [
        ("cards", t.cards),
        ("studied", t.seen),
        ("never studied", t.new),
        ("suspended", t.suspended),
        ("due now", t.due_now),
        ("reviews today", t.reviews_today),
        (f"day streak (longest {t.longest_streak})", t.streak),
    ]
    add(
        '<div class="tiles">'
        + "".join(f'<div class="tile"><b>{v}</b>{esc(k)}</div>' for k, v in tiles)
        + "</div>"
    )
    add("</header>")

    weak = stats.weak_topics
    add('<section id="weak-topics"><h2>Weak topics</h2>')
    if not weak:
        add(
            "<p><em>Nothing studied yet.</em> Run <code>idrill</code> to start today's drill; until then every "
            "topic is a coverage gap (below), not a weakness.</p>"
        )
    else:
        add(f'<p class="note">Studied topics, weakest first: <code>{esc(WEAKNESS_FORMULA)}</code> over each '
            "topic's studied cards.</p>")  # fmt: skip
        rows = [
            _weak_topic_row(
                i,
                g,
                _topic_name_html(g),
                f'<span class="why">{esc(g.weakness.label if g.weakness else "—")}</span>',
            )
            for i, g in enumerate(weak, 1)
        ]
        head = list(WEAK_TOPIC_HEAD)
        add(_table(head, rows, [True, False, True, False, True, True, True, True, True, True]))
    add(_figure(recall_svg(stats), "Mean probability of recall now per studied topic."))
    add("</section>")

    add('<section id="review-tonight"><h2>Review tonight</h2>')
    if not weak:
        add("<p><em>Nothing to review yet.</em></p>")
    for i, g in enumerate(weak[:WEAK_TOPICS_DETAILED], 1):
        why = g.weakness.label if g.weakness else ""
        add(f'<h3>{i}. {esc(g.key)} <span class="note">({esc(why)})</span></h3><ul class="cards">')
        for c in stats.weakest_cards(g.key, CARDS_PER_TOPIC):
            traps = "".join(f'<li class="trap">trap: {rich_text(tr)}</li>' for tr in c.card.traps)
            add(
                f"<li><b>{esc(c.card.id)}</b> ({esc(c.card.seniority)}): {rich_text(c.card.question)}"
                f'<div class="figs">{esc(_card_line_figures(c))}</div>'
                + (f"<ul>{traps}</ul>" if traps else "")
                + "</li>"
            )
        add("</ul>")
    add("</section>")

    add('<section id="coverage-gaps"><h2>Coverage gaps</h2>')
    if not stats.gap_topics and not stats.gap_levels:
        add("<p>Every topic and level has been started.</p>")
    else:
        add('<p class="note">Never studied: gaps to open, not weaknesses.</p><ul>')
        for g in stats.gap_topics:
            add(f"<li>topic {_topic_name_html(g)}: {_plural(g.cards, 'card')}</li>")
        for g in stats.gap_levels:
            add(f"<li>level <b>{esc(g.key)}</b>: {_plural(g.cards, 'card')}</li>")
        add("</ul>")
    add("</section>")

    add('<section id="traps"><h2>Traps you keep falling for</h2>')
    if not stats.traps:
        add(
            "<p><em>No traps marked yet</em> (press <code>m</code> in a drill to mark the traps you fell for).</p>"
        )
    else:
        rows = [
            [str(tr.count), esc(tr.card.topic), f"<b>{esc(tr.card.id)}</b>", rich_text(tr.text)]
            for tr in stats.traps[:TRAPS_SHOWN]
        ]
        add(_table(["times", "topic", "card", "trap"], rows, [True]))
    add("</section>")

    add('<section id="levels"><h2>Seniority levels</h2>')
    add(
        '<p class="note">Readiness: mean recall now over all the level\'s cards, never-studied cards counting 0.</p>'
    )
    rows = [_level_row(g, f"<b>{esc(g.key)}</b>") for g in stats.levels]
    add(_table(list(LEVEL_HEAD), rows, [False] + [True] * 8))
    add("</section>")

    a = stats.activity
    add('<section id="activity"><h2>Activity</h2><ul>')
    add(
        f"<li>last {_plural(stats.days, 'day')}: {_plural(a.total, 'review')} on "
        f"{_plural(a.active_days, 'day')}; {esc(trend_text(stats))}</li>"
    )
    add(f"<li>true retention (review-state cards not rated Again): {esc(retention_text(stats))}</li>")
    if stats.numbers:
        q = stats.numbers
        add(
            f"<li>numbers quiz (last {q.days} days): {q.correct}/{q.answers} correct ({pct(q.accuracy)})</li>"
        )
    add("</ul>")
    add(_figure(activity_svg(stats), "Reviews per day (blue), of which rated Again (red)."))
    add(
        _figure(
            forecast_svg(stats), "Cards due on each of the next 7 days (the first includes overdue cards)."
        )
    )
    add("</section>")
    add(f"<footer>interview-drill · {esc(WEAKNESS_FORMULA)} · report schema v{SCHEMA_VERSION}</footer>")
    add("</body></html>")
    return "\n".join(parts) + "\n"
