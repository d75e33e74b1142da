"""What a new user sees: the drill in tmux at 80×24 and 60 columns (what is on screen after each key),
output through a pipe (no line wider than the output, no trailing padding), `list` with whole ids,
and over-time shown in words when there is no colour.
"""

from __future__ import annotations

import io
import os
import shlex
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from rich.console import Console

from ..drill_helpers import IDRILL, env, run

pytestmark = pytest.mark.slow

RATING_ROW = "1  Again"
RATE_HINT = "rate 1-4"


class Tmux:
    """`idrill ARGS` in a private tmux server (its own socket), read back with capture-pane."""

    def __init__(
        self, home: Path, width: int, height: int, command: str, extra_env: dict[str, str] | None = None
    ):
        # A name never used before: `id(self)` could be a closed Tmux's, whose server may still be
        # shutting down after `kill-server`, and a new session would connect to it and fail.
        self.socket = f"idrill-test-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self.width, self.height = width, height
        variables = {**env(home), **(extra_env or {})}
        variables.pop("COLUMNS"), variables.pop("LINES")  # the pane's size, not a pinned one
        variables = {k: v for k, v in variables.items() if v != ""}  # "" in extra_env: unset
        exports = " ".join(
            f"{k}={shlex.quote(v)}"
            for k, v in variables.items()
            if k.startswith(("IDRILL_", "NO_COLOR", "TERM"))
        )
        script = f"unset COLUMNS LINES; export {exports}; {command}; echo '[exited]'; sleep 600"
        self._tmux("new-session", "-d", "-s", "t", "-x", str(width), "-y", str(height), "sh", "-c", script)

    def _tmux(self, *args: str) -> str:
        plain = {
            k: v
            for k, v in os.environ.items()
            if k not in ("COLUMNS", "LINES", "TMUX", "NO_COLOR") and not k.startswith("IDRILL_")
        }
        return subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            check=True,
            env=plain,
        ).stdout

    def screen(self, *, joined: bool = False, history: bool = False) -> list[str]:
        args = ["capture-pane", "-p", "-t", "t"]
        if joined:
            args.append("-J")  # wrapped lines joined back, trailing spaces kept
        if history:
            args += ["-S", "-"]
        return self._tmux(*args).split("\n")[: None if history else self.height]

    def send(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", "t", *keys)

    def wait_for(self, text: str, timeout: float = 15) -> list[str]:
        end = time.monotonic() + timeout
        while True:
            lines = self.screen()
            if any(text in line for line in lines):
                time.sleep(0.15)  # let the rest of the redraw land
                return self.screen()
            if time.monotonic() > end:
                raise AssertionError(f"{text!r} not on screen:\n" + "\n".join(lines))
            time.sleep(0.05)

    def press(self, key: str, then: str) -> list[str]:
        """Send one key and wait until `then` is on screen."""
        self.send(key)
        return self.wait_for(then)

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def tmux(tmp_path):
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    started: list[Tmux] = []

    def start(command: str, width: int = 80, height: int = 24, **extra_env: str) -> Tmux:
        t = Tmux(tmp_path, width, height, command, extra_env)
        started.append(t)
        return t

    yield start
    for t in started:
        t.close()


def idrill(*args: str) -> str:
    return shlex.join([str(IDRILL), *args])


def assert_rating_row_at_bottom(lines: list[str]) -> None:
    """The rating row, then its key hints (one or two lines), end the screen."""
    text = [line for line in lines if line.strip()]
    assert any(RATING_ROW in line for line in text[-3:]), "\n".join(lines)
    row = max(i for i, line in enumerate(text) if RATING_ROW in line)
    assert RATE_HINT in text[row + 1] and "q: quit" in text[-1], "\n".join(lines)


def assert_fits(lines: list[str], width: int) -> None:
    for line in lines:
        assert len(line) <= width, f"{len(line)} > {width}: {line!r}"
        assert line == line.rstrip(), f"trailing spaces: {line!r}"


def test_drill_at_80x24_keeps_header_question_and_rating_row_after_every_key(tmux):
    t = tmux(idrill("--limit", "5"))
    first = t.wait_for("space: reveal")
    assert first[0].startswith("1/")
    card_id = first[1].split("─")[1].strip()  # the panel title
    screen = t.press(" ", RATE_HINT)
    assert screen[0].startswith("1/")  # the header has not scrolled away
    assert screen[1].startswith(f"{card_id} · ")  # the question, on one line
    assert "Answer outline" in "\n".join(screen)
    assert_rating_row_at_bottom(screen)
    for key, title in (("n", "Numbers to drop"), ("f", "Follow-ups"), ("t", "Traps")):
        screen = t.press(key, title)
        assert screen[0].startswith("1/"), key
        assert_rating_row_at_bottom(screen)
    if "(no traps)" not in "\n".join(screen):
        t.press("m", "Traps you fell for")
        screen = t.press("1", "[x]")
        t.send("Enter")
        screen = t.wait_for("marked as fallen for")
        assert "» 1 trap marked as fallen for" in screen
        assert_rating_row_at_bottom(screen)
    t.send("3")
    second = t.wait_for("2/")
    assert second[0].startswith("2/")
    screen = t.press("u", "undid Good on")
    assert screen[0].startswith("1/") and f"» undid Good on {card_id}" in screen
    assert any("space: reveal" in line for line in screen)  # the card, not yet revealed
    screen = t.press(" ", RATE_HINT)
    assert not any("undid Good" in line for line in screen)  # a notice lasts until the next key
    assert_rating_row_at_bottom(screen)


def test_bury_then_undo_at_80x24_shows_both_notices(tmux):
    t = tmux(idrill("--limit", "5"))
    first = t.wait_for("space: reveal")
    card_id = first[1].split("─")[1].strip()
    screen = t.press("s", "until tomorrow")
    assert f"» buried {card_id} until tomorrow" in screen and screen[0].startswith("1/")
    screen = t.press("u", "undid the bury")
    assert f"» undid the bury of {card_id}" in screen
    assert card_id in screen[1]


def test_scrolling_reaches_what_does_not_fit(tmux):
    t = tmux(idrill("--limit", "5"), height=16)
    t.wait_for("space: reveal")
    t.send("a")  # everything revealed: far more than 16 rows
    screen = t.wait_for(RATE_HINT)
    assert_rating_row_at_bottom(screen)
    seen = set(screen)
    for _ in range(60):
        if not any("more line" in line for line in screen):
            break
        t.send("j")
        time.sleep(0.1)
        screen = t.screen()
        assert_rating_row_at_bottom(screen)
        seen |= set(screen)
    assert not any("more line" in line for line in screen), "scrolling never reached the end"
    assert any(line.startswith("Traps") for line in seen)


def test_drill_in_60_columns_through_a_pipe_has_no_staircase_and_no_padding(tmux):
    t = tmux(idrill("--limit", "2") + " | cat", width=60, height=24)
    t.wait_for("space: reveal")
    t.send(" ")
    t.wait_for(RATE_HINT)
    t.send("t")
    t.wait_for("Traps")
    t.send("3")
    time.sleep(0.3)
    t.send("q")
    t.wait_for("[exited]")
    lines = t.screen(joined=True, history=True)
    assert_fits(lines, 60)
    assert any("Session done" in line for line in lines)
    assert not any(line.startswith("      ") for line in lines)  # no staircase


def test_drill_in_60_columns_on_a_terminal_fits(tmux):
    t = tmux(idrill("--limit", "2"), width=60, height=24)
    t.wait_for("space: reveal")
    screen = t.press(" ", RATE_HINT)
    assert_rating_row_at_bottom(screen)
    t.send("n")
    screen = t.wait_for("Numbers to drop")
    assert_fits(t.screen(joined=True), 60)
    assert_rating_row_at_bottom(screen)


def test_list_at_80_columns_shows_whole_ids(tmux, tmp_path):
    ids = [line.split("\t")[0] for line in run(tmp_path, "list").stdout.splitlines()]
    assert len(ids) > 100
    t = tmux(idrill("list"), width=80, height=24)
    t.wait_for("[exited]")
    lines = t.screen(joined=True, history=True)
    assert_fits([line for line in lines if "[exited]" not in line], 80)
    first_cells = [line.split("│")[0].strip() for line in lines if "│" in line]
    assert sorted(first_cells) == sorted(ids)


@pytest.mark.parametrize("width", [60, 80, 100, 140])
def test_list_widths_drop_columns_in_the_stated_order_and_never_cut_ids(width):
    from interview_drill.bank.load import load_bank
    from interview_drill.render.terminal import cards_table, list_columns

    cards = load_bank([], include_builtin=True).cards
    console = Console(width=width, no_color=True, record=True, file=io.StringIO())
    console.print(cards_table(cards, width))
    lines = console.export_text().splitlines()
    assert max(len(line) for line in lines) <= width
    assert {line.split("│")[0].strip() for line in lines[2:]} == {c.id for c in cards}
    shown = list_columns(cards, width)
    assert shown[0] == "id" and shown[-1] == "question"
    dropped = [c for c in ("kind", "topic", "level") if c not in shown]
    assert dropped == ["kind", "topic", "level"][: len(dropped)]  # given up in this order
    assert {60: 3, 80: 2, 100: 1, 140: 0}[width] == len(dropped)


@pytest.mark.parametrize(
    "args",
    [("list",), ("show", "lora-mechanics"), ("topics",), ("stats",), ("due",), ("drill", "--limit", "1")],
)
def test_piped_output_fits_60_columns_without_padding(tmp_path, args):
    result = subprocess.run(
        [str(IDRILL), *args],
        input=" \n3\n",
        capture_output=True,
        text=True,
        env={**env(tmp_path), "COLUMNS": "60"},
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines
    assert "\x1b[" not in result.stdout  # no colour, no cursor movement
    if args[0] != "list":  # piped `list` is tab-separated, one card a line
        assert_fits(lines, 60)
    else:
        assert all(line == line.rstrip(" ") and line.count("\t") == 7 for line in lines)  # 8 fields


def test_over_time_in_a_mock_is_words_not_only_red():
    from types import SimpleNamespace

    from interview_drill.render.session import TerminalInteraction, render_scorecard

    console = Console(width=80, no_color=True, record=True, file=io.StringIO())
    ui = TerminalInteraction(console, lambda: "")
    ui.show_mock_answer(SimpleNamespace(answer=None), 200, 180, None)
    ui.show_mock_answer(SimpleNamespace(answer=None), 100, 180, None)
    card = SimpleNamespace(id="lora-mechanics", seniority="mid", traps=[])
    answers = [
        SimpleNamespace(
            item=SimpleNamespace(card=card), rating=None, seconds=s, over_budget=s > 180, traps_hit=[]
        )
        for s in (200, 100)
    ]
    console.print(render_scorecard(SimpleNamespace(answers=answers)))
    text = console.export_text()
    assert "time used: 3:20 of 3:00 — over time by 0:20" in text
    assert "time used: 1:40 of 3:00\n" in text
    assert "3:20 over" in text and "1:40 over" not in text


def test_a_long_card_id_does_not_push_over_time_off_its_row_at_80_columns():
    from types import SimpleNamespace

    from interview_drill.render.session import render_scorecard

    console = Console(width=80, no_color=True, record=True, file=io.StringIO())
    card = SimpleNamespace(
        id="scenario-incident-toolcall-after-migration", seniority="senior", traps=["a trap"]
    )
    answers = [
        SimpleNamespace(
            item=SimpleNamespace(card=card), rating=None, seconds=4, over_budget=True, traps_hit=[0]
        )
        for _ in range(2)
    ]
    console.print(render_scorecard(SimpleNamespace(answers=answers)))
    rows = [line for line in console.export_text().splitlines() if card.id in line]
    assert len(rows) == 2 and all("0:04 over" in row for row in rows)


def test_mock_at_80x24_clears_between_questions_and_grades_on_one_screen(tmux):
    t = tmux(
        idrill("mock", "-n", "2", "--minutes", "0.05"), NO_COLOR="1", IDRILL_NOW=""
    )  # a 3-second budget, a real clock
    first = t.wait_for("time's up")
    assert first[0].startswith("1/2")
    time.sleep(1.2)  # clearly over the budget, whatever the clocks' rounding
    t.send("Enter")
    second = t.wait_for("2/2")
    assert second[0].startswith("2/2") and not any(line.startswith("1/2") for line in second)
    t.wait_for("time's up")
    time.sleep(1.2)
    t.send("Enter")
    screen = t.wait_for("Time to grade")
    assert screen[0].startswith("1/2")
    assert any("over time by" in line for line in screen)  # in words: NO_COLOR shows no red
    text = [line for line in screen if line.strip()]
    assert "q: stop grading" in text[-1] and any(RATING_ROW in line for line in text[-3:])
    t.send("3")
    screen = t.wait_for("2/2")
    t.send("3")
    t.wait_for("[exited]")
    lines = t.screen(joined=True, history=True)
    rows = [line for line in lines if "│" in line and ("1 │" in line or "2 │" in line)]
    assert len(rows) == 2 and all(" over" in row for row in rows)
