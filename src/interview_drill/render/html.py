"""The weak-topic report as one self-contained HTML page: inline CSS and SVG charts, no script,
no external resource, well-formed enough for an XML parser.

The style sheet is report.css beside this module (inlined into every page), so restyling the
report means editing CSS only; the charts are drawn here from the figures. The page is built in
Python rather than from a Jinja2 template: most of it is chart geometry and escaped cells, which a
template would take pre-rendered anyway, and the engine would add two dependencies (Jinja2,
MarkupSafe) for one output of one command. Every piece of text reaches the page through `esc`
(`markup.escape_html`) or, for card text with markup, `markup.to_html`; the only raw strings are
our own tags.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from importlib import resources

from interview_drill.domain.figures.stats import WEAKNESS_FORMULA, GroupStats, Stats
from interview_drill.render import contents
from interview_drill.render.data import SCHEMA_VERSION
from interview_drill.render.fmt import NONE, num, pct, plural
from interview_drill.render.markup import escape_html as esc
from interview_drill.render.markup import to_html as rich_text


def css() -> str:
    """The report's style sheet (report.css, shipped in the package)."""
    return resources.files("interview_drill.render").joinpath("report.css").read_text(encoding="utf-8")


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool] = ()) -> str:
    """A table from already-escaped cells; `numeric` columns are right-aligned."""
    numeric = list(numeric) + [False] * (len(head) - len(numeric))
    cls = [' class="n"' if n else "" for n in numeric]
    out = ["<table><thead><tr>"]
    out += [f"<th{c}>{h}</th>" for h, c in zip(head, cls, strict=True)]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td{c}>{v}</td>" for v, c in zip(row, cls, strict=True)) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


# ---------------------------------------------------------------- charts


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
        tip = f"{d.day.isoformat()}: {plural(d.reviews, 'review')}, {d.again} Again"
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
    return _svg(w, h, f"Reviews per day, last {plural(len(days), 'day')}", body)


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
        body.append(f'<text x="{x:.1f}" y="{h - 8}" text-anchor="middle">{pct(frac)}</text>')
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


# ---------------------------------------------------------------- the page


def _topic_name(g: GroupStats) -> str:
    title = f' <span class="note">{esc(g.title)}</span>' if g.title and g.title != g.key else ""
    return f"<b>{esc(g.key)}</b>{title}"


def report(stats: Stats) -> str:
    """The weak-topic report, section by section (see contents.SECTIONS)."""
    t = stats.totals
    tiles = [
        ("cards", t.cards),
        ("studied", t.seen),
        ("never studied", t.new),
        ("suspended", t.suspended),
        ("due now", t.due_now),
        ("reviews today", t.reviews_today),
        (f"day streak (longest {t.longest_streak})", t.streak),
    ]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8" />',
        '<meta name="viewport" content="width=device-width, initial-scale=1" />',
        f"<title>{esc(contents.TITLE)} — {stats.today.isoformat()}</title>",
        f"<style>\n{css()}</style></head><body>",
        f"<header><h1>{esc(contents.TITLE)}</h1>",
        f'<p class="meta">Generated {stats.generated_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC · study day '
        f"{stats.today.isoformat()} · filters: {esc(contents.filters_text(stats.filters))}</p>",
        '<div class="tiles">'
        + "".join(f'<div class="tile"><b>{v}</b>{esc(k)}</div>' for k, v in tiles)
        + "</div>",
        "</header>",
    ]
    for section in (_weak_topics, _review_tonight, _coverage_gaps, _traps, _levels, _activity):
        parts += section(stats)
    parts.append(
        f"<footer>interview-drill · {esc(WEAKNESS_FORMULA)} · report schema v{SCHEMA_VERSION}</footer>"
    )
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _weak_topics(stats: Stats) -> list[str]:
    parts = ['<section id="weak-topics"><h2>Weak topics</h2>']
    if not stats.weak_topics:
        parts.append(
            "<p><em>Nothing studied yet.</em> Run <code>idrill</code> to start today's drill; until then every "
            "topic is a coverage gap (below), not a weakness.</p>"
        )
    else:
        parts.append(f'<p class="note">Studied topics, weakest first: <code>{esc(WEAKNESS_FORMULA)}</code> over '
                     "each topic's studied cards.</p>")  # fmt: skip
        rows = [
            contents.weak_topic_row(
                i,
                g,
                _topic_name(g),
                f'<span class="why">{esc(g.weakness.label if g.weakness else NONE)}</span>',
            )
            for i, g in enumerate(stats.weak_topics, 1)
        ]
        parts.append(
            _table(
                contents.WEAK_TOPIC_HEAD, rows, [True, False, True, False, True, True, True, True, True, True]
            )
        )
    parts.append(_figure(recall_svg(stats), "Mean probability of recall now per studied topic."))
    return parts + ["</section>"]


