"""The prompts sent to a model, versioned: each stored grade records the version that produced it.

What is sent: the card's question, outline, traps and what its figures are about (for the follow-ups,
the card's follow-up questions), and the user's typed answer. Nothing else leaves the machine.
A prompt's wording never changes under the same version: a new wording is a new version.
"""

from __future__ import annotations

from interview_drill.domain.cards import Card

GRADE_VERSION = "grade-1"
PROBE_VERSION = "probe-1"
SCORECARD_VERSION = "scorecard-1"

SYSTEM = (
    "You are a strict but fair interviewer for machine-learning engineering roles. You judge a "
    "candidate's answer only against the reference material given; you never invent new criteria."
)


def _numbered(items: list[str]) -> str:
    return "\n".join(f"{i}. {text}" for i, text in enumerate(items, 1)) or "(none)"


def card_text(card: Card, *, follow_ups: bool = False) -> str:
    parts = [
        f"QUESTION:\n{card.question}",
        f"REFERENCE OUTLINE (numbered bullets):\n{_numbered(list(card.outline))}",
        f"TRAPS candidates fall into (numbered):\n{_numbered(list(card.traps))}",
        "FIGURES worth quoting (numbered; what each is about):\n"
        + _numbered([n.about for n in card.numbers]),
    ]
    if follow_ups:
        parts.append(f"FOLLOW-UP QUESTIONS (numbered):\n{_numbered([f.question for f in card.follow_ups])}")
    return "\n\n".join(parts)


def grade_prompt(card: Card, answer: str) -> str:
    return (
        f"{card_text(card)}\n\nCANDIDATE'S ANSWER:\n{answer}\n\n"
        "Grade the answer. For EVERY outline bullet, in order, say covered, partly or missed, with a "
        "one-line reason. List the traps (by number) the answer falls into, if any. List each figure "
        "from the FIGURES list that the answer quotes, with the figure exactly as the answer wrote it "
        "(do not judge whether it is right). List factual errors in the answer, one line each. Suggest "
        "a rating: again (would fail this question), hard, good, or easy (interview-ready)."
    )


def probe_prompt(card: Card, answer: str) -> str:
    return (
        f"{card_text(card, follow_ups=True)}\n\nCANDIDATE'S ANSWER:\n{answer or '(no typed answer)'}\n\n"
        "Ask one or two follow-up questions, as an interviewer would next. Prefer a question from the "
        "FOLLOW-UP QUESTIONS list when it fits what the candidate said (give its number); otherwise "
        "write a short probe at the most important gap you saw (number 0)."
    )


def scorecard_prompt(card: Card, answer: str, follow_ups: list[tuple[str, str]], target: str) -> str:
    said = "\n".join(f"FOLLOW-UP: {q}\nANSWER: {a or '(no answer)'}" for q, a in follow_ups)
    return (
        f"{card_text(card)}\n\nCANDIDATE'S ANSWER:\n{answer or '(no typed answer)'}\n\n{said}\n\n"
        f"The candidate is interviewing at the {target} level. Say in one line each what was strong "
        "and what was missing, list the traps (by number) fallen into, and give a level verdict: "
        "below, at or above the level."
    )
