"""Bad bank files give exact `path:line: field: message` lines — a table of cases."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from interview_drill.bank import load_files
from interview_drill.errors import BankError

HEAD = "topic: t\ntitle: T\ncards:\n"
CARD = "  - id: c1\n    question: Q?\n    outline: [o]\n"

CASES = [
    ("unknown enum", HEAD + CARD + "    seniority: seniour\n",
     ["{p}:7: cards[0].seniority: must be one of screen, mid, senior, staff (got `seniour`; did you mean `senior`?)"]),
    ("unknown field with hint", HEAD + CARD + "    trap: [x]\n",
     ["{p}:7: cards[0].trap: unknown field; did you mean `traps`?"]),
    ("missing question", HEAD + "  - id: c1\n    outline: [o]\n",
     ["{p}:4: cards[0].question: required field is missing"]),
    ("empty outline", HEAD + "  - id: c1\n    question: Q?\n    outline: []\n",
     ["{p}:6: cards[0].outline: must have at least 1 item"]),
    ("number where text expected", HEAD + "  - id: c1\n    question: 42\n    outline: [o]\n",
     ["{p}:5: cards[0].question: must be text, not the number 42; put it in quotes"]),
    ("yes as boolean", HEAD + CARD + "    traps: [yes]\n",
     ["{p}:7: cards[0].traps[0]: YAML reads `yes` as the boolean True; put it in quotes if you mean the text"]),
    ("sexagesimal", HEAD + CARD + "    numbers:\n      - figure: 1:30\n        about: time\n",
     ["{p}:8: cards[0].numbers[0].figure: YAML reads `1:30` as the number 90; put it in quotes if you mean the text"]),
    ("bad slug", HEAD + "  - id: Bad Id\n    question: Q?\n    outline: [o]\n",
     ["{p}:4: cards[0].id: `Bad Id` is not a valid slug: use lowercase letters, digits and single hyphens (e.g. `lora-rank`)"]),
    ("duplicate key", HEAD + CARD + "    question: again\n",
     ["{p}:7: cards[0].question: duplicate key (first given at line 5)"]),
    ("tab indentation", "topic: t\ntitle: T\ncards:\n\t- id: c1\n",
     ["{p}:4: syntax: not valid YAML; tabs are not allowed for indentation, use spaces …"]),
    ("python tag", HEAD + "  - id: c1\n    question: !!python/object/apply:os.system [ls]\n    outline: [o]\n",
     ["{p}:5: cards[0].question: the YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed in a bank"]),
    ("alias", "topic: t\ntitle: &x T\ncards:\n  - id: c1\n    question: *x\n    outline: [o]\n",
     ["{p}:5: cards[0].question: anchors and aliases (&, *) are not allowed in a bank"]),
    ("empty file", "", ["{p}:1: file: is empty; expected topic, title and cards"]),
    ("only a comment", "# nothing\n", ["{p}:1: file: is empty; expected topic, title and cards"]),
    ("not a mapping", "- a\n- b\n", ["{p}:1: file: must be a mapping with topic, title and cards"]),
    ("no cards", "topic: t\ntitle: T\ncards: []\n", ["{p}:3: cards: must have at least 1 item"]),
    ("topic per card", HEAD + CARD + "    topic: other\n",
     ["{p}:4: cards[0]: `topic` is set once at the top of the file, not per card"]),
    ("follow-up wrong type", HEAD + CARD + "    follow_ups: [42]\n",
     ["{p}:7: cards[0].follow_ups[0]: must be a question (text) or a mapping with question and answer, not the number 42"]),
    ("unknown related", HEAD + CARD + "    related: [c2]\n", ["{p}:7: cards[0].related[0]: unknown card id `c2`"]),
    ("two problems, in line order", HEAD + "  - id: c1\n    question: Q?\n    outline: [o]\n    kind: trick\n    seniority: boss\n",
     ["{p}:7: cards[0].kind: must be one of conceptual, scenario, design, debugging, coding (got `trick`)",
      "{p}:8: cards[0].seniority: must be one of screen, mid, senior, staff (got `boss`)"]),
]  # fmt: skip


@pytest.mark.parametrize(("name", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_bad_file_errors(tmp_path: Path, name: str, text: str, expected: list[str]):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BankError) as info:
        load_files([path])
    got = info.value.problems
    want = [line.format(p=path) for line in expected]
    # `…` marks the parser's own detail: its wording is PyYAML's, so only ours is pinned.
    assert len(got) == len(want), got
    for line, pattern in zip(got, want, strict=True):
        assert re.fullmatch(".*".join(map(re.escape, pattern.split("…"))), line), (line, pattern)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            b"\xef\xbb\xbftopic: t\n",
            "{p}:1: file: starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM",
        ),
        (b"topic: t\ntitle: caf\xe9\n", "{p}:2: file: is not valid UTF-8 (byte 0xe9); save it as UTF-8"),
    ],
)
def test_bad_bytes(tmp_path: Path, raw: bytes, expected: str):
    path = tmp_path / "bad.yaml"
    path.write_bytes(raw)
    with pytest.raises(BankError) as info:
        load_files([path])
    assert info.value.problems == [expected.format(p=path)]


def test_file_over_size_limit_is_refused_without_parsing(tmp_path: Path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# " + b"x" * (5 * 1024 * 1024) + b"\n")
    with pytest.raises(BankError) as info:
        load_files([path])
    assert info.value.problems == [f"{path}:1: file: is 5.2 MB; bank files are limited to 5 MB"]


def test_duplicate_ids_across_files_name_both_places(tmp_path: Path):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(HEAD + CARD)
    b.write_text("topic: u\ntitle: U\ncards:\n" + CARD)
    with pytest.raises(BankError) as info:
        load_files([a, b])
    assert info.value.problems == [f"{b}:4: cards[0].id: id `c1` is already used at {a}:4"]


def test_alias_colliding_with_an_id_is_an_error(tmp_path: Path):
    a = tmp_path / "a.yaml"
    a.write_text(HEAD + CARD + "  - id: c2\n    question: Q\n    outline: [o]\n    aliases: [c1]\n")
    with pytest.raises(BankError) as info:
        load_files([a])
    assert info.value.problems == [f"{a}:10: cards[1].aliases[0]: id `c1` is already used at {a}:4"]


def test_problems_of_all_files_are_collected(tmp_path: Path):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(HEAD + CARD + "    kind: x\n")
    b.write_text("")
    with pytest.raises(BankError) as info:
        load_files([a, b])
    assert len(info.value.problems) == 2
    assert info.value.problems[0].startswith(f"{a}:7: cards[0].kind:")
    assert info.value.problems[1].startswith(f"{b}:1: file:")


def test_good_file_loads_with_topics_and_ids(tmp_path: Path):
    a = tmp_path / "a.yaml"
    a.write_text(
        HEAD
        + CARD
        + "  - id: c2\n    question: Q\n    outline: [o]\n    aliases: [old-c2]\n    related: [c1]\n"
    )
    bank = load_files([a])
    assert [c.id for c in bank.cards] == ["c1", "c2"]
    assert bank.topics == {"t": "T"}
    assert bank.get("old-c2").id == "c2"


def test_an_integer_too_long_to_print_is_one_problem(tmp_path: Path):
    """Found by the token-soup fuzz: repr() of a 5,000-digit int raises ValueError in Python 3.11+."""
    path = tmp_path / "bad.yaml"
    digits = "0b" + "1" * 15_000  # reads as an int of ~4,500 decimal digits
    path.write_text(f"topic: t\ntitle: T\ncards:\n  - id: c1\n    question: {digits}\n    outline: [o]\n")
    with pytest.raises(BankError) as info:
        load_files([path])
    assert info.value.problems == [
        f"{path}:5: cards[0].question: YAML reads `{digits[:59]}…` as a huge number; put it in quotes if you mean the text"
    ]
