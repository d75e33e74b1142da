"""CSV and TSV files as cards: a header row names our fields, each further row is a card.

List fields (`outline`, `follow_ups`, `traps`, `numbers`) hold one item per line of the cell, or
items separated by `;`. A follow-up's answer follows ` :: `; a number is `figure: what it is`.
`tags`, `related` and `aliases` are separated by commas or spaces.
"""

from __future__ import annotations

import csv
import difflib
import io
from pathlib import Path

from interview_drill.app.importers.drafts import Draft, split_follow_up, split_items, split_number, split_tags
from interview_drill.domain.cards import CARD_FIELDS
from interview_drill.files import safe_name

_ALIASES = {
    "front": "question", "back": "outline", "answer": "outline",
    "follow-ups": "follow_ups", "followups": "follow_ups", "follow_up": "follow_ups", "level": "seniority",
}  # fmt: skip
COLUMNS = tuple(CARD_FIELDS)


def read_table(path: Path, text: str) -> tuple[list[Draft], list[str]]:
    """The cards of a CSV (`,` or `;`) or TSV file, and problems with their lines."""
    shown = safe_name(path)
    if not text.strip():
        return [], [f"{shown}:1: file: is empty; expected a header row naming the fields"]
    first = text.split("\n", 1)[0]
    if path.suffix.lower() == ".tsv" or "\t" in first:
        delimiter = "\t"
    else:
        delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as exc:
        return [], [f"{shown}:1: header: {exc}"]
    names: list[str | None] = []
    problems: list[str] = []
    for cell in header:
        key = cell.strip().lower().replace(" ", "_")
        key = _ALIASES.get(key, key)
        if key in ("", "topic"):
            names.append(None)  # an empty column, or the topic (given once, with --topic)
            continue
        if key not in COLUMNS:
            close = difflib.get_close_matches(key, (*COLUMNS, *_ALIASES), n=1)
            problems.append(
                f"{shown}:1: header: unknown column `{cell.strip()}`"
                + (f"; did you mean `{close[0]}`?" if close else f" (known: {', '.join(COLUMNS)})")
            )
        names.append(key)
    if "question" not in names:
        problems.append(f"{shown}:1: header: needs a `question` column")
    if "outline" not in names:
        problems.append(f"{shown}:1: header: needs an `outline` column")
    if problems:
        return [], problems
    drafts: list[Draft] = []
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(f"{shown}:{line}: row: {exc}")
            break
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        draft = Draft(path, start)
        if len(row) > len(names):
            draft.problems.append(f"{shown}:{start}: row: {len(row)} cells but the header names {len(names)}")
        for name, cell in zip(names, row, strict=False):
            cell = cell.strip()
            if name is None or not cell:
                continue
            draft.lines[name] = start
            if name in ("outline", "traps"):
                draft.data[name] = split_items(cell)
            elif name == "follow_ups":
                draft.data[name] = [split_follow_up(item) for item in split_items(cell)]
            elif name == "numbers":
                numbers = []
                for item in split_items(cell):
                    number = split_number(item)
                    if number is None:
                        draft.problems.append(
                            f"{shown}:{start}: numbers: write `{item}` as `figure: what it is`"
                        )
                    else:
                        numbers.append(number)
                draft.data[name] = numbers
            elif name in ("tags", "related", "aliases"):
                draft.data[name] = split_tags(cell)
            elif name in ("seniority", "frequency", "kind"):
                draft.data[name] = cell.lower()
            else:
                draft.data[name] = cell
        drafts.append(draft)
    return drafts, problems
