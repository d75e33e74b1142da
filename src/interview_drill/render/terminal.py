"""Everything that draws on the terminal. The only module that imports Rich."""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import IO

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from interview_drill.domain.cards import SENIORITIES, Card
from interview_drill.domain.textsafe import strip_controls

LEVEL_STYLE = {"screen": "green", "mid": "cyan", "senior": "magenta", "staff": "red"}
_INLINE = re.compile(r"(`[^`]+`|\*\*[^*]+\*\*)")


def make_console(*, no_color: bool = False, file: IO[str] | None = None, stderr: bool = False) -> Console:
    """The one place a Console is made, so colour, width and NO_COLOR are handled alike everywhere."""
    return Console(
        file=file,
        stderr=stderr,
        no_color=no_color or "NO_COLOR" in os.environ,
        highlight=False,
        emoji=False,
    )


def inline(text: str, base: str = "") -> Text:
    """Card text as Rich Text: `code` and **bold** styled, everything else literal (no markup)."""
    out = Text(style=base)
    for part in _INLINE.split(strip_controls(text)):
        if part.startswith("`") and part.endswith("`") and len(part) > 2:
            out.append(part[1:-1], style="bold cyan")
        elif part.startswith("**") and part.endswith("**") and len(part) > 4:
            out.append(part[2:-2], style="bold")
        else:
            out.append(part)
    return out


def bullets(items: Iterable[str | Text], marker: str = "•") -> Table:
    """A bulleted list whose wrapped lines hang under the text, not under the marker."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for item in items:
        grid.add_row(Text(f" {marker}"), inline(item) if isinstance(item, str) else item)
    return grid


class Countdown:
    """Rewrites one status line every second from a thread while a key is awaited.

    With a budget it counts down and rings the bell at zero; without one it shows the time spent.
    """

    def __init__(self, console: Console, seconds: float | None, *, already: float = 0.0):
        self.console, self.seconds, self.already = console, seconds, already
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Countdown:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.console.file.write("\r\x1b[2K")
        self.console.file.flush()

    def _line(self, spent: float) -> str:
        if self.seconds is None:
            return f"⏱  {int(spent) // 60}:{int(spent) % 60:02d}"
        left = self.seconds - spent
        if left > 0:
            return f"⏱  {int(left) // 60}:{int(left) % 60:02d} left  (enter when done)"
        return "⏰ time's up — wrap up  (enter when done)"

    def _run(self) -> None:
        start = time.monotonic() - self.already
        rang = False
        while True:
            spent = time.monotonic() - start
            if self.seconds is not None and spent >= self.seconds and not rang:
                self.console.file.write("\a")
                rang = True
            self.console.file.write(f"\r\x1b[2K{self._line(spent)}")
            self.console.file.flush()
            if self._stop.wait(timeout=1):
                return


def coverage_block(outline: Sequence[str], covered: Sequence[bool]) -> Table:
    """Outline bullets marked ✓ covered / ✗ missing by the typed answer."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for bullet, ok in zip(outline, covered, strict=True):
        grid.add_row(Text(" ✓", style="bold green") if ok else Text(" ✗", style="bold red"), inline(bullet))
    return grid


def card_meta(card: Card) -> Text:
    t = Text()
    t.append(card.topic, style="bold")
    t.append(" · ")
    t.append(card.seniority, style=LEVEL_STYLE.get(card.seniority, ""))
    t.append(f" · {card.kind} · {card.frequency}")
    return t


def numbers_block(card: Card) -> Table:
    return bullets(
        Text.assemble((strip_controls(n.figure), "bold yellow"), " — ", inline(n.about)) for n in card.numbers
    )


def follow_ups_block(card: Card) -> Table:
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for f in card.follow_ups:
        grid.add_row(Text(" ?", style="bold"), inline(f.question, "bold"))
        if f.answer:
            grid.add_row(Text("  →", style="dim"), inline(f.answer))
    return grid


def section(title: str, body: Group | Table | Text, style: str = "bold") -> Group:
    return Group(Text(title, style=style), body)


