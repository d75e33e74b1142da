"""From drafts to bank files: ids, checks against the loaded banks, updates in place, the write.

An imported card's id is the slug of its question (or the `id` the source gives). Re-importing
finds each card again in the existing output file: by id, by the slug of its question, and last by
a question that reads almost the same (an edited card keeps its id, so its history). A new id that
a loaded bank or another imported card already uses gets `-2`, `-3`…. Cards of the output file
that the source no longer has are kept unless pruning is asked for.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from interview_drill.app.importers.drafts import Draft, SourceError, card_slug, read_source_text, slugify
from interview_drill.bank import Bank
from interview_drill.bank.emit import dump_bank_file
from interview_drill.domain.cards import Card
from interview_drill.errors import BankError, UsageError
from interview_drill.files import safe_name, write_text

SUFFIXES = (".md", ".markdown", ".csv", ".tsv", ".apkg")
_SIMILAR = 0.75  # an edited question this close to an existing card's is the same card


@dataclass
class Planned:
    """One bank file an import writes: its cards and what changed."""

    path: Path
    topic: str
    title: str
    cards: list[Card]
    sources: list[Path]
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # in the file, not in this import
    removed: list[str] = field(default_factory=list)
    text: str = ""
    changed: bool = True


@dataclass
class ImportPlan:
    files: list[Planned]
    problems: list[str]  # skipped rows (with --skip-bad), reported but not fatal
    skipped: int = 0


def read_drafts(path: Path) -> tuple[list[Draft], list[str]]:
    """A source file's drafts and file-level problems, by its suffix."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".md", ".markdown"):
            from interview_drill.app.importers.markdown import read_markdown

            return read_markdown(path, read_source_text(path))
        if suffix in (".csv", ".tsv"):
            from interview_drill.app.importers.table import read_table

            return read_table(path, read_source_text(path))
        if suffix == ".apkg":
            from interview_drill.app.importers.apkg import read_apkg

            return read_apkg(path)
    except SourceError as exc:
        return [], [str(exc)]
    raise UsageError(
        f"{safe_name(path)}: cannot import a `{suffix or path.name}` file; give {', '.join(SUFFIXES)}"
    )


def plan_import(
    sources: Sequence[Path],
    out_dir: Path,
    bank: Bank,
    *,
    topic: str | None = None,
    skip_bad: bool = False,
    prune: bool = False,
) -> ImportPlan:
    """What importing `sources` into `out_dir` would write. Raises BankError listing every problem
    (unless `skip_bad`: then the bad rows are left out and listed in the plan)."""
    from interview_drill.bank.parse import parse_file, parse_text, validate_file

    if topic is not None and slugify(topic) != topic:
        raise UsageError(f"topic `{topic}` is not a slug: use lowercase letters, digits and hyphens")
    groups: dict[str, list[Draft]] = {}
    group_sources: dict[str, list[Path]] = {}
    fatal: list[str] = []
    for source in sources:
        drafts, problems = read_drafts(source)
        fatal += problems
        name = topic or slugify(source.stem) or "imported"
        groups.setdefault(name, []).extend(drafts)
        group_sources.setdefault(name, []).append(source)
    if fatal and not skip_bad:
        raise BankError(fatal)
    skipped: list[str] = list(fatal)
    n_skipped = 0
    planned: list[Planned] = []
    row_problems: list[str] = []
    neighbours = _neighbour_ids(out_dir, {out_dir / f"{name}.yaml" for name in groups}, bank)
    for name, drafts in groups.items():
        path = out_dir / f"{name}.yaml"
        existing: list[Card] = []
        title = ""
        if path.exists():
            parsed = parse_file(path)
            model = validate_file(parsed)
            if model is None or parsed.problems:
                raise BankError(
                    [
                        *parsed.problems,
                        f"{safe_name(path)}:1: file: fix it (or move it away) before importing into it",
                    ]
                )
            existing, title = list(model.cards), model.title
        title = title or next((d.title for d in drafts if d.title), "") or name.replace("-", " ").capitalize()
        plan, problems = _plan_topic(path, name, title, drafts, existing, bank, neighbours, prune)
        plan.sources = group_sources[name]
        bad = [d for d in drafts if d.problems]
        n_skipped += len(bad)
        row_problems += problems
        planned.append(plan)
    if row_problems and not skip_bad:
        raise BankError(_ordered(row_problems))
    skipped += row_problems
    for plan in planned:
        header = (
            f"Cards imported from {', '.join(p.name for p in plan.sources)}.\n"
            "Edit the source and import it again to update these cards (ids and history are kept)."
        )
        plan.text = dump_bank_file(plan.topic, plan.title, plan.cards, header=header)
        check = parse_text(plan.text, plan.path)
        if validate_file(check) is None or check.problems:  # our own writer's bug: never write it
            raise BankError(check.problems or [f"{plan.path}:1: file: the written bank does not validate"])
        try:
            plan.changed = plan.path.read_text(encoding="utf-8") != plan.text
        except OSError:
            plan.changed = True
    return ImportPlan(planned, _ordered(skipped), n_skipped)


def _ordered(problems: Iterable[str]) -> list[str]:
    """Each problem once, by file (in the order given) and line."""
    seen: dict[str, None] = dict.fromkeys(problems)
    files: dict[str, int] = {}

    def key(problem: str) -> tuple[int, int]:
        m = re.match(r"^(.*?):(\d+):", problem)
        if not m:
            return (files.setdefault(problem, len(files)), 0)
        return (files.setdefault(m.group(1), len(files)), int(m.group(2)))

    return sorted(seen, key=key)


