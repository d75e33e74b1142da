"""Model grades on the terminal: the block shown after `g` in the drill, and under a past answer."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from interview_drill.domain.cards import Card
from interview_drill.domain.grading import RATING_OF, AnswerGrade
from interview_drill.domain.textsafe import strip_controls

VERDICT_STYLE = {"covered": ("✓", "green"), "partly": ("~", "yellow"), "missed": ("✗", "red")}
FIGURE_STYLE = {"correct": "green", "close": "yellow", "wrong": "red"}
RATING_STYLE = {1: "red", 2: "yellow", 3: "green", 4: "blue"}


def _clean(text: str) -> str:
    return strip_controls(" ".join(text.split()))  # a model's text: one line, no terminal controls


def grade_block(card: Card, graded: AnswerGrade) -> Group:
    """Per bullet covered / partly / missed with the reason, traps, figures (our check), errors, rating."""
    grade = graded.grade
    lines: list[Text] = [
        Text.assemble(
            ("Model grade", "bold magenta"), (f"  ({_clean(graded.model)}, {graded.prompt_version})", "dim")
        )
    ]
    for b in sorted(grade.bullets, key=lambda b: b.bullet):
        mark, style = VERDICT_STYLE[b.verdict]
        lines.append(
            Text.assemble(
                (f"  {mark} {b.bullet}. ", style),
                (f"{b.verdict}: ", style),
                _clean(b.reason),
            )
        )
    for t in grade.traps:
        lines.append(Text.assemble(("  ! trap: ", "bold red"), _clean(card.traps[t.trap - 1]),
                                   ("  — ", "dim"), _clean(t.reason)))  # fmt: skip
    for f in graded.figures:
        lines.append(Text.assemble(("  # figure ", "bold"), _clean(f.quoted),
                                   (f"  {f.result}", FIGURE_STYLE.get(f.result, "")),
                                   (f" (card: {f.expected})", "dim")))  # fmt: skip
    for error in grade.errors:
        lines.append(Text.assemble(("  ✗ error: ", "bold red"), _clean(error)))
    rating = RATING_OF[grade.suggested_rating]
    lines.append(
        Text.assemble(
            ("  suggested rating: ", "bold"),
            (f"{rating} {grade.suggested_rating.capitalize()}", RATING_STYLE[rating]),
            ("  (yours to choose: 1-4)", "dim"),
        )
    )
    return Group(*lines)
