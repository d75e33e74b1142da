"""Writing a bank file: a topic's cards as YAML that the careful parser reads back unchanged.

Every string is written double-quoted (a JSON string is a valid YAML double-quoted scalar), so
nothing falls into YAML 1.1's traps (`no`, `1:30`, `2e-5`), and control characters are escaped.
Fields at their default value are left out, in the bank's field order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from interview_drill.domain.cards import CARD_FIELDS, Card

_DEFAULTS = {"seniority": "mid", "frequency": "common", "kind": "conceptual"}


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def dump_bank_file(topic: str, title: str, cards: Iterable[Card], *, header: str = "") -> str:
    """The YAML text of one bank file; `header` becomes comment lines at the top."""
    out = [f"# {line}".rstrip() for line in header.splitlines()]
    out += [f"topic: {_q(topic)}", f"title: {_q(title)}", "cards:"]
    for card in cards:
        lines: list[str] = []  # relative to the card's indent; the first gets the list dash
        for name in CARD_FIELDS:
            value = getattr(card, name)
            if name in _DEFAULTS and value == _DEFAULTS[name]:
                continue
            if name == "numbers":
                if value:
                    lines.append("numbers:")
                    for n in value:
                        lines += [f"  - figure: {_q(n.figure)}", f"    about: {_q(n.about)}"]
            elif name == "follow_ups":
                if value:
                    lines.append("follow_ups:")
                    for f in value:
                        if f.answer:
                            lines += [f"  - question: {_q(f.question)}", f"    answer: {_q(f.answer)}"]
                        else:
                            lines.append(f"  - {_q(f.question)}")
            elif isinstance(value, list):
                if value:
                    lines.append(f"{name}:")
                    lines += [f"  - {_q(item)}" for item in value]
            elif value != "" or name in ("id", "question"):
                lines.append(f"{name}: {_q(value)}")
        out += [("  - " if i == 0 else "    ") + line for i, line in enumerate(lines)]
    return "\n".join(out) + "\n"
