"""The AI interviewer's part of a mock scorecard (`idrill mock --ai`): per question what was strong,
what was missing, traps, a level verdict, and the follow-ups it asked. Terminal and Markdown.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group
from rich.text import Text

from interview_drill.domain.interviewer import Exchange
from interview_drill.domain.textsafe import strip_controls

LEVEL_STYLE = {"below": "red", "at": "green", "above": "blue"}


def _clean(text: str) -> str:
    return strip_controls(" ".join(text.split()))


def verdict_lines(exchange: Exchange, target: str) -> list[tuple[str, str]]:
    """(label, text) rows for one question: follow-ups asked, then the verdict (or its absence)."""
    rows = [("follow-up", f"{_clean(q)} — you: {_clean(a) or '(no answer)'}") for q, a in exchange.follow_ups]
    v = exchange.verdict
    if v is None:
        return [*rows, ("verdict", "none (the model could not give one)")]
    traps = "; ".join(_clean(exchange.card.traps[t - 1]) for t in v.traps) or "none"
    return [
        *rows,
        ("strong", _clean(v.strong)),
        ("missing", _clean(v.missing)),
        ("traps", traps),
        ("verdict", f"{v.level} the {target} level"),
    ]


def interviewer_block(exchanges: Sequence[Exchange], target: str, model: str) -> Group:
    parts: list[Text] = [
        Text.assemble(("Interviewer's scorecard", "bold magenta"), (f"  ({_clean(model)})", "dim"))
    ]
    for number, exchange in enumerate(exchanges, 1):
        parts.append(Text.assemble((f"{number}. {exchange.card.id}", "bold")))
        for label, text in verdict_lines(exchange, target):
            style = (
                LEVEL_STYLE.get(exchange.verdict.level, "") if label == "verdict" and exchange.verdict else ""
            )
            parts.append(Text.assemble((f"   {label}: ", "bold"), (text, style)))
    return Group(*parts)


def interviewer_markdown(exchanges: Sequence[Exchange], target: str, model: str) -> str:
    lines = ["", f"## Interviewer's scorecard ({_clean(model)})", ""]
    for number, exchange in enumerate(exchanges, 1):
        lines.append(f"### {number}. {exchange.card.id}")
        lines.append("")
        lines += [f"- **{label}**: {text}" for label, text in verdict_lines(exchange, target)]
        lines.append("")
    return "\n".join(lines)
