"""Writing a new card by hand (`idrill new`): a scaffold with every field explained, its check,
and adding the card to a bank file without disturbing what is already there.

The scaffold is one card as a YAML mapping. It is checked by the careful parser (so every problem
has its line) and the card model, its id against every loaded bank; the card is then appended to
the topic's file, and the whole file is validated again before it is written.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import ValidationError

from interview_drill.app.importers.drafts import card_slug
from interview_drill.bank import Bank
from interview_drill.bank.emit import dump_bank_file
from interview_drill.domain.cards import Card
from interview_drill.errors import BankError
from interview_drill.files import safe_name, write_text

SCAFFOLD = """\
# A new card. Fill in the fields, save and close the editor. Lines starting with # are ignored:
# uncomment the optional fields you want. Required: question and outline.
question: ""
outline:                 # the answer, as bullet points; `code`, **bold** and *emphasis* work
  - ""
# id: my-card            # default: the slug of the question; history is keyed by it
# numbers:               # figures worth quoting
#   - figure: "r = 8–64"
#     about: typical LoRA ranks
# follow_ups:            # a question, or question and answer
#   - question: Can LoRA weights be merged?
#     answer: Yes, W + BA has W's shape.
# traps:
#   - A mistake that costs candidates points.
# seniority: mid         # screen | mid | senior | staff
# frequency: common      # very-common | common | occasional
# kind: conceptual       # conceptual | scenario | design | debugging | coding
# tags: [lora, memory]   # slugs
# related: [lora-mechanics]
# source: ""
"""


def with_problems(text: str, problems: list[str]) -> str:
    """The card text again, with the problems of the last try as comments on top."""
    body = "\n".join(line for line in text.splitlines() if not line.startswith("# problem: "))
    return "".join(f"# problem: {p}\n" for p in problems) + body + "\n"


def check_card(text: str, shown: Path, bank: Bank, target: Path) -> tuple[Card | None, list[str]]:
    """The card the text holds, or its problems (`file:line: field: message`)."""
    from interview_drill.bank.messages import validation_problems
    from interview_drill.bank.parse import parse_file, parse_text, validate_file

    body = "\n".join(line for line in text.splitlines() if not line.startswith("# problem: "))
    offset = len(text.splitlines()) - len(body.splitlines())
    parsed = parse_text(body + "\n", shown)
    problems = [_shift(p, shown, offset) for p in parsed.problems]
    if problems:
        return None, problems
    if not isinstance(parsed.data, dict):
        return None, [f"{shown}:1: file: must be one card: question, outline and the other fields"]
    data = dict(parsed.data)
    data.setdefault("id", card_slug(str(data.get("question") or "")))
    try:
        card = Card.model_validate(data)
    except ValidationError as exc:
        found = validation_problems(exc, shown, parsed.line, parsed.reported)
        return None, [_shift(p, shown, offset) for p in found]
    mine: set[str] = set()
    if target.exists():
        model = validate_file(parse_file(target))
        mine = {c.id for c in model.cards} if model else set()
    taken = set(bank.by_id) | set(bank.alias_of) | mine
    if card.id in taken:
        line = parsed.lines.get(("id",), parsed.line(("question",)))
        return None, [
            f"{shown}:{line + offset}: id: `{card.id}` is already used by a loaded bank; give the card an `id:`"
        ]
    known = set(bank.by_id) | mine
    unknown = [r for r in card.related if r not in known]
    if unknown:
        line = parsed.line(("related",))
        return None, [f"{shown}:{line + offset}: related: unknown card id `{unknown[0]}`"]
    return card, []


def _shift(problem: str, shown: Path, offset: int) -> str:
    prefix = f"{shown}:"
    m = re.match(r"(\d+):", problem[len(prefix) :]) if problem.startswith(prefix) else None
    if not m or not offset:
        return problem
    return f"{prefix}{int(m.group(1)) + offset}:{problem[len(prefix) + len(m.group(0)) :]}"


def add_card(target: Path, topic: str, card: Card) -> None:
    """Append `card` to the bank file `target` (made if missing), validated whole before writing."""
    from interview_drill.bank.parse import parse_text, validate_file

    if target.exists():
        old = target.read_text(encoding="utf-8")
        model = validate_file(parsed := parse_text(old, target))
        if model is None or parsed.problems:
            raise BankError(
                [*parsed.problems, f"{safe_name(target)}:1: file: fix it before adding a card to it"]
            )
        snippet = dump_bank_file(model.topic, model.title, [card]).split("cards:\n", 1)[1]
        indent = _item_indent(old)
        if indent != "  ":
            snippet = "".join(indent + line[2:] + "\n" for line in snippet.splitlines())
        text = old + ("" if old.endswith("\n") else "\n") + snippet
    else:
        text = dump_bank_file(topic, topic.replace("-", " ").capitalize(), [card])
    check = parse_text(text, target)
    if validate_file(check) is None or check.problems:
        raise BankError(
            [*check.problems, f"{safe_name(target)}:1: file: the card cannot be appended to this file"]
        )
    write_text(target, text, what="bank file")


def _item_indent(text: str) -> str:
    """The indentation of the `cards:` list items (`  ` in our files)."""
    after = text.split("\ncards:", 1)[-1]
    m = re.search(r"^( *)- ", after, flags=re.M)
    return m.group(1) if m else "  "