def render_card(card: Card, *, parts: Sequence[str] = ("outline", "numbers", "follow_ups", "traps")) -> Panel:
    """A whole card (or the revealed parts of it) as a panel."""
    body: list = [inline(card.question, "bold"), Text("")]
    if "outline" in parts:
        body.append(section("Answer outline", bullets(card.outline), "bold green"))
    if "numbers" in parts and card.numbers:
        body.append(section("Numbers to drop", numbers_block(card), "bold yellow"))
    if "follow_ups" in parts and card.follow_ups:
        body.append(section("Follow-ups", follow_ups_block(card), "bold blue"))
    if "traps" in parts and card.traps:
        body.append(section("Traps", bullets(card.traps, "!"), "bold red"))
    if "meta" in parts:
        extra = []
        if card.tags:
            extra.append(f"tags: {', '.join(card.tags)}")
        if card.related:
            extra.append(f"related: {', '.join(card.related)}")
        if card.source:
            extra.append(f"source: {strip_controls(card.source)}")
        if extra:
            body.append(Text("\n".join(extra), style="dim"))
    return Panel(Group(*body), title=Text(card.id), subtitle=card_meta(card), title_align="left")


def cards_table(cards: Sequence[Card], width: int = 100) -> Table:
    """One line per card; the question is cut with an ellipsis, and `kind` shows only when there is room."""
    wide = width >= 110
    table = Table(show_edge=False, pad_edge=False, expand=False)
    table.add_column("id", style="bold", no_wrap=True)
    table.add_column("topic", no_wrap=True)
    table.add_column("level", no_wrap=True)
    if wide:
        table.add_column("kind", no_wrap=True)
    table.add_column("question", ratio=1, no_wrap=True, overflow="ellipsis", min_width=20)
    for c in cards:
        level = Text(c.seniority, style=LEVEL_STYLE[c.seniority])
        cells = [c.id, c.topic, level, *([c.kind] if wide else []), inline(c.question)]
        table.add_row(*cells)
    return table


def topics_table(counts: dict[str, dict[str, int]], titles: dict[str, str]) -> Table:
    """Cards per topic × seniority."""
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("topic", style="bold")
    table.add_column("title")
    for level in SENIORITIES:
        table.add_column(level, justify="right", style=LEVEL_STYLE[level])
    table.add_column("total", justify="right", style="bold")
    totals = dict.fromkeys(SENIORITIES, 0)
    for topic, per_level in counts.items():
        for level in SENIORITIES:
            totals[level] += per_level.get(level, 0)
        table.add_row(
            topic,
            strip_controls(titles.get(topic, "")),
            *[str(per_level.get(level, 0) or "·") for level in SENIORITIES],
            str(sum(per_level.values())),
        )
    table.add_section()
    table.add_row("all", "", *[str(totals[level]) for level in SENIORITIES], str(sum(totals.values())))
    return table


def print_error_lines(console: Console, lines: Iterable[str]) -> None:
    for line in lines:
        console.print(Text(strip_controls(line), style="red"), soft_wrap=True)


# ------------------------------------------------------------------ the drill


PHASE_STYLE = {
    "new": "bold blue",
    "learning": "bold yellow",
    "review": "bold green",
    "relearning": "bold red",
}
RATING_STYLE = {1: "red", 2: "yellow", 3: "green", 4: "blue"}


