"""Markdown notes as cards: one card per heading, its first list the outline.

    # Parameter-efficient fine-tuning          (optional: the topic's title)
    ## How does LoRA adapt a frozen weight?     (a card: the heading is the question)
    id: lora-mechanics                          (optional `field: value` lines)
    - outline bullet                            (the first list is the outline)
    ### Numbers  /  Numbers:                    (sub-headings or labelled lists)
    - **r = 8–64** typical ranks
    ### Follow-ups
    - Can the weights be merged?
      - Yes: W + BA has W's shape.              (a nested bullet is the answer)
    ### Traps
    - ...

The card level is the shallowest heading level, or the next one when a single `#` heading is
the file's title.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from interview_drill.app.importers.drafts import Draft, split_number, split_tags
from interview_drill.files import safe_name

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])\s+(.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_META = re.compile(r"^(id|seniority|frequency|kind|tags|related|aliases|source)\s*:\s*(.*)$", re.IGNORECASE)
_LABEL = re.compile(r"^\s*(?:\*\*|__)?([A-Za-z][A-Za-z -]*?)\s*:?\s*(?:\*\*|__)?\s*:?\s*$")
SECTIONS = {
    "outline": "outline", "answer": "outline",
    "numbers": "numbers", "numbers to drop": "numbers", "figures": "numbers",
    "follow-ups": "follow_ups", "follow ups": "follow_ups", "followups": "follow_ups", "follow-up": "follow_ups",
    "traps": "traps", "pitfalls": "traps",
}  # fmt: skip


def _section(name: str) -> str | None:
    return SECTIONS.get(re.sub(r"\s+", " ", name.strip().strip("*_:").strip().lower()))


def read_markdown(path: Path, text: str) -> tuple[list[Draft], list[str]]:
    """The cards of a Markdown file, and a `file:line: problem` for each thing that cannot be read."""
    lines = text.split("\n")
    shown = safe_name(path)
    headings: list[tuple[int, int, str]] = []  # (line index, level, text)
    fenced = False
    for i, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and (m := _HEADING.match(line)):
            headings.append((i, len(m.group(1)), m.group(2)))
    if not headings:
        return [], [f"{shown}:1: file: no headings; each card is a heading (the question) and a list"]
    title = ""
    if headings[0][1] == 1 and sum(1 for h in headings if h[1] == 1) == 1 and len(headings) > 1:
        title = headings[0][2]  # a single `# Title` heading first: the topic's title
        headings = headings[1:]
    # Sub-sections (Numbers, Follow-ups…) are never cards: the card level is that of the others.
    levels = [lvl for _, lvl, text in headings if _section(text) is None] or [headings[0][1]]
    card_level = min(levels)
    drafts: list[Draft] = []
    problems: list[str] = []
    cards = [h for h in headings if h[1] == card_level]
    for n, (start, _, question) in enumerate(cards):
        end = cards[n + 1][0] if n + 1 < len(cards) else len(lines)
        draft = Draft(path, start + 1, {"question": question}, {"question": start + 1}, title)
        draft.problems += _read_card(lines, start + 1, end, draft, shown)
        drafts.append(draft)
    return drafts, problems


def _read_card(lines: list[str], begin: int, end: int, draft: Draft, shown: str) -> list[str]:
    problems: list[str] = []
    data = draft.data
    section: str | None = None  # None: before any list, the outline's place
    items: list[list[Any]] = []  # [line, indent, text, field, nested answer lines]
    fenced = False
    for i in range(begin, end):
        line = lines[i]
        no = i + 1
        if _FENCE.match(line):
            if not fenced:
                problems.append(f"{shown}:{no}: code blocks are not supported in a card; use inline `code`")
            fenced = not fenced
            continue
        if fenced or not line.strip():
            continue
        if m := _HEADING.match(line):
            section = _section(m.group(2))
            if section is None:
                problems.append(
                    f"{shown}:{no}: unknown section `{m.group(2)}`; expected Outline, Numbers, Follow-ups or Traps"
                )
                section = "?"
            continue
        if m := _ITEM.match(line):
            indent, text = len(m.group(1).expandtabs(4)), m.group(2).strip()
            if items and indent > items[-1][1] and items[-1][3] in ("follow_ups",):
                items[-1][4].append(text)  # a nested bullet under a follow-up: its answer
                continue
            if items and indent > items[-1][1]:
                items[-1][2] += " " + text  # a nested bullet elsewhere: part of the same point
                continue
            target = section or ("outline" if "outline" not in {it[3] for it in items} else None)
            if target is None:
                problems.append(
                    f"{shown}:{no}: a second list with no heading; label it Numbers, Follow-ups or Traps"
                )
                continue
            if section is None:
                section = "outline"
            items.append([no, indent, text, target, []])
            continue
        stripped = line.strip()
        if (m := _META.match(stripped)) and not (items and line.startswith((" ", "\t"))):
            key, value = m.group(1).lower(), m.group(2).strip()
            draft.lines[key] = no
            data[key] = split_tags(value) if key in ("tags", "related", "aliases") else value
            continue
        if (m := _LABEL.match(stripped)) and (label := _section(m.group(1))) is not None:
            section = label
            continue
        if items and line.startswith((" ", "\t")):
            items[-1][2] += " " + stripped  # a wrapped bullet
            continue
        problems.append(f"{shown}:{no}: text outside a list; write the answer as bullet points")
    for no, _, text, target, nested in items:
        if target == "?":
            continue
        draft.lines.setdefault(target, no)
        if target == "numbers":
            number = split_number(text)
            if number is None:
                problems.append(f"{shown}:{no}: numbers: write a number as `**figure** what it refers to`")
                continue
            data.setdefault("numbers", []).append(number)
        elif target == "follow_ups":
            entry: Any = {"question": text, "answer": " ".join(nested)} if nested else text
            data.setdefault("follow_ups", []).append(entry)
        else:
            data.setdefault(target, []).append(text)
    if "outline" not in data:
        problems.append(f"{shown}:{draft.line}: outline: the card has no bullet list to use as its outline")
    return problems
