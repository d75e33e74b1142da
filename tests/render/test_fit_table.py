"""`FitTable` and `FitGroup` draw exactly what Rich's Table and Group draw: the same bytes, with or
without colour.

Their direct paths (every cell, every line of text, one line that fits) are checked against
`rich.table.Table` and `rich.console.Group` on random tables, grids and lines at many widths and
colour systems, and `idrill stats` itself is compared with the same command drawn with Rich's Table
and Group, on a terminal, in a pipe and with NO_COLOR.
"""

from __future__ import annotations

import importlib.util
import io
import random
import re
from pathlib import Path

import pytest
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from interview_drill.render import stats as stats_render
from interview_drill.render.terminal import FitGroup, FitTable

from ..conftest import REPO, pin_clock, run

WORDS = ["a", "lora", "667/833", "89%", "—", "many lapses", "[b]x[/b]", "[red]z", "[", " y", "日本語", "é", "",
         "foundations-and-more", ":smile:"]  # fmt: skip
ODD = ["x ", "a\tb", "bell\x07", "two\nlines"]  # never drawn by the fast path
STYLES = ["", "bold", "dim", "red", "bold green", "italic on blue"]
COLOURS = [None, "standard", "256", "truecolor"]  # None: no colour (a pipe)


def _cell(rng: random.Random) -> str | Text:
    word = rng.choice(ODD if rng.random() < 0.03 else WORDS)
    kind = rng.random()
    if kind < 0.4:
        return word
    if kind < 0.7:
        return Text(word, style=rng.choice(STYLES))
    return Text.assemble((word, rng.choice(STYLES)), ": ", (rng.choice(WORDS), "italic"))


def _table(seed: int, cls: type[Table]) -> Table:
    rng = random.Random(seed)
    if rng.random() < 0.25:  # a grid, as `stats` indents its lists with
        table = cls.grid(padding=rng.choice([(0, 1, 0, 0), (0, 2, 0, 0), 0, 1]))
    else:
        options: dict = {"box": None, "pad_edge": rng.random() < 0.3, "show_header": rng.random() < 0.8}
        if rng.random() < 0.7:
            titles = ["Topics, weakest first", "T", "[b]x", "a title longer than most tables"]
            options["title"] = rng.choice(titles)
            options["title_justify"] = "left"
            options["title_style"] = rng.choice(["bold", None, "", "dim red"])
        if rng.random() < 0.3:
            options["padding"] = (0, 1, 0, 0)
        table = cls(**options)
    columns = rng.randint(1, 6)
    for _ in range(columns):
        table.add_column(
            rng.choice(["#", "topic", "seen", "", "why", "[b]h"]),
            justify=rng.choice(["left", "right"]),
            style=rng.choice(STYLES),
            header_style=rng.choice(["", "", "underline"]),
            no_wrap=rng.random() < 0.5,
            width=rng.choice([None] * 8 + [0, 5]),
            max_width=rng.choice([None] * 6 + [18, 3]),
            ratio=rng.choice([None, None, 1]),
            overflow=rng.choice(["ellipsis", "fold"]),
        )
    for _ in range(rng.randint(0, 5)):
        table.add_row(*[_cell(rng) for _ in range(columns)])
    return table


def _draw(table: Table | Group, width: int, colours: str | None) -> str:
    out = io.StringIO()
    console = Console(
        file=out, width=width, force_terminal=colours is not None, color_system=colours, highlight=False
    )
    console.print(table)
    return out.getvalue()


def test_fit_table_draws_what_rich_table_draws(monkeypatch: pytest.MonkeyPatch):
    fast = 0
    draw = FitTable._fast_segments

    def counted(self, console, options):
        nonlocal fast
        segments = draw(self, console, options)
        fast += segments is not None
        return segments

    monkeypatch.setattr(FitTable, "_fast_segments", counted)
    cases = 0
    for seed in range(250):
        for width in (10, 30, 80, 200):
            colours = COLOURS[(seed + width) % len(COLOURS)]
            expected = _draw(_table(seed, Table), width, colours)
            assert _draw(_table(seed, FitTable), width, colours) == expected, (seed, width, colours)
            cases += 1
    assert fast > cases // 8  # the fast path is what was compared, not only the fallback


