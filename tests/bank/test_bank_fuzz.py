"""Property tests: whatever is in a bank file, loading it gives a Bank or a clean BankError.

Never another exception, never a crash, and every problem is one `path:line: field: message` line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interview_drill.bank import Bank, load_files
from interview_drill.errors import BankError

PROBLEM_LINE = re.compile(r"^.+:\d+: [^:]+: .+$")

FUZZ = settings(
    max_examples=200,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the work tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def bank_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "bank.yaml"


def check(path: Path) -> None:
    try:
        bank = load_files([path])
    except BankError as exc:
        assert exc.problems
        for line in exc.problems:
            assert PROBLEM_LINE.fullmatch(line), repr(line)
            assert line.startswith(f"{path}:"), repr(line)
    else:
        assert isinstance(bank, Bank)


# ---------------------------------------------------------------- anything at all


@FUZZ
@given(text=st.text())
def test_any_text(bank_path: Path, text: str):
    bank_path.write_text(text, encoding="utf-8")
    check(bank_path)


@FUZZ
@given(raw=st.binary())
def test_any_bytes(bank_path: Path, raw: bytes):
    bank_path.write_bytes(raw)
    check(bank_path)


# YAML's punctuation, tags, anchors, YAML 1.1 look-alikes and the bank's own keys, shuffled.
TOKENS = [
    "\n", "  ", "    ", "\t", "- ", "-", ": ", ":", "? ", ",", "[", "]", "{", "}", "'", '"', "#", "|", ">",
    "&a ", "*a", "&b ", "*b", "<<: ", "!!python/name:os.system ", "!custom ", "!!binary ", "!!int ",
    "!!timestamp ", "!!set ", "!!str ", "! ", "---\n", "...\n", "%YAML 1.1\n", "~", "null", "yes", "no",
    "on", "off", "010", "0x1F", "1:30", "1.50", ".nan", "-.inf", "1_000", "2024-13-45", "2024-01-01",
    "9" * 5000, "=", "\\", "\\n", "\\e", "\\x00", "\u2028", "\ufeff", "\x85", "é", "\x07", "\x1b",
    "topic", "title", "cards", "id", "question", "outline", "numbers", "figure", "about", "follow_ups",
    "answer", "traps", "seniority", "kind", "frequency", "related", "aliases", "tags", "source", "mid",
    "card-one", "Card One", "x",
]  # fmt: skip


@FUZZ
@given(parts=st.lists(st.sampled_from(TOKENS), max_size=60))
def test_yaml_token_soup(bank_path: Path, parts: list[str]):
    bank_path.write_text("".join(parts), encoding="utf-8")
    check(bank_path)


# ---------------------------------------------------------------- plausible banks, mutated

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=20),
    st.sampled_from(["mid", "senior", "seniour", "yes", "no", "on", "1:30", "010", "card-one", "Bad Id", ""]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.text(max_size=10), st.integers(), st.booleans()), inner, max_size=4),
    ),
    max_leaves=12,
)
FIELDS = [
    "id", "question", "outline", "numbers", "follow_ups", "traps", "seniority", "frequency", "kind",
    "tags", "related", "aliases", "source", "topic", "answer", "figure",
]  # fmt: skip


@st.composite
def cards(draw: st.DrawFn, index: int) -> dict:
    card: dict = {
        "id": f"card-{index}",
        "question": "What is it?",
        "outline": ["a point"],
        "numbers": [{"figure": "8", "about": "the rank"}],
        "follow_ups": ["And then?", {"question": "Why?", "answer": "Because."}],
        "seniority": "mid",
        "related": [f"card-{max(index - 1, 0)}"],
    }
    for _ in range(draw(st.integers(0, 3))):
        action = draw(st.sampled_from(["set", "drop", "nest"]))
        name = draw(st.sampled_from(FIELDS))
        if action == "set":
            card[name] = draw(VALUES)
        elif action == "drop":
            card.pop(name, None)
        else:
            card["numbers"] = [{"figure": draw(VALUES), "about": draw(VALUES)}]
    return card


@st.composite
def banks(draw: st.DrawFn) -> dict | list:
    data: dict = {
        "topic": draw(st.sampled_from(["bad", "Bad Topic", "t"])),
        "title": draw(st.one_of(st.just("A bank"), VALUES)),
        "cards": [draw(cards(i)) for i in range(draw(st.integers(0, 4)))],
    }
    if draw(st.booleans()):
        data[draw(st.sampled_from(["topic", "title", "cards", "author"]))] = draw(VALUES)
    return data if draw(st.integers(0, 9)) else list(data.items())


def dump(data: object, flow: bool, unicode: bool) -> str:
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=flow, allow_unicode=unicode)


@FUZZ
@given(data=banks(), flow=st.booleans(), unicode=st.booleans())
def test_plausible_banks(bank_path: Path, data: object, flow: bool, unicode: bool):
    bank_path.write_text(dump(data, flow, unicode), encoding="utf-8")
    check(bank_path)


@FUZZ
@given(data=banks(), cut=st.integers(0, 10_000), length=st.integers(0, 8), insert=st.sampled_from(TOKENS))
def test_plausible_banks_with_a_corrupted_spot(
    bank_path: Path, data: object, cut: int, length: int, insert: str
):
    text = dump(data, flow=False, unicode=True)
    at = cut % (len(text) + 1)
    bank_path.write_text(text[:at] + insert + text[at + length :], encoding="utf-8")
    check(bank_path)