def _neighbour_ids(out_dir: Path, targets: set[Path], bank: Bank) -> set[str]:
    """Ids (and former ids) in the other bank files of `out_dir` that are not loaded."""
    from interview_drill.bank.parse import parse_file, validate_file

    if not out_dir.is_dir():
        return set()
    loaded = {p.resolve() for p in bank.files}
    ids: set[str] = set()
    for path in sorted(out_dir.glob("*.y*ml")):
        if path in targets or path.resolve() in loaded or not path.is_file():
            continue
        model = validate_file(parse_file(path))
        if model is not None:
            ids |= {c.id for c in model.cards} | {a for c in model.cards for a in c.aliases}
    return ids


def _plan_topic(
    path: Path,
    topic: str,
    title: str,
    drafts: list[Draft],
    existing: list[Card],
    bank: Bank,
    neighbours: set[str],
    prune: bool,
) -> tuple[Planned, list[str]]:
    mine = {c.id for c in existing} | {a for c in existing for a in c.aliases}
    elsewhere = (set(bank.by_id) | set(bank.alias_of) | neighbours) - mine
    by_name = {c.id: c for c in existing} | {a: c for c in existing for a in c.aliases}
    claimed: dict[str, Draft] = {}  # existing id -> the draft that updates it
    ids: dict[int, str] = {}
    problems: list[str] = []
    # Pass 1: explicit ids and exact slugs.
    for d in drafts:
        given = d.data.get("id")
        if given:
            if given in elsewhere:
                d.problems.append(
                    f"{safe_name(d.source)}:{d.line_of(('id',))}: id: `{given}` is already used by a loaded bank"
                )
                continue
            card = by_name.get(given)
            key = card.id if card else given
            if key in claimed or key in ids.values():
                d.problems.append(f"{safe_name(d.source)}:{d.line_of(('id',))}: id: `{given}` is given twice")
                continue
            ids[id(d)] = key
            if card:
                claimed[key] = d
            continue
        slug = card_slug(str(d.data.get("question", "")))
        card = by_name.get(slug)
        if card and card.id not in claimed:
            claimed[card.id] = d
            ids[id(d)] = card.id
    # Pass 2: an edited question finds its card by similarity.
    free = [c for c in existing if c.id not in claimed]
    for d in drafts:
        if id(d) in ids or d.data.get("id") or not free:
            continue
        question = str(d.data.get("question", ""))
        best = max(free, key=lambda c: difflib.SequenceMatcher(None, c.question, question).ratio())
        if difflib.SequenceMatcher(None, best.question, question).ratio() >= _SIMILAR:
            claimed[best.id] = d
            ids[id(d)] = best.id
            free.remove(best)
    # Pass 3: new ids, never one that is taken.
    taken = elsewhere | mine | set(ids.values())
    for d in drafts:
        if id(d) in ids or (d.problems and d.data.get("id")):
            continue
        base = card_slug(str(d.data.get("question", "")))
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base[: 60 - len(str(n)) - 1]}-{n}", n + 1
        taken.add(slug)
        ids[id(d)] = slug
    cards: dict[int, Card] = {}
    for d in drafts:
        if id(d) in ids and not d.problems:
            with suppress(_Invalid):
                cards[id(d)] = _validate(d, ids[id(d)])
        problems += d.problems
    plan = Planned(path, topic, title, [], [])
    by_existing = {
        ids[id(d)]: cards[id(d)] for d in drafts if id(d) in cards and ids[id(d)] in {c.id for c in existing}
    }
    for card in existing:
        new = by_existing.get(card.id)
        if new is None:
            if card.id in claimed:  # its draft was bad: keep the card as it is
                plan.cards.append(card)
                continue
            (plan.removed if prune else plan.kept).append(card.id)
            if not prune:
                plan.cards.append(card)
            continue
        same = new.model_dump() == card.model_dump()
        (plan.unchanged if same else plan.updated).append(card.id)
        plan.cards.append(new)
    for d in drafts:
        card = cards.get(id(d))
        if card is not None and card.id not in by_existing:
            plan.added.append(card.id)
            plan.cards.append(card)
    known = set(bank.by_id) | {c.id for c in plan.cards}
    for d in drafts:
        card = cards.get(id(d))
        for rel in card.related if card else []:
            if rel not in known:
                problems.append(
                    f"{safe_name(d.source)}:{d.line_of(('related',))}: related: unknown card id `{rel}`"
                )
    return plan, problems


class _Invalid(Exception):
    pass


def _validate(d: Draft, card_id: str) -> Card:
    from interview_drill.bank.messages import validation_problems

    try:
        return Card.model_validate({**d.data, "id": card_id})
    except ValidationError as exc:
        d.problems += validation_problems(exc, Path(safe_name(d.source)), d.line_of, set())
        raise _Invalid from None


def write_plan(plan: ImportPlan, out_dir: Path) -> None:
    """Write the planned bank files that changed (each atomically); creates `out_dir` if missing."""
    if not out_dir.exists():
        try:
            out_dir.mkdir()
        except OSError as exc:
            raise UsageError(
                f"{safe_name(out_dir)}: cannot create the folder ({exc.strerror or exc})"
            ) from None
    elif not out_dir.is_dir():
        raise UsageError(f"{safe_name(out_dir)}: is not a folder")
    for planned in plan.files:
        if planned.changed:
            write_text(planned.path, planned.text, what="bank file")