class TerminalInteraction:
    """Draws a drill session with Rich and reads keys through `read_key`."""

    def __init__(
        self,
        console: Console,
        read_key: Callable[[], str],
        read_line: Callable[[str], str] | None = None,
        *,
        clear: bool = False,
    ):
        self.console = console
        self.read_key = read_key
        self.read_line = read_line or (lambda prompt: console.input(prompt))
        self.clear = clear

    def key(self) -> str:
        return self.read_key()

    def show_card(self, view) -> None:
        from interview_drill.domain.clock import human_delta

        item = view.item
        if self.clear:
            self.console.clear()
        head = Text()
        head.append(f"{view.position}/{view.total}  ", style="bold")
        head.append_text(card_meta(item.card))
        phase = item.phase.label
        head.append("  ")
        head.append(phase, style=PHASE_STYLE.get(phase, ""))
        if item.overdue.total_seconds() >= 3600:
            head.append(f" (overdue {human_delta(item.overdue)})", style="dim")
        if view.mode == "cram":
            head.append("  cram", style="magenta")
        self.console.print(head)
        for note in view.notes:
            self.console.print(Text(f"✎ {note}", style="bold magenta"))
        self.console.print(
            Panel(inline(item.card.question, "bold"), title=Text(item.card.id), title_align="left")
        )
        if view.mode == "mock" and view.revealed_at is None:
            hint = "answer aloud as in the interview, then press enter · w: type your answer · q: stop"
        elif view.mode == "mock":
            hint = "grading: rate 1-4 · m: traps you fell for · f: follow-ups · q: stop grading"
        else:
            hint = "space: reveal · n f t: numbers, follow-ups, traps · w: type answer · ?: keys"
        self.console.print(Text(hint, style="dim"))

    def show_part(self, view, part: str) -> None:
        card = view.item.card
        if part == "outline":
            title = "Answer outline"
            if view.revealed_at is not None:
                title += f"  (after {(view.revealed_at - view.started).total_seconds():.0f}s)"
            if view.coverage is not None:
                hit = sum(view.coverage)
                title += f"  — your answer covered {hit}/{len(view.coverage)}"
                self.console.print(section(title, coverage_block(card.outline, view.coverage), "bold green"))
            else:
                self.console.print(section(title, bullets(card.outline), "bold green"))
        elif part == "numbers":
            body = numbers_block(card) if card.numbers else Text("  (no numbers on this card)", style="dim")
            self.console.print(section("Numbers to drop", body, "bold yellow"))
        elif part == "follow_ups":
            body = follow_ups_block(card) if card.follow_ups else Text("  (no follow-ups)", style="dim")
            self.console.print(section("Follow-ups", body, "bold blue"))
        elif part == "traps":
            body = bullets(card.traps, "!") if card.traps else Text("  (no traps)", style="dim")
            self.console.print(section("Traps", body, "bold red"))

    def show_ratings(self, view, now) -> None:
        from interview_drill.domain.clock import human_delta
        from interview_drill.domain.review import Rating

        bar = Text()
        for rating in Rating:
            bar.append(f" {int(rating)} ", style=f"bold reverse {RATING_STYLE[int(rating)]}")
            bar.append(f" {rating.label}")
            if view.outcomes:
                bar.append(f" {human_delta(view.outcomes[rating].due - now)}", style="dim")
            bar.append("   ")
        self.console.print(bar)
        if view.mode == "mock":
            self.console.print(
                Text("rate 1-4 · m: traps you fell for · f: follow-ups · q: stop grading", style="dim")
            )
        else:
            self.console.print(
                Text("rate 1-4 · m: traps you fell for · u: undo previous · s: bury · q: quit", style="dim")
            )

    def notice(self, text: str) -> None:
        self.console.print(Text(strip_controls(text), style="italic magenta"))

    def timer(self, seconds: float | None, already: float = 0.0):
        """A live timer on a terminal: a countdown with a bell for a budget, else time spent. Nothing when piped."""
        if not self.console.is_terminal:
            return contextlib.nullcontext()
        return Countdown(self.console, seconds, already=already)

    def show_follow_up(self, view, question: str) -> None:
        self.console.print(Text("Interviewer, following up:", style="bold blue"))
        self.console.print(Panel(inline(question, "bold"), border_style="blue"))
        self.console.print(Text("answer it, then press enter", style="dim"))

    def show_mock_answer(self, view, seconds: float, budget: float, follow_up: str | None) -> None:
        minutes, secs = divmod(int(seconds), 60)
        style = "bold red" if seconds > budget else "bold green"
        self.console.print(
            Text(
                f"time used: {minutes}:{secs:02d} of {int(budget) // 60}:{int(budget) % 60:02d}", style=style
            )
        )
        if follow_up:
            self.console.print(Text.assemble(("follow-up asked: ", "dim"), inline(follow_up)))
        if view.answer:
            self.console.print(Text.assemble(("your answer: ", "bold"), inline(view.answer)))

    def read_answer(self, view) -> str:
        prompt = "Type your answer (one line; Enter when done)"
        if view.budget is not None:
            prompt += f" — {int(view.budget) // 60}:{int(view.budget) % 60:02d} per question"
        self.console.print(Text(prompt + ":", style="bold"))
        try:
            return self.read_line("> ")
        except EOFError:  # Ctrl-D: no answer
            self.console.print()
            return ""
        except KeyboardInterrupt:
            self.console.print()  # end the half-typed line before the summary
            raise

    def pick(self, view, items: list[str], chosen: list[int]) -> list[int]:
        """Digit keys toggle items, Enter confirms."""
        marked = set(chosen)
        redraw = True
        while True:
            if redraw:
                grid = Table.grid(padding=(0, 1, 0, 0))
                for i, item in enumerate(items, 1):
                    box = "[x]" if i - 1 in marked else "[ ]"
                    grid.add_row(
                        Text(f" {i}", style="bold"),
                        Text(box, style="red" if i - 1 in marked else "dim"),
                        inline(item),
                    )
                self.console.print(
                    Text("Traps you fell for — digits toggle, Enter confirms:", style="bold red")
                )
                self.console.print(grid)
            key = self.read_key()
            if key in ("\r", "\n", "", "q"):
                return sorted(marked)
            redraw = key.isdigit() and 1 <= int(key) <= len(items)
            if redraw:
                marked ^= {int(key) - 1}

    def show_help(self, keys) -> None:
        table = Table(show_header=False, box=None, pad_edge=False)
        for k, what in keys:
            table.add_row(Text(k, style="bold"), what)
        self.console.print(Panel(table, title="keys", title_align="left"))