def _lines(seed: int) -> list[Text]:
    rng = random.Random(seed)
    lines = []
    for _ in range(rng.randint(1, 6)):
        kind = rng.random()
        words = " ".join(rng.choice(WORDS + ["\n", "\t", "a long line of several words"]) for _ in range(4))
        if kind < 0.4:
            text = Text(words, style=rng.choice(STYLES))
        elif kind < 0.8:
            text = Text.assemble((words, rng.choice(STYLES)), " · ", (rng.choice(WORDS), "bold"))
        else:
            text = Text(
                words, justify=rng.choice(["left", "right", None]), end=rng.choice(["\n", "", " end\n"])
            )
        lines.append(text)
    return lines


def test_fit_group_draws_what_group_draws():
    for seed in range(300):
        for width in (5, 20, 60, 200):
            colours = COLOURS[(seed + width) % len(COLOURS)]
            expected = _draw(Group(*_lines(seed)), width, colours)
            assert _draw(FitGroup(*_lines(seed)), width, colours) == expected, (seed, width, colours)


def test_fit_table_falls_back_to_rich_when_a_cell_does_not_fit():
    table = FitTable(box=None, pad_edge=False, title="wide")
    table.add_column("topic", style="bold", no_wrap=True, max_width=8, overflow="ellipsis")
    table.add_column("why")
    table.add_row("a-very-long-topic-name", "wraps when the terminal is narrow")
    console = Console(file=io.StringIO(), width=20)
    assert table._fast_segments(console, console.options) is None
    plain = Table(box=None, pad_edge=False, title="wide")
    plain.add_column("topic", style="bold", no_wrap=True, max_width=8, overflow="ellipsis")
    plain.add_column("why")
    plain.add_row("a-very-long-topic-name", "wraps when the terminal is narrow")
    assert _draw(table, 20, "truecolor") == _draw(plain, 20, "truecolor")
    assert "…" in _draw(table, 200, None)  # the topic is cut: Rich's ellipsis, not the fast path


def _bench_data():
    spec = importlib.util.spec_from_file_location("bench_data", REPO / "scripts" / "bench_data.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A small bank and a history of the bench's kind (studied cards, lapses, traps)."""
    bench_data = _bench_data()
    folder = tmp_path_factory.mktemp("stats")
    bank = folder / "bank"
    bench_data.write_bank(bank, 240, n_files=4)
    db = folder / "history.db"
    bench_data.write_history(db, bench_data.card_ids(240), 3000, days=90)
    return bank, db


@pytest.mark.parametrize("width", ["80", "200", "40"])
@pytest.mark.parametrize("mode", ["terminal", "pipe", "NO_COLOR"])
def test_stats_output_is_unchanged_by_fit_table(
    history: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, width: str, mode: str
):
    bank, db = history
    pin_clock(monkeypatch, _bench_data().NOW.isoformat())
    monkeypatch.setenv("COLUMNS", width)
    if mode == "terminal":
        monkeypatch.setenv("FORCE_COLOR", "1")
    elif mode == "NO_COLOR":
        monkeypatch.setenv("FORCE_COLOR", "1")
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("FORCE_COLOR", raising=False)
    args = ["stats", "--no-builtin", "--bank", str(bank), "--db", str(db)]
    drawn: list[bool] = []
    draw = FitTable._fast_segments
    monkeypatch.setattr(FitTable, "_fast_segments", lambda *a: drawn.append(draw(*a) is not None) or draw(*a))
    fitted = run(*args)
    # the two tables fit at 80 and 200 columns, the traps too at 200 (at 80 they wrap: Rich draws them)
    assert drawn == {"40": [False, False, False], "80": [True, True, False], "200": [True, True, True]}[width]
    assert fitted.exit_code == 0, fitted.output
    assert "Topics, weakest first" in fitted.output and "Seniority levels" in fitted.output
    assert ("\x1b[" in fitted.output) is (mode != "pipe")  # NO_COLOR keeps bold and dim
    assert bool(re.search(r"\x1b\[(?:[0-9]+;)*3[0-7]m", fitted.output)) is (mode == "terminal")
    with monkeypatch.context() as m:
        m.setattr(stats_render, "FitTable", Table)
        m.setattr(stats_render, "FitGroup", Group)
        assert run(*args).output == fitted.output
