"""The coding round on a terminal: a check's result test by test, the list of runnable exercises, and
a reference solution. Plain text when piped (no colour codes), one line per test and per exercise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from interview_drill.domain.cards import Card
from interview_drill.domain.figures.coding import LastCheck
from interview_drill.domain.textsafe import strip_controls
from interview_drill.render.fmt import human_delta, plural

RATING_STYLE = {1: "red", 2: "yellow", 3: "green", 4: "blue"}


def check_lines(result: Any) -> Group:
    """Each test as passed or failed with its short reason, then the count and the suggested rating.

    `result` is an `app.exercises.CheckResult` (render does not import the app layer).
    """
    lines: list[Text] = []
    for test in result.tests:
        line = Text("  ")
        if test.passed:
            line.append("passed", style="bold green")
            line.append(f"  {strip_controls(test.name)}")
        else:
            line.append("failed", style="bold red")
            line.append(f"  {strip_controls(test.name)}")
            if test.message:
                line.append(f": {strip_controls(test.message)}", style="dim")
        lines.append(line)
    rating = result.suggested_rating()
    summary = Text()
    if result.error:
        summary.append(f"could not run the tests: {strip_controls(result.error)}", style="bold red")
    else:
        style = "bold green" if result.all_passed else ("bold yellow" if result.passed else "bold red")
        summary.append(f"{result.passed}/{plural(result.total, 'test')} passed", style=style)
        summary.append(f" in {result.seconds:.1f} s", style="dim")
    summary.append(" · suggests ")
    summary.append(rating.label, style=f"bold {RATING_STYLE[int(rating)]}")
    lines.append(summary)
    return Group(*lines)


def last_check_text(last: LastCheck | None, now: datetime) -> Text:
    """`7/7 passed, 2 days ago`, `3/8 passed, today`, `error, …`, or a dash when never checked."""
    if last is None:
        return Text("—", style="dim")
    ago = now - last.at
    when = "just now" if ago.total_seconds() < 3600 else f"{human_delta(ago)} ago"
    if last.error:
        # the error's first clause: `syntax error at line 3`, `stopped after 20 s`…
        return Text(f"{strip_controls(last.error).split(':', 1)[0][:50]}, {when}", style="red")
    style = "green" if last.all_passed else ("yellow" if last.passed else "red")
    return Text(f"{last.passed}/{last.total} passed, {when}", style=style)


def exercises_table(
    cards: Sequence[Card], last: Mapping[str, LastCheck | None], attempts: Mapping[str, Path], now: datetime
) -> Table:
    """`idrill code --list`: each runnable exercise, whether there is an attempt, its last check."""
    table = Table(show_edge=False, pad_edge=False, box=None)
    table.add_column("card", style="bold", no_wrap=True)
    table.add_column("topic", no_wrap=True)
    table.add_column("level", no_wrap=True)
    table.add_column("attempt", no_wrap=True)
    table.add_column("last check")
    for card in cards:
        table.add_row(
            card.id,
            card.topic,
            card.seniority,
            Text("yes") if card.id in attempts else Text("—", style="dim"),
            last_check_text(last.get(card.id), now),
        )
    return table
