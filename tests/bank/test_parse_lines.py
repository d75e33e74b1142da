"""The line reader (`bank.parse_lines`): the quickest path, which must read exactly as YAML does or give up.

Whenever it returns data, the careful parser must give the same data and no problem; anything it
does not fully understand must make it give up (`SLOW`), never guess.
"""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interview_drill.bank import load_files
from interview_drill.bank import parse as parse_module
from interview_drill.bank import parse_fast as parse_fast_module
from interview_drill.bank.parse import parse_text
from interview_drill.bank.parse_lines import read_lines
from interview_drill.bank.yaml_rules import SLOW
from interview_drill.paths import builtin_bank_dir

from ..bank.test_bank_fuzz import TOKENS, banks
from ..conftest import REPO, SAMPLE_BANK


def lines(text: str):
    return read_lines(text, text.encode())


def careful(text: str):
    parsed = parse_text(text, Path("bank.yaml"))
    return parsed.data, parsed.problems


def bench_bank(folder: Path) -> list[Path]:
    """A small bank from the bench's generator: the layout the bench's 10,000 cards have."""
    spec = importlib.util.spec_from_file_location("bench_data", REPO / "scripts" / "bench_data.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.write_bank(folder, 120, n_files=3)


def test_real_banks_take_the_line_path(tmp_path: Path):
    files = sorted(builtin_bank_dir().glob("*.yaml")) + sorted(SAMPLE_BANK.glob("*.yaml"))
    files += bench_bank(tmp_path / "bench")
    for path in files:
        text = path.read_text(encoding="utf-8")
        data = lines(text)
        assert data is not SLOW, path
        assert careful(text) == (data, []), path
        windows = text.replace("\n", "\r\n")  # as an editor (or git's autocrlf) on Windows saves it
        assert lines(windows) == data, path
        assert careful(windows) == (data, []), path


def test_the_loader_reads_ordinary_banks_with_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    files = bench_bank(tmp_path / "bench")
    expected = load_files(files, cache=False)

    def no_yaml_parser(*_: object) -> None:
        raise AssertionError("an ordinary bank went past the line reader")

    monkeypatch.setattr(parse_fast_module, "Loader", no_yaml_parser)
    monkeypatch.setattr(parse_module, "parse_text", no_yaml_parser)
    got = load_files(files, cache=False)
    assert [c.model_dump() for c in got.cards] == [c.model_dump() for c in expected.cards]


@pytest.mark.parametrize(
    ("text", "data"),
    [
        ("a: x\nb: 'it''s'\nc: \"q\"\n", {"a": "x", "b": "it's", "c": "q"}),
        ("a: b c  \nd: x#y\ne: x:y\n", {"a": "b c", "d": "x#y", "e": "x:y"}),
        ("a:\n  - x\n  - y\nb:\n- z\n- w\n", {"a": ["x", "y"], "b": ["z", "w"]}),  # indented, compact
        (
            "a:\n- k: 1\n  j: [p, q]\n- k: 2\nb: end\n",
            {"a": [{"k": 1, "j": ["p", "q"]}, {"k": 2}], "b": "end"},
        ),
        ("a:   \nb: ~\nc: null\nd:\n", {"a": None, "b": None, "c": None, "d": None}),
        ("a: [yes, x]\n", None),  # yes: a YAML 1.1 surprise, which the careful parser explains
        ("a: [true, 1.5, 7, x y, =]\nb: []\nc: [ ]\n", {"a": [True, 1.5, 7, "x y", "="], "b": [], "c": []}),
        (
            "a: true\nb: 12\nc: 2024-01-01\nd: Yesterday\ne: nothing\n",
            {"a": True, "b": 12, "c": date(2024, 1, 1), "d": "Yesterday", "e": "nothing"},
        ),
        ('a: "tab\\there \\"q\\" \\\\ \\x41\\u00e9\\U0001F600\\n"\n', {"a": 'tab\there "q" \\ Aé😀\n'}),
        (
            "a: >-\n  one two\n  three\nb: |\n  l1\n  l2\n\nc: >\n  f\n",
            {"a": "one two three", "b": "l1\nl2\n", "c": "f\n"},
        ),
        ("- x\n", None),  # not a mapping
        ("# head\n\na: 1\n   # deeper comment\nb:\n  # inside\n  - x\n", {"a": 1, "b": ["x"]}),
        ("a:\n  b:\n    c:\n      - d: [e]\n        f: g\n", {"a": {"b": {"c": [{"d": ["e"], "f": "g"}]}}}),
        ("-  a: 1\n", None),
        ("a:\n  -   k: 1\n      j: 2\n", {"a": [{"k": 1, "j": 2}]}),
        ("a: é → ≈ ×\n", {"a": "é → ≈ ×"}),
        ("a: °±µ\n", {"a": "°±µ"}),
    ],
)
def test_what_it_reads(text: str, data: object):
    got = lines(text)
    if data is None:
        assert got is SLOW
    else:
        assert got == data
        assert careful(text) == (data, [])


@pytest.mark.parametrize(
    "text",
    [
        "a: one\n  two\n",  # a value running on to the next line
        "a:\n  one\n",
        "- a\n - b\n",
        "a: x\tb\n",  # a tab
        "a: x\rb: y\r",  # lone CRs: line breaks to YAML
        "a: x\r\nb: y\r",
        "a: x\x85y\n",  # NEL, a line break to YAML 1.1
        "a: x\u2028y\n",
        "a: x\x80y\n",  # a C1 control
        "a: x\x07\n",
        "\ufeffa: x\n",  # a byte-order mark
        "a: b: c\n",
        "a: b #c\n",
        "a: b:\n",
        "a: -x\n",
        "a: - x\n",
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a: {b: 1}\n",
        "a: [b, [c]]\n",
        "a: [b,]\n",
        "a: [-1]\n",
        "a: [b: c]\n",
        "? a\n: b\n",
        "<<: x\n",
        "a: 1\na: 2\n",  # duplicate key
        "a: 'x\n",
        "a: 'x'y'\n",
        'a: "x\n',
        'a: "x" y\n',
        'a: "\\q"\n',  # an escape YAML does not know
        'a: "\\ud800"\n',  # a surrogate: the two PyYAML scanners disagree
        "a: |\n  x\n    more\n",  # a more-indented line
        "a: |\n  x\n\n  y\n",  # a blank line inside
        "a: |\n\n  x\n",
        "a: |\n  x \n",  # trailing spaces
        "a: |\n   \n  x\n",
        "a: |+\n  x\n",
        "a: >2\n   x\n",
        "a: | # c\n  x\n",
        "a: |\n  x",  # no line break at the end
        "a: |\nb: 1\n",  # empty
        "a:\n -\n  x\n",
        "a:\n  - - x\n",
        " a: 1\n",
        "a:\n    b: 1\n  c: 2\n",  # between two levels
        "---\na: 1\n",
        "a: 1\n...\n",
        "%YAML 1.1\n---\na: 1\n",
        "",
        "# only a comment\n",
        "key with space: 1\n",
        "x" * 129 + ": 1\n",
        "a: yes\n",
        "a: 010\n",
        "a: 1:30\n",
        "".join(f"{'  ' * i}k{i}:\n" for i in range(14)) + "  " * 14 + "x: 1\n",  # deep
    ],
)
def test_what_it_leaves_to_the_others(text: str):
    assert lines(text) is SLOW


# ---------------------------------------------------------------- soundness on generated text

SOUND = settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def check_sound(text: str) -> None:
    for variant in (text, text.replace("\n", "\r\n")):  # also with Windows line ends
        got = lines(variant)
        if got is not SLOW:
            assert careful(variant) == (got, [])


@SOUND
@given(parts=st.lists(st.sampled_from(TOKENS), max_size=60))
def test_sound_on_token_soup(parts: list[str]):
    check_sound("".join(parts))


@SOUND
@given(data=banks())
def test_sound_on_plausible_banks(data):
    check_sound(yaml.safe_dump(data, default_flow_style=False, allow_unicode=True, sort_keys=False))


KEYS = st.sampled_from(["a", "b", "id", "k-1", "_x", "yes", "1", "null", "x" * 130])
GOOD = st.sampled_from(
    ["x", "hello world", "Tag-6", "a#b", "a:b", "é ü", "→ ≈", "a  b", "it's", 'say "hi"', "1.5", "x y "]
)
ODD = st.sampled_from([
    "yes", "No", "~", "null", "1", "-1", "010", "1:30", "2024-01-01", "=", "a: b", "a #b", "ends:",
    "True", "1e3", ".inf", "+1", "#c", "back\\slash", "tab\there", "nl\nline", "\u2028", "\x85", "\x07",
    "", " lead", "[x]", "{y}", "|", ">", "-", "- x", "&a", "*a", "!t", "%", "@", "`", "'", '"',
])  # fmt: skip
LEAVES = st.one_of(*[GOOD] * 12, ODD)
TREES = st.recursive(
    LEAVES,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=3)),
    max_leaves=10,
)