def _review_tonight(stats: Stats) -> list[str]:
    parts = ['<section id="review-tonight"><h2>Review tonight</h2>']
    if not stats.weak_topics:
        parts.append("<p><em>Nothing to review yet.</em></p>")
    for i, g in enumerate(stats.weak_topics[: contents.WEAK_TOPICS_DETAILED], 1):
        why = g.weakness.label if g.weakness else ""
        parts.append(f'<h3>{i}. {esc(g.key)} <span class="note">({esc(why)})</span></h3><ul class="cards">')
        for c in stats.weakest_cards(g.key, contents.CARDS_PER_TOPIC):
            traps = "".join(f'<li class="trap">trap: {rich_text(tr)}</li>' for tr in c.card.traps)
            parts.append(
                f"<li><b>{esc(c.card.id)}</b> ({esc(c.card.seniority)}): {rich_text(c.card.question)}"
                f'<div class="figs">{esc(contents.card_figures_text(c))}</div>'
                + (f"<ul>{traps}</ul>" if traps else "")
                + "</li>"
            )
        parts.append("</ul>")
    return parts + ["</section>"]


def _coverage_gaps(stats: Stats) -> list[str]:
    parts = ['<section id="coverage-gaps"><h2>Coverage gaps</h2>']
    if not stats.gap_topics and not stats.gap_levels:
        parts.append("<p>Every topic and level has been started.</p>")
    else:
        parts.append('<p class="note">Never studied: gaps to open, not weaknesses.</p><ul>')
        parts += [f"<li>topic {_topic_name(g)}: {plural(g.cards, 'card')}</li>" for g in stats.gap_topics]
        parts += [f"<li>level <b>{esc(g.key)}</b>: {plural(g.cards, 'card')}</li>" for g in stats.gap_levels]
        parts.append("</ul>")
    return parts + ["</section>"]


def _traps(stats: Stats) -> list[str]:
    parts = ['<section id="traps"><h2>Traps you keep falling for</h2>']
    if not stats.traps:
        parts.append(
            "<p><em>No traps marked yet</em> (press <code>m</code> in a drill to mark the traps you fell for).</p>"
        )
    else:
        rows = [
            [str(tr.count), esc(tr.card.topic), f"<b>{esc(tr.card.id)}</b>", rich_text(tr.text)]
            for tr in stats.traps[: contents.TRAPS_SHOWN]
        ]
        parts.append(_table(["times", "topic", "card", "trap"], rows, [True]))
    return parts + ["</section>"]


def _levels(stats: Stats) -> list[str]:
    rows = [contents.level_row(g, f"<b>{esc(g.key)}</b>") for g in stats.levels]
    return [
        '<section id="levels"><h2>Seniority levels</h2>',
        '<p class="note">Readiness: mean recall now over all the level\'s cards, never-studied cards counting 0.</p>',
        _table(contents.LEVEL_HEAD, rows, [False] + [True] * 8),
        "</section>",
    ]


def _activity(stats: Stats) -> list[str]:
    a = stats.activity
    parts = [
        '<section id="activity"><h2>Activity</h2><ul>',
        f"<li>last {plural(stats.days, 'day')}: {plural(a.total, 'review')} on "
        f"{plural(a.active_days, 'day')}; {esc(contents.trend_text(stats))}</li>",
        f"<li>true retention (review-state cards not rated Again): {esc(contents.retention_text(stats))}</li>",
    ]
    quiz = contents.numbers_quiz_text(stats)
    if quiz:
        parts.append(f"<li>{esc(quiz)}</li>")
    if coding := contents.coding_text(stats.coding):
        parts.append(f"<li>{esc(coding)}</li>")
    parts.append("</ul>")
    parts.append(_figure(activity_svg(stats), "Reviews per day (blue), of which rated Again (red)."))
    parts.append(
        _figure(
            forecast_svg(stats), "Cards due on each of the next 7 days (the first includes overdue cards)."
        )
    )
    return parts + ["</section>"]
