"""Markdown documents: the weak-topic report and the mock interview's scorecard.

GitHub-flavoured Markdown with headings, tables and lists only, never raw HTML. Every piece of card
text goes through `markup.to_markdown`, which keeps the bank's markup and makes the rest inert.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from typing import Any

from interview_drill.domain.figures.stats import WEAKNESS_FORMULA, GroupStats, Stats
from interview_drill.domain.review import Rating
from interview_drill.render import contents
from interview_drill.render.fmt import NONE, mmss, plural, sparkline
from interview_drill.render.markup import to_markdown as md


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> list[str]:
    """A table from already-escaped cells; `align` has one letter a column, `r` for right."""
    aligns = [("---:" if a == "r" else "---") for a in (align or "l" * len(head)).ljust(len(head), "l")]
    out = ["| " + " | ".join(head) + " |", "| " + " | ".join(aligns) + " |"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def _topic_name(g: GroupStats) -> str:
    return f"**{g.key}**" + (f" — {md(g.title)}" if g.title and g.title != g.key else "")


def report(stats: Stats) -> str:
    """The weak-topic report, section by section (see contents.SECTIONS)."""
    t = stats.totals
    lines = [f"# {contents.TITLE}", ""]
    lines.append(
        f"Generated {stats.generated_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC · study day "
        f"{stats.today.isoformat()} · filters: {md(contents.filters_text(stats.filters))}"
    )
    lines.append("")
    lines.append(
        f"**{plural(t.cards, 'card')}** · {t.seen} studied · {t.new} never studied · "
        f"{t.suspended} suspended · {t.due_now} due now · {plural(t.reviews_today, 'review')} today · "
        f"streak {plural(t.streak, 'day')} (longest {t.longest_streak})"
    )
    lines.append("")
    lines += _weak_topics(stats) + _review_tonight(stats) + _coverage_gaps(stats) + _traps(stats)
    lines += _levels(stats) + _activity(stats)
    return "\n".join(lines)


def _weak_topics(stats: Stats) -> list[str]:
    lines = ["## Weak topics", ""]
    if not stats.weak_topics:
        return lines + [
            "_Nothing studied yet._ Run `idrill` to start today's drill; until then every topic is a "
            "coverage gap (below), not a weakness.",
            "",
        ]
    lines += [f"Studied topics, weakest first. `{WEAKNESS_FORMULA}` over each topic's studied cards.", ""]
    rows = [contents.weak_topic_row(i, g, _topic_name(g), g.weakness.label if g.weakness else NONE)
            for i, g in enumerate(stats.weak_topics, 1)]  # fmt: skip
    return lines + _table(contents.WEAK_TOPIC_HEAD, rows, "rlrlrrrrrr") + [""]


def _review_tonight(stats: Stats) -> list[str]:
    lines = ["## Review tonight", ""]
    if not stats.weak_topics:
        lines += ["_Nothing to review yet._", ""]
    for i, g in enumerate(stats.weak_topics[: contents.WEAK_TOPICS_DETAILED], 1):
        why = g.weakness.label if g.weakness else ""
        lines += [f"### {i}. {g.key} ({why})", ""]
        for c in stats.weakest_cards(g.key, contents.CARDS_PER_TOPIC):
            lines.append(f"- **{c.card.id}** ({c.card.seniority}): {md(c.card.question)}")
            lines.append(f"  - {contents.card_figures_text(c)}")
            lines += [f"  - trap: {md(trap)}" for trap in c.card.traps]
        lines.append("")
    return lines


def _coverage_gaps(stats: Stats) -> list[str]:
    lines = ["## Coverage gaps", ""]
    if not stats.gap_topics and not stats.gap_levels:
        return lines + ["Every topic and level has been started.", ""]
    lines += ["Never studied: gaps to open, not weaknesses.", ""]
    lines += [f"- topic {_topic_name(g)}: {plural(g.cards, 'card')}" for g in stats.gap_topics]
    lines += [f"- level **{g.key}**: {plural(g.cards, 'card')}" for g in stats.gap_levels]
    return lines + [""]


def _traps(stats: Stats) -> list[str]:
    lines = ["## Traps you keep falling for", ""]
    if not stats.traps:
        return lines + ["_No traps marked yet_ (press `m` in a drill to mark the traps you fell for).", ""]
    rows = [
        [str(tr.count), tr.card.topic, f"**{tr.card.id}**", md(tr.text)]
        for tr in stats.traps[: contents.TRAPS_SHOWN]
    ]
    return lines + _table(["times", "topic", "card", "trap"], rows, "r") + [""]


def _levels(stats: Stats) -> list[str]:
    lines = ["## Seniority levels", ""]
    lines += ["Readiness: mean recall now over all the level's cards, never-studied cards counting 0.", ""]
    rows = [contents.level_row(g, f"**{g.key}**") for g in stats.levels]
    return lines + _table(contents.LEVEL_HEAD, rows, "lrrrrrrrr") + [""]


def _activity(stats: Stats) -> list[str]:
    a = stats.activity
    lines = ["## Activity", ""]
    lines.append(
        f"- last {plural(stats.days, 'day')}: {plural(a.total, 'review')} on {plural(a.active_days, 'day')}; "
        f"{contents.trend_text(stats)}"
    )
    lines.append(f"- true retention (review-state cards not rated Again): {contents.retention_text(stats)}")
    quiz = contents.numbers_quiz_text(stats)
    if quiz:
        lines.append(f"- {quiz}")
    if coding := contents.coding_text(stats.coding):
        lines.append(f"- {coding}")
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
    lines += _table(
        [f"{f.day:%a %m-%d}" for f in stats.forecast], [[str(f.due) for f in stats.forecast]], "r" * 7
    )
    lines.append("")
    return lines


SCORECARD_TITLE = "Mock interview scorecard"


def earlier_scorecard(head: bytes) -> bool:
    """Whether a file's first bytes are an earlier scorecard of ours."""
    return head.startswith(f"# {SCORECARD_TITLE}".encode())


def scorecard(result: Any, *, title: str = SCORECARD_TITLE) -> str:
    """A finished mock interview (app.loops' MockResult): one row a question, then the questions."""
    lines = [f"# {title}", ""]
    if result.started:
        lines += [f"{result.started:%Y-%m-%d %H:%M} UTC · {plural(len(result.answers), 'question')} · "
                  f"{result.budget / 60:g} min per question", ""]  # fmt: skip
    lines += ["| # | card | topic | level | grade | time | traps hit |", "|---|---|---|---|---|---|---|"]
    for i, a in enumerate(result.answers, 1):
        card = a.item.card
        grade = a.rating.label if a.rating else "not graded"
        over = " ⏰" if a.over_budget else ""
        traps = "; ".join(md(card.traps[t]) for t in a.traps_hit if t < len(card.traps)) or NONE
        lines.append(
            f"| {i} | `{card.id}` | {card.topic} | {card.seniority} | {grade} | {mmss(a.seconds)}{over} | {traps} |"
        )
    graded = [a for a in result.answers if a.rating]
    if graded:
        good = sum(1 for a in graded if a.rating >= Rating.GOOD)
        lines += ["", f"**{good}/{len(graded)}** answered well (Good or Easy)."]
    lines += ["", "## Questions", ""]
    for i, a in enumerate(result.answers, 1):
        lines.append(f"{i}. {md(a.item.card.question)}")
        if a.follow_up:
            lines.append(f"   - follow-up: {md(a.follow_up)}")
        if a.answer:
            lines.append(f"   - your answer: {md(a.answer)}")
    return "\n".join(lines) + "\n"
