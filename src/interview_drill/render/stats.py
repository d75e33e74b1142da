"""`idrill stats` and `idrill ready` on a terminal: totals, the activity strip, retention, topics
by weakness, levels with readiness, the forecast and traps; readiness bars and the week's plan.

The sentences it shares with the Markdown and HTML reports come from contents.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text

from interview_drill.domain.figures.stats import Stats
from interview_drill.render.contents import coding_text, numbers_quiz_text, retention_text, trend_text
from interview_drill.render.fmt import BLOCKS, block_level, num, pct, plural
from interview_drill.render.terminal import LEVEL_STYLE, FitGroup, FitTable, inline

if TYPE_CHECKING:
    from interview_drill.domain.figures.readiness import Assessment


def _heat(count: int, peak: int) -> Text:
    """One day of the activity strip: a block whose height and colour grow with the count."""
    if count == 0:
        return Text("·", style="dim")
    level = block_level(count, peak)
    return Text(
        BLOCKS[level], style=("green" if level < 3 else "bold green" if level < 6 else "bold bright_green")
    )


def render_stats(stats: Stats) -> FitGroup:
    """`idrill stats`: totals, activity, retention, topics by weakness, levels with readiness, forecast."""
    t = stats.totals
    parts: list[Any] = []
    head = Text()
    head.append(plural(t.cards, "card"), style="bold")
    head.append(f" · {t.seen} studied · {t.new} never studied · {t.suspended} suspended · ")
    head.append(f"{t.due_now} due now", style="bold yellow" if t.due_now else "")
    parts.append(head)
    streak = Text(f"{plural(t.reviews_today, 'review')} today · ")
    streak.append(f"streak {plural(t.streak, 'day')}", style="bold green" if t.streak else "")
    streak.append(f" (longest {t.longest_streak}) · {plural(t.reviews, 'review')} in all")
    parts.append(streak)
    parts.append(Text(f"true retention: {retention_text(stats)}"))
    quiz = numbers_quiz_text(stats)
    if quiz:
        parts.append(Text(quiz))
    if coding := coding_text(stats.coding):
        parts.append(Text(coding))

    days = stats.activity.days
    peak = max((d.reviews for d in days), default=0)
    parts.append(Text(""))
    parts.append(Text(f"Activity, last {plural(len(days), 'day')} (max {peak}/day)", style="bold"))
    if days:
        strip = Text(f"{days[0].day:%m-%d} ", style="dim")
        for d in days:
            strip.append_text(_heat(d.reviews, peak))
        strip.append(f" {days[-1].day:%m-%d}", style="dim")
        parts.append(strip)
    parts.append(Text(trend_text(stats), style="dim"))

    parts.append(Text(""))
    if not stats.studied:
        parts.append(Text("Nothing studied yet: run `idrill` to start today's drill.", style="bold"))
    weak = stats.weak_topics
    if weak:
        table = FitTable(
            title="Topics, weakest first", title_justify="left", title_style="bold", box=None, pad_edge=False
        )
        table.add_column("#", justify="right", style="dim")
        table.add_column("topic", style="bold", no_wrap=True, max_width=18, overflow="ellipsis")
        for name in ("seen", "recall", "stab.", "Again", "lapses", "due", "weak"):
            table.add_column(name, justify="right", no_wrap=True)
        table.add_column("why", no_wrap=True)
        for i, g in enumerate(weak, 1):
            w = g.weakness
            table.add_row(
                str(i), Text(g.key), f"{g.seen}/{g.cards}", pct(g.mean_recall), f"{num(g.mean_stability, 1)}d",
                pct(g.again_rate), str(g.lapses), str(g.due_now), num(w.score if w else None),
                Text(w.label if w else "", style="red" if w and w.score >= 0.3 else ""),
            )  # fmt: skip
        parts.append(table)
    gaps = [Text.assemble((g.key, "bold"), f" ({g.cards})") for g in stats.gap_topics]
    if gaps:  # the list wraps under itself, not back at column 0
        parts.append(
            _hanging(
                (Text("Never studied (coverage gaps, not weaknesses):"), Text(", ").join(gaps)), indent=0
            )
        )
    if stats.gap_levels:
        parts.append(Text("Levels never studied: " + ", ".join(g.key for g in stats.gap_levels)))

    if stats.levels:
        table = FitTable(
            title="Seniority levels", title_justify="left", title_style="bold", box=None, pad_edge=False
        )
        table.add_column("level")
        for name in ("cards", "studied", "coverage", "readiness", "recall", "Again", "lapses", "due"):
            table.add_column(name, justify="right")
        for g in stats.levels:
            table.add_row(
                Text(g.key, style=LEVEL_STYLE.get(g.key, "")), str(g.cards), str(g.seen), pct(g.coverage),
                Text(pct(g.readiness), style="bold"), pct(g.mean_recall), pct(g.again_rate), str(g.lapses),
                str(g.due_now),
            )  # fmt: skip
        parts.append(Text(""))
        parts.append(table)
        parts.append(
            Text("readiness: mean recall now over all the level's cards, unseen counting 0", style="dim")
        )

    forecast = Text("\nDue next 7 days: ", style="bold")
    forecast.append("  ".join(f"{f.day:%a} {f.due}" for f in stats.forecast), style="")
    parts.append(forecast)

    if stats.traps:
        parts.append(Text("\nTraps you keep falling for", style="bold"))
        rows = [(Text(f"{tr.count}×", style="bold red"), Text.assemble((tr.card.id, "bold"), ": ", inline(tr.text)))
                for tr in stats.traps[:5]]  # fmt: skip
        parts.append(_hanging(*rows, indent=1))
    return FitGroup(*parts)


def _bar(value: float, width: int = 24) -> Text:
    filled = round(max(0.0, min(1.0, value)) * width)
    style = "green" if value >= 0.8 else ("yellow" if value >= 0.6 else "red")
    return Text("█" * filled + "░" * (width - filled), style=style)


def _hanging(*rows: tuple[Any, ...], indent: int = 2) -> Table:
    """Rows indented by `indent` whose last cell wraps under itself, not back at column 0."""
    grid = FitTable.grid(padding=(0, 1, 0, 0))
    if indent:
        grid.add_column(width=indent - 1)  # + its 1 padding = `indent` columns
    cells = len(rows[0]) if rows else 1
    for i in range(cells):
        last = i == cells - 1
        grid.add_column(no_wrap=not last, ratio=1 if last else None)
    for row in rows:
        grid.add_row(*([""] if indent else []), *row)
    return grid


def render_readiness(a: Assessment) -> FitGroup:
    """One screen that ends with the verdict: what holds readiness back, this week's plan, then the
    readiness per level up to the target and the verdict, so they are what stays in view."""
    verdict_style = {"ready": "bold green", "almost": "bold yellow"}.get(a.verdict, "bold red")
    parts: list[Any] = []
    weak = [t for t in a.weak_topics if t.weakness is not None]  # weak topics are studied ones
    if weak:
        parts.append(Text("Weakest studied topics", style="bold"))
        parts.append(_hanging(*[(Text(t.key), Text(f"weakness {num(t.weakness.score)} — {t.weakness.label}")) for t in weak if t.weakness]))  # fmt: skip
    if a.gaps:
        # "coverage gaps" means never-started topics and levels (stats, report); these are cards
        parts.append(Text("Cards not studied yet, per topic", style="bold"))
        parts.append(_hanging((Text(", ".join(f"{topic} ({n})" for topic, n in a.gaps)),)))
    if a.weak_cards:
        parts.append(Text("Cards you are closest to forgetting", style="bold"))
        parts.append(_hanging(*[(Text(f"{pct(recall):>4}"), Text(card.id, style="bold"), inline(card.question, "dim")) for card, recall in a.weak_cards]))  # fmt: skip
    parts.append(Text(""))
    parts.append(Text("This week", style="bold"))
    for command, why in a.plan:  # the comment on its own line, so the command copies cleanly
        parts.append(_hanging((Text("#", style="dim"), Text(why, style="dim"))))
        parts.append(Text("  " + command, style="bold cyan", no_wrap=True, overflow="ignore"))
    grid = Table.grid(padding=(0, 2, 0, 0))
    for level, value in a.readiness.items():
        grid.add_row(Text(level, style=LEVEL_STYLE.get(level, "")), _bar(value), Text(pct(value)))
    parts += [Text(""), Text("readiness (mean recall now; unseen cards count 0):", style="dim"), grid]
    parts.append(Text.assemble(("Ready for a ", "bold"), (a.target, LEVEL_STYLE.get(a.target, "bold")),
                               (" interview? ", "bold"), (a.verdict.upper(), verdict_style)))  # fmt: skip
    return FitGroup(*parts)