def render_summary(result, *, due_tomorrow: int, streak: int) -> Group:
    """End of session: counts, time, per-topic results, tomorrow, streak."""
    from interview_drill.domain.review import Rating

    counts = result.counts
    n = len(result.rated)
    lines: list = []
    title = "Session interrupted" if result.interrupted else "Session done"
    lines.append(Text(f"{title}: {n} card{'s' if n != 1 else ''} rated", style="bold"))
    bar = Text("  ")
    for rating in Rating:
        bar.append(f"{rating.label} {counts.get(rating, 0)}", style=RATING_STYLE[int(rating)])
        bar.append("  ")
    lines.append(bar)
    minutes, seconds = divmod(int(result.seconds), 60)
    per_card = f", {result.seconds / n:.0f}s per card" if n else ""
    lines.append(Text(f"  time: {minutes}m {seconds:02d}s{per_card}"))
    if result.buried:
        lines.append(Text(f"  buried until tomorrow: {', '.join(result.buried)}", style="dim"))
    if result.new_stopped:
        lines.append(Text("  time budget reached: new cards held back for another day", style="dim"))
    if result.mode == "cram":
        lines.append(Text("  cram session: logged, schedules unchanged", style="magenta"))
    per_topic = result.per_topic()
    if per_topic:
        table = Table(show_edge=False, pad_edge=False, box=None)
        table.add_column("topic", style="bold")
        for rating in Rating:
            table.add_column(rating.label, justify="right", style=RATING_STYLE[int(rating)])
        for topic, c in sorted(per_topic.items()):
            table.add_row(topic, *[str(c.get(r, 0)) for r in Rating])
        lines.append(table)
    lines.append(Text(f"  due by the end of tomorrow: {due_tomorrow}"))
    lines.append(
        Text(f"  streak: {streak} day{'s' if streak != 1 else ''}", style="bold green" if streak else "")
    )
    return Group(*lines)


# ------------------------------------------------------------------ practice modes


