"""Content rules for the built-in question bank, and its coverage of the source documents.

The schema (field types, slugs, known related ids) is enforced by the loader; these tests enforce
what makes a card complete and useful: enough outline, follow-ups with answers, traps, figures, a
source, and a manifest (`tests/data/source_coverage.yaml`) mapping every question of the five
source documents to the cards that cover it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from interview_drill.bank import Bank, load_bank
from interview_drill.domain.cards import SLUG_PATTERN, Card

MANIFEST = Path(__file__).resolve().parents[1] / "data" / "source_coverage.yaml"
# The source documents live outside the repository, next to it in the shared workspace.
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"

MIN_CARDS = 250
# The balance the bank keeps (question bank parts 3 and 4): enough staff and senior material, enough
# coding, debugging and design questions, and no thin topic.
MIN_PER_SENIORITY = {"staff": 30, "senior": 70}
MIN_PER_KIND = {"coding": 40, "debugging": 25, "design": 25}
MIN_PER_TOPIC = 8
MIN_TOPIC_CARDS = {"scenarios": 15}
# Frontier post-training and systems topics that a 2026 interview reaches (parts 3 and 4).
REQUIRED_TOPICS = {
    "rl", "reward-models", "synthetic-data", "architecture", "agents-safety", "reasoning",
    "systems", "serving", "design-round",
}  # fmt: skip
OUTLINE_RANGE = (3, 8)
MIN_FOLLOW_UPS = 2
MIN_TRAPS = 1
MIN_SHARE_WITH_NUMBERS = 0.85
MIN_QUESTION_CHARS = 15

# Hard floor of interview questions per source document (000 counts its 15 question chapters).
MIN_QUESTIONS = {
    "000_582e7fe84d40d5fd.txt": 15,
    "001_1cc6865073a4ecee.txt": 42,
    "002_b716b88086a2dd42.txt": 3,
    "003_df5ba7bfe2f6cbfa.txt": 14,
    "004_e2e473968dbb3ec2.txt": 10,
}


# ---------------------------------------------------------------- counting questions in the seeds


def _count_000(text: str) -> int:
    # Chapter titles such as "02:41 Q1 — Pretraining vs ...".
    return len(set(re.findall(r"\bQ(\d+) — ", text)))


def _count_001(text: str) -> int:
    return len(re.findall(r'^Q: "', text, re.MULTILINE))


def _count_002(text: str) -> int:
    scenarios = set(re.findall(r"^Scenario (\d+):", text, re.MULTILINE))
    has_filter = re.search(r"^The Filter Question:", text, re.MULTILINE) is not None
    return len(scenarios) + int(has_filter)


def _count_003(text: str) -> int:
    # Each Q&A starts with a line that is the question itself.
    return len(re.findall(r"^[A-Z][^\n?]{4,200}\?$", text, re.MULTILINE))


def _count_004(text: str) -> int:
    return len(set(re.findall(r"\(Interview Question (\d+)\)", text)))


SEED_COUNTERS: dict[str, Callable[[str], int]] = {
    "000_582e7fe84d40d5fd.txt": _count_000,
    "001_1cc6865073a4ecee.txt": _count_001,
    "002_b716b88086a2dd42.txt": _count_002,
    "003_df5ba7bfe2f6cbfa.txt": _count_003,
    "004_e2e473968dbb3ec2.txt": _count_004,
}


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank([], include_builtin=True)


@pytest.fixture(scope="module")
def cards(bank: Bank) -> list[Card]:
    return bank.cards


@pytest.fixture(scope="module")
def manifest() -> dict:
    data = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{MANIFEST.name}: must be a mapping with `sources` and `additions`"
    assert isinstance(data.get("sources"), dict), f"{MANIFEST.name}: `sources` must map file names to lists"
    assert isinstance(data.get("additions"), list), f"{MANIFEST.name}: `additions` must be a list of card ids"
    return data


def _fail(problems: list[str], what: str) -> None:
    if problems:
        pytest.fail(f"{len(problems)} {what}:\n  " + "\n  ".join(problems), pytrace=False)


# ---------------------------------------------------------------- the bank as a whole


def test_builtin_bank_loads_and_is_large_enough(bank: Bank) -> None:
    # load_bank raises BankError (with every problem listed) if any file fails validation.
    assert len(bank.cards) >= MIN_CARDS, f"the built-in bank has {len(bank.cards)} cards; need >= {MIN_CARDS}"


def test_the_bank_keeps_its_balance(bank: Bank) -> None:
    from collections import Counter

    levels = Counter(c.seniority for c in bank.cards)
    kinds = Counter(c.kind for c in bank.cards)
    topics = Counter(c.topic for c in bank.cards)
    problems = [f"{n} {level} cards; need >= {want}" for level, want in MIN_PER_SENIORITY.items()
                if (n := levels[level]) < want]  # fmt: skip
    problems += [
        f"{n} {kind} cards; need >= {want}"
        for kind, want in MIN_PER_KIND.items()
        if (n := kinds[kind]) < want
    ]
    problems += [
        f"topic `{t}` has {n} cards; need >= {MIN_PER_TOPIC}" for t, n in topics.items() if n < MIN_PER_TOPIC
    ]
    problems += [f"topic `{t}` has {topics[t]} cards; need >= {want}" for t, want in MIN_TOPIC_CARDS.items()
                 if topics[t] < want]  # fmt: skip
    problems += [f"topic `{t}` is missing" for t in sorted(REQUIRED_TOPICS - set(topics))]
    _fail(problems, "balance problems")


def test_sources_are_public(cards: list[Card]) -> None:
    """Users do not have the seed documents: every source names public material."""
    problems = [f"card `{c.id}`: source cites the seed documents: {c.source!r}"
                for c in cards if re.search(r"\bseed\b", c.source, re.IGNORECASE)]  # fmt: skip
    _fail(problems, "cards citing non-public material")


def test_topic_equals_file_stem(bank: Bank) -> None:
    problems = []
    for path in bank.files:
        topic = yaml.safe_load(path.read_text(encoding="utf-8")).get("topic")
        if topic != path.stem:
            problems.append(f"{path.name}: topic is `{topic}`, expected `{path.stem}`")
    _fail(problems, "topic files whose topic does not match the file name")


def test_question_texts_are_substantial_and_unique(cards: list[Card]) -> None:
    problems = []
    seen: dict[str, str] = {}
    for card in cards:
        text = card.question.strip()
        if len(text) < MIN_QUESTION_CHARS:
            problems.append(f"card `{card.id}`: question is only {len(text)} characters: {text!r}")
        key = re.sub(r"\s+", " ", text).casefold()
        if key in seen:
            problems.append(f"card `{card.id}`: question duplicates card `{seen[key]}`: {text!r}")
        else:
            seen[key] = card.id
    _fail(problems, "question problems")


# ---------------------------------------------------------------- every card is complete


def test_outline_has_three_to_eight_bullets(cards: list[Card]) -> None:
    low, high = OUTLINE_RANGE
    problems = [
        f"card `{c.id}`: outline has {len(c.outline)} bullets; need {low}–{high}"
        for c in cards
        if not low <= len(c.outline) <= high
    ]
    _fail(problems, "cards with a wrong-sized outline")


def test_follow_ups_are_enough_and_mostly_answered(cards: list[Card]) -> None:
    problems = []
    for card in cards:
        total = len(card.follow_ups)
        if total < MIN_FOLLOW_UPS:
            problems.append(f"card `{card.id}`: has {total} follow-up(s); need >= {MIN_FOLLOW_UPS}")
            continue
        unanswered = [f.question for f in card.follow_ups if not f.answer.strip()]
        if 2 * (total - len(unanswered)) < total:
            problems.append(
                f"card `{card.id}`: only {total - len(unanswered)} of {total} follow-ups have an answer; "
                f"need at least half (missing: {'; '.join(unanswered)})"
            )
    _fail(problems, "cards with missing follow-ups or answers")


def test_every_card_has_a_trap(cards: list[Card]) -> None:
    problems = [f"card `{c.id}`: has no trap" for c in cards if len(c.traps) < MIN_TRAPS]
    _fail(problems, "cards without traps")


def test_every_card_names_its_source(cards: list[Card]) -> None:
    problems = [f"card `{c.id}`: source is empty" for c in cards if not c.source.strip()]
    _fail(problems, "cards without a source")


def test_most_cards_carry_a_figure(cards: list[Card]) -> None:
    without = [c.id for c in cards if not c.numbers]
    share = 1 - len(without) / len(cards)
    assert share >= MIN_SHARE_WITH_NUMBERS, (
        f"only {share:.0%} of cards have at least one entry in `numbers` (need >= "
        f"{MIN_SHARE_WITH_NUMBERS:.0%}); cards without figures: {', '.join(without)}"
    )


def test_every_card_has_slug_tags(cards: list[Card]) -> None:
    slug = re.compile(SLUG_PATTERN)
    problems = []
    for card in cards:
        if not card.tags:
            problems.append(f"card `{card.id}`: has no tags")
        problems += [
            f"card `{card.id}`: tag `{t}` is not a lowercase slug" for t in card.tags if not slug.match(t)
        ]
    _fail(problems, "tag problems")


# ---------------------------------------------------------------- source coverage manifest


def _derived_ids(manifest: dict) -> dict[str, list[str]]:
    """card id -> the sources whose questions list it."""
    out: dict[str, list[str]] = {}
    for source, entries in manifest["sources"].items():
        for entry in entries or []:
            for card_id in entry.get("cards") or []:
                out.setdefault(card_id, []).append(source)
    return out


def test_manifest_entries_are_well_formed(manifest: dict) -> None:
    problems = []
    for source, entries in manifest["sources"].items():
        if not isinstance(entries, list) or not entries:
            problems.append(f"{source}: must list its questions")
            continue
        for i, entry in enumerate(entries):
            where = f"{source} entry {i + 1}"
            if not isinstance(entry, dict) or set(entry) != {"question", "cards"}:
                problems.append(f"{where}: must have exactly `question` and `cards`")
                continue
            if not str(entry["question"] or "").strip():
                problems.append(f"{where}: the question label is empty")
            if not isinstance(entry["cards"], list) or not entry["cards"]:
                problems.append(f"{where} ({entry['question']!r}): lists no cards")
    _fail(problems, "malformed manifest entries")


def test_manifest_ids_exist(bank: Bank, manifest: dict) -> None:
    problems = []
    listed = [(f"source {src}", cid) for cid, srcs in _derived_ids(manifest).items() for src in srcs]
    listed += [("additions", cid) for cid in manifest["additions"]]
    for where, card_id in listed:
        if card_id in bank.by_id:
            continue
        if card_id in bank.alias_of:
            problems.append(f"{where}: `{card_id}` is a former id; list `{bank.alias_of[card_id]}` instead")
        else:
            hint = bank.close_ids(str(card_id), n=1)
            problems.append(
                f"{where}: card `{card_id}` does not exist"
                + (f" (did you mean `{hint[0]}`?)" if hint else "")
            )
    _fail(problems, "unknown card ids in the manifest")


def test_every_card_is_in_the_manifest(cards: list[Card], manifest: dict) -> None:
    derived = _derived_ids(manifest)
    additions = set(manifest["additions"])
    problems = [
        f"card `{c.id}` ({c.topic}): not listed under any source question nor in `additions`"
        for c in cards
        if c.id not in derived and c.id not in additions
    ]
    problems += [
        f"card `{cid}`: is in `additions` but also listed under {', '.join(sorted(set(derived[cid])))}"
        for cid in sorted(additions & set(derived))
    ]
    _fail(problems, "manifest coverage problems")


@pytest.mark.parametrize("source", sorted(MIN_QUESTIONS))
def test_manifest_lists_the_minimum_questions(manifest: dict, source: str) -> None:
    listed = len(manifest["sources"].get(source) or [])
    assert listed >= MIN_QUESTIONS[source], (
        f"{source}: the manifest lists {listed} questions; the source has at least {MIN_QUESTIONS[source]}"
    )


@pytest.mark.parametrize("source", sorted(SEED_COUNTERS))
def test_manifest_lists_every_question_of_the_seed(manifest: dict, source: str) -> None:
    path = SEEDS / source
    if not path.is_file():
        pytest.skip(f"source documents are not available at {SEEDS} (they live outside the repository)")
    found = SEED_COUNTERS[source](path.read_text(encoding="utf-8"))
    assert found >= MIN_QUESTIONS[source], (
        f"{source}: counted only {found} questions in the seed (expected >= {MIN_QUESTIONS[source]}); "
        "has the document's layout changed?"
    )
    listed = len(manifest["sources"].get(source) or [])
    assert listed >= found, f"{source}: the seed has {found} questions but the manifest lists only {listed}"


def test_manifest_covers_every_seed_document(manifest: dict) -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"source documents are not available at {SEEDS} (they live outside the repository)")
    missing = sorted(p.name for p in SEEDS.glob("*.txt") if p.name not in manifest["sources"])
    assert not missing, f"source documents with no entry in the manifest: {', '.join(missing)}"


def test_readme_counts_match_the_bank(bank: Bank) -> None:
    """The README's topic × seniority table is the bank's, so it cannot drift."""
    from collections import Counter

    from ..conftest import REPO

    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- bank-counts:")[1].split("<!-- /bank-counts -->")[0]
    written = {}
    for line in block.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[1].isdigit():
            written[cells[0].strip("*")] = [int(c) for c in cells[1:]]
    levels = ("screen", "mid", "senior", "staff")
    actual = {}
    for topic in bank.topics:
        counts = Counter(c.seniority for c in bank.cards if c.topic == topic)
        actual[topic] = [counts[level] for level in levels] + [sum(counts.values())]
    everything = Counter(c.seniority for c in bank.cards)
    actual["all"] = [everything[level] for level in levels] + [len(bank.cards)]
    assert written == actual
    kinds = Counter(c.kind for c in bank.cards)
    line = "By kind: " + ", ".join(
        f"{k} {kinds[k]}" for k in ("conceptual", "scenario", "design", "debugging", "coding")
    )
    assert line in block
