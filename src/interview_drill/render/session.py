"""The drill, the mock interview and the numbers quiz on a terminal: `TerminalInteraction` (the
app's Interaction protocol drawn with Rich, keys read through a callable), the live timer, and
the end-of-session summary, scorecard, quiz lines and past typed answers.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.segment import Segment, Segments
from rich.table import Table
from rich.text import Text

from interview_drill.domain.cards import Card
from interview_drill.domain.review import Rating
from interview_drill.domain.textsafe import strip_controls
from interview_drill.render.fmt import human_delta, minutes_seconds, mmss, plural
from interview_drill.render.terminal import (
    bullets,
    card_meta,
    coverage_block,
    follow_ups_block,
    inline,
    numbers_block,
    section,
)


class Countdown:
    """Rewrites one status line every second from a thread while a key is awaited.

    With a budget it counts down and rings the bell at zero; without one it shows the time spent.
    """

    def __init__(self, console: Console, seconds: float | None, *, already: float = 0.0) -> None:
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
            return f"⏱  {mmss(spent)}"
        left = self.seconds - spent
        if left > 0:
            return f"⏱  {mmss(left)} left  (enter when done)"
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


PHASE_STYLE = {
    "new": "bold blue",
    "learning": "bold yellow",
    "review": "bold green",
    "relearning": "bold red",
}
RATING_STYLE = {1: "red", 2: "yellow", 3: "green", 4: "blue"}


SCROLL_DOWN = ("j", "\x1b[B", "\x1b[6~")  # j, down arrow, page down
SCROLL_UP = ("k", "\x1b[A", "\x1b[5~")  # k, up arrow, page up


def hint_lines(items: Sequence[str], width: int, style: str = "dim") -> list[Text]:
    """Key hints joined with ` · ` into as few lines as fit `width`, never splitting one hint."""
    lines: list[str] = []
    for item in items:
        if lines and len(lines[-1]) + 3 + len(item) <= width:
            lines[-1] += " · " + item
        else:
            lines.append(item)
    return [Text(line, style=style) for line in lines]


RATE_HINTS = ["rate 1-4", "m: traps you fell for", "u: undo previous", "s: bury", "q: quit"]
GRADE_HINTS = ["rate 1-4", "m: traps you fell for", "f: follow-ups", "q: stop grading"]


class TerminalInteraction:
    """Draws a drill session with Rich and reads keys through `read_key`.

    With `clear` (a terminal), every change redraws one screen that fits the terminal: the card
    header, the question, as much of the revealed answer as fits (j/k or the arrow keys scroll the
    rest) and, at the bottom, the notices since the last key and the rating row. Without it (a pipe,
    tests), everything is printed in order, as a transcript.
    """

    def __init__(
        self,
        console: Console,
        read_key: Callable[[], str],
        read_line: Callable[[str], str] | None = None,
        *,
        clear: bool = False,
        new_screen_per_card: bool = False,
    ) -> None:
        self.console = console
        self.read_key = read_key
        self.read_line = read_line or (lambda prompt: console.input(prompt))
        self.clear = clear
        self.new_screen_per_card = new_screen_per_card  # printed in order, but each card on a clear screen
        # the screen's state (with `clear`): the card on it, notices not yet followed by a key, ...
        self._view: Any = None
        self._notices: list[str] = []
        self._rated_at: datetime | None = None  # when the rating row's intervals were computed
        self._scroll = 0
        self._hidden = 0  # revealed lines below the screen at the last draw
        self._overlay: Any = None  # the keys help or the trap picker, until the next key
        self._focus: str | None = None  # a part just revealed, to scroll to
        self._extra: list[Any] = []  # shown above the revealed parts (a mock answer's time and text)

    def key(self) -> str:
        while True:
            key = self.read_key()
            if self.clear and self._view is not None and key in (*SCROLL_DOWN, *SCROLL_UP):
                step = max(1, self.console.size.height // 2) if key.endswith("~") else 1
                self._scroll = max(0, self._scroll + (step if key in SCROLL_DOWN else -step))
                self._draw()
                continue
            if self._notices or self._overlay is not None:
                self._notices, self._overlay = [], None  # seen: gone from the next screen
            return key

    # ------------------------------------------------------------ one screen (with `clear`)

    def _draw(self) -> None:
        """Clear and draw the whole screen so it fits; the rating row is always the last thing."""
        view = self._view
        width, height = self.console.size
        room = max(height - 1, 6)  # the last line stays free for the cursor and the live timer
        opts = self.console.options.update_width(width)

        def lines(*parts: Any) -> list[list[Segment]]:
            return self.console.render_lines(Group(*parts), opts, pad=False) if parts else []

        revealed = bool(view.revealed)
        if revealed:  # the question shrinks to one line to leave room for the answer
            question = Text.assemble(
                (view.item.card.id, "bold"), " · ", inline(view.item.card.question, "bold")
            )
            question.truncate(width, overflow="ellipsis")
            question.no_wrap = True
            question_part: Any = question
        else:
            question_part = Panel(
                inline(view.item.card.question, "bold"), title=Text(view.item.card.id), title_align="left"
            )
        top = lines(self._header(view), *self._note_lines(view), question_part)
        bottom_parts: list[Any] = [
            Text(f"» {strip_controls(n)}", style="bold magenta") for n in self._notices
        ]
        if self._overlay is not None:
            bottom_parts.append(self._overlay)
        if revealed and self._rated_at is not None:
            bottom_parts += [
                self._rating_bar(view, self._rated_at),
                *hint_lines(self._rate_hints(view), width),
            ]
        elif not revealed:
            bottom_parts += hint_lines(self._card_hints(view), width)
        bottom = lines(*bottom_parts)
        body = lines(*self._extra, *[self._part(view, p) for p in view.revealed])
        if self._focus in view.revealed:
            before = view.revealed[: view.revealed.index(self._focus)]
            self._scroll = len(lines(*self._extra, *[self._part(view, p) for p in before]))
        self._focus = None
        space = room - len(top) - len(bottom)
        if len(body) > space:  # keep one line to say what is below
            space = max(space - 1, 0)
            self._scroll = min(self._scroll, max(len(body) - space, 0))
            shown = body[self._scroll : self._scroll + space]
            self._hidden = len(body) - self._scroll - len(shown)
            more = []
            if self._hidden:
                more.append(f"↓ {plural(self._hidden, 'more line')}")
            if self._scroll:
                more.append(f"↑ {self._scroll} above")
            more.append("j/k or ↓/↑: scroll")
            shown += lines(*hint_lines(more, width))[:1]
        else:
            self._scroll, self._hidden, shown = 0, 0, body
        screen = (top + shown + bottom)[:room]
        self.console.clear()
        out: list[Segment] = []
        for line in screen:
            out += [*line, Segment.line()]
        self.console.print(Segments(out), end="")

    def _header(self, view: Any) -> Text:
        item = view.item
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
        return head

    def _note_lines(self, view: Any) -> list[Text]:
        return [Text(f"✎ {note}", style="bold magenta") for note in view.notes]

    def _card_hints(self, view: Any) -> list[str]:
        if view.mode == "mock" and view.revealed_at is None:
            return ["answer aloud as in the interview, then press enter", "w: type your answer", "q: stop"]
        if view.mode == "mock":
            return ["grading: rate 1-4", *GRADE_HINTS[1:]]
        return ["space: reveal", "n f t: numbers, follow-ups, traps", "w: type answer", "?: keys"]

    def _rate_hints(self, view: Any) -> list[str]:
        return GRADE_HINTS if view.mode == "mock" else RATE_HINTS

    def show_card(self, view: Any) -> None:
        if self.clear:
            self._view, self._rated_at, self._scroll, self._overlay, self._extra = view, None, 0, None, []
            self._draw()
            return
        if self.new_screen_per_card:
            self.console.clear()
        self.console.print(self._header(view))
        for note in self._note_lines(view):
            self.console.print(note)
        self.console.print(
            Panel(inline(view.item.card.question, "bold"), title=Text(view.item.card.id), title_align="left")
        )
        for line in hint_lines(self._card_hints(view), self.console.width):
            self.console.print(line)
        for text in self._notices:  # said just before the screen was cleared
            self.console.print(Text(strip_controls(text), style="italic magenta"))

    def show_part(self, view: Any, part: str) -> None:
        if self.clear and view is self._view:
            if self._rated_at is not None:  # asked for after the answer was shown: scroll it into view
                self._focus = part
                self._draw()
            # else the first reveal: the rating row follows and draws the screen from the top
            return
        self.console.print(self._part(view, part))

    def _part(self, view: Any, part: str) -> Any:
        card = view.item.card
        if part == "outline":
            title = "Answer outline"
            if view.revealed_at is not None:
                title += f"  (after {(view.revealed_at - view.started).total_seconds():.0f}s)"
            if view.coverage is not None:
                hit = sum(view.coverage)
                title += f"  — your answer covered {hit}/{len(view.coverage)}"
                return section(title, coverage_block(card.outline, view.coverage), "bold green")
            return section(title, bullets(card.outline), "bold green")
        if part == "numbers":
            body = numbers_block(card) if card.numbers else Text("  (no numbers on this card)", style="dim")
            return section("Numbers to drop", body, "bold yellow")
        if part == "follow_ups":
            body = follow_ups_block(card) if card.follow_ups else Text("  (no follow-ups)", style="dim")
            return section("Follow-ups", body, "bold blue")
        if part == "grade" and getattr(view, "grade", None) is not None:
            from interview_drill.render.grading import grade_block

            return grade_block(card, view.grade)
        body = bullets(card.traps, "!") if card.traps else Text("  (no traps)", style="dim")
        return section("Traps", body, "bold red")

    def _rating_bar(self, view: Any, now: datetime) -> Text:
        bar = Text()
        suggested = view.coded.suggested if getattr(view, "coded", None) is not None else None
        for rating in Rating:
            bar.append(f" {int(rating)} ", style=f"bold reverse {RATING_STYLE[int(rating)]}")
            bar.append(f" {rating.label}", style="bold underline" if rating == suggested else "")
            if view.outcomes:
                bar.append(f" {human_delta(view.outcomes[rating].due - now)}", style="dim")
            bar.append("   ")
        bar.rstrip()
        return bar

    def show_ratings(self, view: Any, now: datetime) -> None:
        if self.clear and view is self._view:
            self._rated_at = now
            self._draw()
            return
        self.console.print(self._rating_bar(view, now))
        for line in hint_lines(self._rate_hints(view), self.console.width):
            self.console.print(line)

    def notice(self, text: str) -> None:
        if self.clear and self._view is not None:
            self._notices.append(text)  # on this screen and the next one, until a key is pressed
            self._draw()
            return
        if self.new_screen_per_card:
            self._notices.append(text)  # printed again on the next card's screen, until a key
        self.console.print(Text(strip_controls(text), style="italic magenta"))

    def timer(self, seconds: float | None, already: float = 0.0) -> contextlib.AbstractContextManager[object]:
        """A live timer on a terminal: a countdown with a bell for a budget, else time spent. Nothing when piped."""
        if not self.console.is_terminal:
            return contextlib.nullcontext()
        return Countdown(self.console, seconds, already=already)

    def show_follow_up(self, view: Any, question: str) -> None:
        self.console.print(Text("Interviewer, following up:", style="bold blue"))
        self.console.print(Panel(inline(question, "bold"), border_style="blue"))
        self.console.print(Text("answer it, then press enter", style="dim"))

    def show_mock_answer(self, view: Any, seconds: float, budget: float, follow_up: str | None) -> None:
        over = seconds > budget
        line = f"time used: {mmss(seconds)} of {mmss(budget)}"
        if over:  # in words too: NO_COLOR and pipes drop the red
            line += f" — over time by {mmss(seconds - budget)}"
        extra: list[Any] = [Text(line, style="bold red" if over else "bold green")]
        if follow_up:
            extra.append(Text.assemble(("follow-up asked: ", "dim"), inline(follow_up)))
        if view.answer:
            extra.append(Text.assemble(("your answer: ", "bold"), inline(view.answer)))
        if self.clear and view is self._view:
            self._extra = extra
            self._draw()
            return
        for text in extra:
            self.console.print(text)

    def read_answer(self, view: Any) -> str:
        prompt = "Type your answer (one line; Enter when done)"
        if view.budget is not None:
            prompt += f" — {mmss(view.budget)} per question"
        self.console.print(Text(prompt + ":", style="bold"))
        try:
            return self.read_line("> ")
        except EOFError:  # Ctrl-D: no answer
            self.console.print()
            return ""
        except KeyboardInterrupt:
            self.console.print()  # end the half-typed line before the summary
            raise

    def pick(self, view: Any, items: list[str], chosen: list[int]) -> list[int]:
        """Digit keys toggle items, Enter confirms."""
        marked = set(chosen)
        redraw = True
        while True:
            if redraw and self.clear and view is self._view:  # the picker sits above the rating row
                self._overlay = Group(
                    Text("Traps you fell for — digits toggle, Enter confirms:", style="bold red"),
                    self._trap_grid(items, marked),
                )
                self._draw()
            elif redraw:
                grid = self._trap_grid(items, marked)
                self.console.print(
                    Text("Traps you fell for — digits toggle, Enter confirms:", style="bold red")
                )
                self.console.print(grid)
            key = self.read_key()
            if key in ("\r", "\n", "", "q"):
                self._overlay = None
                return sorted(marked)
            redraw = key.isdigit() and 1 <= int(key) <= len(items)
            if redraw:
                marked ^= {int(key) - 1}

    def show_check(self, view: Any, result: Any) -> None:
        """The tests' verdict on the attempt written with `c` (kept on a fitted screen, above the answer)."""
        from interview_drill.render.code import check_lines

        rating = view.coded.suggested
        shown = [
            Text(f"Tests of {strip_controls(str(view.coded.attempt))}:", style="bold"),
            check_lines(result),
            Text.assemble(
                ("enter: rate ", "bold"), (rating.label, f"bold {RATING_STYLE[int(rating)]}"),
                (" as the tests suggest · 1-4: rate otherwise · c: edit and check again", "bold"),
            ),
        ]  # fmt: skip
        if self.clear and view is self._view:
            self._extra = [*self._extra, *shown]
            self._draw()
            return
        for item in shown:
            self.console.print(item, soft_wrap=True)

    @staticmethod
    def _trap_grid(items: list[str], marked: set[int]) -> Table:
        grid = Table.grid(padding=(0, 1, 0, 0))
        for i, item in enumerate(items, 1):
            box = "[x]" if i - 1 in marked else "[ ]"
            grid.add_row(
                Text(f" {i}", style="bold"),
                Text(box, style="red" if i - 1 in marked else "dim"),
                inline(item),
            )
        return grid

    def show_help(self, keys: Sequence[tuple[str, str]]) -> None:
        table = Table(show_header=False, box=None, pad_edge=False)
        for k, what in keys:
            table.add_row(Text(k, style="bold"), what)
        if self.clear and self._view is not None:
            table.add_row(Text("j k ↓ ↑", style="bold"), "scroll the answer when it does not fit")
            self._overlay = Panel(table, title="keys", title_align="left")
            self._draw()
            return
        self.console.print(Panel(table, title="keys", title_align="left"))