def render_scorecard(result) -> Table | Text:
    if not result.answers:
        return Text("No question answered: nothing to grade.", style="dim")
    table = Table(title="Mock interview scorecard", show_edge=False, pad_edge=False)
    table.add_column("#", justify="right")
    table.add_column("card", style="bold", overflow="fold")
    table.add_column("level")
    table.add_column("grade")
    table.add_column("time", justify="right")
    table.add_column("traps hit", ratio=1)
    for i, a in enumerate(result.answers, 1):
        card = a.item.card
        minutes, seconds = divmod(int(a.seconds), 60)
        grade = (
            Text(a.rating.label, style=RATING_STYLE[int(a.rating)]) if a.rating else Text("—", style="dim")
        )
        time_text = Text(f"{minutes}:{seconds:02d}", style="red" if a.over_budget else "")
        traps = "; ".join(strip_controls(card.traps[t]) for t in a.traps_hit if t < len(card.traps)) or "—"
        table.add_row(str(i), card.id, card.seniority, grade, time_text, traps)
    return table


def numbers_prompt(console: Console, n: int, total: int, card: Card, about: str) -> None:
    console.print(Text(f"{n}/{total}  {card.topic} · {card.id}", style="dim"))
    console.print(Text.assemble(("What figure: ", "bold"), inline(about, "bold yellow")))


def numbers_verdict(console: Console, verdict: str, figure: str) -> None:
    style = {"correct": "bold green", "close": "bold yellow"}.get(verdict, "bold red")
    console.print(
        Text.assemble(
            (f"  {verdict}", style), ("  — the card says: ", "dim"), (strip_controls(figure), "bold")
        )
    )


def numbers_summary(console: Console, verdicts: list[str]) -> None:
    answered = [v for v in verdicts if v != "skipped"]
    right = sum(1 for v in answered if v == "correct")
    close = sum(1 for v in answered if v == "close")
    console.print(Text(f"Numbers quiz: {right}/{len(answered)} correct, {close} close", style="bold"))


def render_answers(card: Card, rows) -> Group:
    parts: list = [Text.assemble((card.id, "bold"), " — ", inline(card.question))]
    if not rows:
        parts.append(Text("No typed answers yet: press w in a drill or mock to type one.", style="dim"))
    for when, rating, kind, text in rows:
        parts.append(Text.assemble((f"{when:%Y-%m-%d %H:%M} UTC", "dim"), "  ",
                                   (rating.label, RATING_STYLE[int(rating)]), (f"  ({kind})", "dim")))  # fmt: skip
        parts.append(Panel(inline(text)))
    return Group(*parts)


# ------------------------------------------------------------------ progress (`idrill stats`)