@st.composite
def block_documents(draw: st.DrawFn) -> str:
    """Mappings, lists and scalars written out in YAML's block layout, in many styles, sometimes damaged."""
    step = draw(st.sampled_from([1, 2, 3, 4]))
    compact = draw(st.booleans())
    out: list[str] = []

    def scalar(value: str, head: str, column: int) -> None:
        style = draw(st.sampled_from(["plain", "double", "single", "block"]))
        if style == "plain":
            out.append(f"{head} {value}")
        elif style == "double":
            if draw(st.booleans()):
                value = (
                    value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
                )
            out.append(f'{head} "{value}"')
        elif style == "single":
            out.append(f"{head} '" + value.replace("'", "''") + "'")
        else:
            out.append(f"{head} " + draw(st.sampled_from(["|", "|-", ">", ">-"] * 3 + ["|+", ">2", "| #c"])))
            body = st.sampled_from(["a", "b c", "# d", "x: y", "- z"] * 4 + ["  e", "", "f ", " "])
            out.extend(" " * (column + step) + b if b else "" for b in draw(st.lists(body, max_size=3)))

    def node(value: object, head: str, column: int) -> None:
        """`head` is what starts the line (`key:` or `-`) at `column`."""
        if isinstance(value, dict) and value:
            if head.endswith("-") and draw(st.booleans()):  # `- key: value`, the rest below the key
                for i, (k, v) in enumerate(value.items()):
                    node(v, (head + " " if i == 0 else " " * (column + 2)) + k + ":", column + 2)
                return
            out.append(head)
            for k, v in value.items():
                node(v, " " * (column + step) + k + ":", column + step)
        elif isinstance(value, list) and value:
            if all(isinstance(v, str) for v in value) and draw(st.booleans()):
                out.append(f"{head} [{', '.join(value)}]")  # type: ignore[arg-type]
                return
            out.append(head)
            inner = column if compact and head.endswith(":") else column + step
            for v in value:
                node(v, " " * inner + "-", inner)
        elif isinstance(value, (dict, list)):
            out.append(head + (" {}" if isinstance(value, dict) else " []"))
        else:
            scalar(str(value), head, column)

    for k, v in draw(st.dictionaries(KEYS, TREES, min_size=1, max_size=4)).items():
        node(v, k + ":", 0)
        if draw(st.booleans()):
            out.append(draw(st.sampled_from(["", "# comment", "  # c", "   "])))
    text = "\n".join(out) + draw(st.sampled_from(["\n", "", "\n\n"]))
    if draw(st.integers(0, 3)) == 0:
        at = draw(st.integers(0, len(text)))
        text = (
            text[:at] + draw(st.sampled_from([" ", "\n", "-", ":", "#", "\n  ", "'", '"', "\\"])) + text[at:]
        )
    return text


@settings(max_examples=600, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=block_documents())
def test_sound_on_block_documents(text: str):
    check_sound(text)