def render_summary(result: Any, *, due_tomorrow: int, streak: int) -> Group:
    """End of session: counts, time, per-topic results, tomorrow, streak."""
    counts = result.counts
    n = len(result.rated)
    cards = len({r.slug for r in result.rated})
    lines: list = []
    title = "Session interrupted" if result.interrupted else "Session done"
    # learning steps bring a card back: ratings and cards are counted apart
    again = f" ({plural(n, 'rating')})" if n != cards else ""
    lines.append(Text(f"{title}: {plural(cards, 'card')} rated{again}", style="bold"))
    bar = Text("  ")
    for rating in Rating:
        bar.append(f"{rating.label} {counts.get(rating, 0)}", style=RATING_STYLE[int(rating)])
        bar.append("  ")
    lines.append(bar)
    per_card = f", {result.seconds / cards:.0f}s per card" if cards else ""
    lines.append(Text(f"  time: {minutes_seconds(result.seconds)}{per_card}"))
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
    lines.append(Text(f"  streak: {plural(streak, 'day')}", style="bold green" if streak else ""))
    return Group(*lines)


# ------------------------------------------------------------------ after a session, mock and quiz


def render_scorecard(result: Any) -> Table | Text:
    """The mock interview's scorecard: one row a question, its grade, time and traps hit."""
    if not result.answers:
        return Text("No question answered: nothing to grade.", style="dim")
    table = Table(title="Mock interview scorecard", show_edge=False, pad_edge=False)
    table.add_column("#", justify="right")
    table.add_column("card", style="bold", no_wrap=True)  # whole ids: the traps column wraps instead
    table.add_column("level")
    table.add_column("grade")
    table.add_column("time", justify="right", no_wrap=True)  # "4:05 over" on the row, whatever the id
    table.add_column("traps hit", ratio=1)
    for i, a in enumerate(result.answers, 1):
        card = a.item.card
        grade = (
            Text(a.rating.label, style=RATING_STYLE[int(a.rating)]) if a.rating else Text("—", style="dim")
        )
        time_text = Text(
            mmss(a.seconds) + (" over" if a.over_budget else ""), style="red" if a.over_budget else ""
        )
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


def render_answers(card: Card, rows: Any, grades: dict[datetime, Any] | None = None) -> Group:
    """`idrill answers`: a card's past typed answers, each with when, how it was rated and the kind
    (and the model's grade, when one was asked for)."""
    parts: list = [Text.assemble((card.id, "bold"), " — ", inline(card.question))]
    if not rows:
        parts.append(Text("No typed answers yet: press w in a drill or mock to type one.", style="dim"))
    for when, rating, kind, text in rows:
        parts.append(Text.assemble((f"{when:%Y-%m-%d %H:%M} UTC", "dim"), "  ",
                                   (rating.label, RATING_STYLE[int(rating)]), (f"  ({kind})", "dim")))  # fmt: skip
        parts.append(Panel(inline(text)))
        if grades and when in grades:
            from interview_drill.render.grading import grade_block

            parts.append(grade_block(card, grades[when]))
    return Group(*parts)