def _heat(count: int, peak: int) -> Text:
    """One day of the activity strip: a block whose height and colour grow with the count."""
    if count == 0:
        return Text("·", style="dim")
    blocks = "▁▂▃▄▅▆▇█"
    level = min(7, (count * 8 - 1) // max(peak, 1))
    return Text(
        blocks[level], style=("green" if level < 3 else "bold green" if level < 6 else "bold bright_green")
    )


def render_stats(stats) -> Group:
    """`idrill stats`: totals, activity, retention, topics by weakness, levels with readiness, forecast."""
    from interview_drill.render.report import num, pct, retention_text, trend_text

    t = stats.totals
    parts: list = []
    head = Text()
    head.append(f"{t.cards} cards", style="bold")
    head.append(f" · {t.seen} studied · {t.new} never studied · {t.suspended} suspended · ")
    head.append(f"{t.due_now} due now", style="bold yellow" if t.due_now else "")
    parts.append(head)
    streak = Text(f"{t.reviews_today} review{'s' if t.reviews_today != 1 else ''} today · ")
    streak.append(
        f"streak {t.streak} day{'s' if t.streak != 1 else ''}", style="bold green" if t.streak else ""
    )
    streak.append(f" (longest {t.longest_streak}) · {t.reviews} reviews in all")
    parts.append(streak)
    parts.append(Text(f"true retention: {retention_text(stats)}"))
    if stats.numbers:
        q = stats.numbers
        parts.append(
            Text(f"numbers quiz (last {q.days} days): {q.correct}/{q.answers} correct ({pct(q.accuracy)})")
        )

    days = stats.activity.days
    peak = max((d.reviews for d in days), default=0)
    parts.append(Text(""))
    parts.append(Text(f"Activity, last {len(days)} days (max {peak}/day)", style="bold"))
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
        table = Table(
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
    if gaps:
        line = Text("Never studied (coverage gaps, not weaknesses): ", style="")
        line.append_text(Text(", ").join(gaps))
        parts.append(line)
    if stats.gap_levels:
        parts.append(Text("Levels never studied: " + ", ".join(g.key for g in stats.gap_levels)))

    if stats.levels:
        table = Table(
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
        for tr in stats.traps[:5]:
            parts.append(
                Text.assemble((f" {tr.count}× ", "bold red"), (tr.card.id, "bold"), ": ", inline(tr.text))
            )
    return Group(*parts)


def _bar(value: float, width: int = 24) -> Text:
    filled = round(max(0.0, min(1.0, value)) * width)
    style = "green" if value >= 0.8 else ("yellow" if value >= 0.6 else "red")
    return Text("█" * filled + "░" * (width - filled), style=style)


def render_readiness(a) -> Group:
    """One screen: readiness per level up to the target, what holds it back, this week's plan."""
    verdict_style = {"ready": "bold green", "almost": "bold yellow"}.get(a.verdict, "bold red")
    parts: list = [Text.assemble(("Ready for a ", "bold"), (a.target, LEVEL_STYLE.get(a.target, "bold")),
                                 (" interview? ", "bold"), (a.verdict.upper(), verdict_style))]  # fmt: skip
    grid = Table.grid(padding=(0, 2, 0, 0))
    for level, value in a.readiness.items():
        grid.add_row(Text(level, style=LEVEL_STYLE.get(level, "")), _bar(value), Text(f"{value:.0%}"))
    parts += [Text("readiness (mean recall now; unseen cards count 0):", style="dim"), grid, Text("")]
    if a.weak_topics:
        parts.append(Text("Weakest studied topics", style="bold"))
        for t in a.weak_topics:
            parts.append(Text(f"  {t.key:<14} weakness {t.weakness.score:.2f} — {t.weakness.label}"))
    if a.gaps:
        parts.append(Text("Never studied (coverage gaps)", style="bold"))
        parts.append(Text("  " + ", ".join(f"{topic} ({n})" for topic, n in a.gaps)))
    if a.weak_cards:
        parts.append(Text("Cards you are closest to forgetting", style="bold"))
        for card, recall in a.weak_cards:
            parts.append(
                Text.assemble(f"  {recall:4.0%}  ", (card.id, "bold"), "  ", inline(card.question, "dim"))
            )
    parts.append(Text(""))
    parts.append(Text("This week", style="bold"))
    for command, why in a.plan:  # the comment on its own line, so the command copies cleanly
        parts.append(Text("  # " + why, style="dim"))
        parts.append(Text("  " + command, style="bold cyan", no_wrap=True, overflow="ignore"))
    return Group(*parts)


# ------------------------------------------------------------------ tables and progress for commands


def metrics_table(rows: Sequence[tuple[str, float, float]]) -> Table:
    """(name, log-loss, RMSE) rows of `idrill optimize`."""
    table = Table(show_edge=False, pad_edge=False, title_justify="left")
    table.add_column("parameters")
    table.add_column("log-loss", justify="right")
    table.add_column("RMSE (bins)", justify="right")
    for name, log_loss, rmse in rows:
        table.add_row(name, f"{log_loss:.4f}", f"{rmse:.4f}")
    return table


@contextlib.contextmanager
def progress_bar(console: Console, label: str):
    """Yields `step(done, total)` on a terminal (drawing a bar), None elsewhere (nothing to draw)."""
    if not console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), console=console, transient=True
    ) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def due_table(counts: dict[str, dict[str, int]], states: Sequence[str]) -> Table:
    """`idrill due`: cards per topic and state."""
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("topic", style="bold")
    for st in states:
        table.add_column(st, justify="right")
    table.add_column("total", justify="right", style="bold")
    for topic, per in sorted(counts.items()):
        table.add_row(topic, *[str(per[st] or "·") for st in states], str(sum(per.values())))
    return table
