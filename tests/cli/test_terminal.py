"""The interactive drill in a real pseudo-terminal: single keys without Enter, Ctrl-C, the database after."""

from __future__ import annotations

import re
import sqlite3

import pytest

from ..drill_helpers import CARD, finish, reveal_and_rate, reviews, spawn

pytestmark = pytest.mark.slow


def test_single_keys_rate_two_cards_then_quit(tmp_path):
    child = spawn(tmp_path, "--limit", "5")
    for _ in range(2):
        child.expect_exact(CARD)
        reveal_and_rate(child, "3")
    child.expect_exact(CARD)
    child.send("q")
    child.expect_exact("Session done: 2 cards rated")
    transcript = finish(child)

    assert child.exitstatus == 0, transcript
    assert "Traceback" not in transcript
    logged = reviews(tmp_path / "history.db")
    assert [(rating, kind) for _, rating, kind, _ in logged] == [(3, "scheduled"), (3, "scheduled")]
    assert len({slug for slug, *_ in logged}) == 2  # two different cards


def test_ctrl_c_prints_the_summary_keeps_the_rating_and_exits_130(tmp_path):
    child = spawn(tmp_path, "--limit", "5")
    child.expect_exact(CARD)
    reveal_and_rate(child, "3")
    child.expect_exact(CARD)  # the rating is committed before the next card is drawn
    child.send("\x03")
    child.expect_exact("Session interrupted: 1 card rated")
    transcript = finish(child)

    assert child.exitstatus == 130, transcript
    assert "Traceback" not in transcript
    db = tmp_path / "history.db"
    assert [(rating, kind) for _, rating, kind, _ in reviews(db)] == [(3, "scheduled")]
    conn = sqlite3.connect(db)
    try:  # the session was closed properly, not abandoned
        assert conn.execute("SELECT cards_done, ended_at IS NOT NULL FROM sessions").fetchall() == [(1, 1)]
    finally:
        conn.close()


def test_mock_countdown_rings_when_time_is_up_and_grading_is_single_keys(tmp_path):
    child = spawn(tmp_path, "mock", "-n", "1", "--minutes", "0.05")  # a 3-second budget
    child.expect_exact("answer aloud as in the interview")
    child.expect_exact("left")  # the live countdown
    child.expect_exact("\a")  # the bell
    child.expect_exact("time's up")
    child.send("\r")
    child.expect_exact("grading: rate 1-4")
    child.send("3")
    out = finish(child)
    assert child.exitstatus == 0, out
    assert "Mock interview scorecard" in out
    assert [(r[1], r[2]) for r in reviews(tmp_path / "history.db")] == [(3, "mock")]


COLOUR_SGR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])(?:;[0-9;]*)?m")


@pytest.mark.parametrize("how", ["--no-color", "NO_COLOR"])
def test_no_color_means_no_colour_codes_on_a_terminal(tmp_path, how, monkeypatch):
    """Colours go; bold and italic may stay (https://no-color.org is about colour)."""
    from .. import drill_helpers

    if how == "NO_COLOR":
        plain_env = drill_helpers.env
        monkeypatch.setattr(drill_helpers, "env", lambda home: {**plain_env(home), "NO_COLOR": "1"})
    child = spawn(tmp_path, "--limit", "1", *(["--no-color"] if how == "--no-color" else []))
    child.expect_exact(CARD)
    reveal_and_rate(child, "3")
    out = finish(child)
    assert "Session done: 1 card rated" in out
    assert not COLOUR_SGR.search(out), "colour codes despite " + how


def test_colours_are_used_by_default_on_a_terminal(tmp_path):
    child = spawn(tmp_path, "--limit", "1")
    child.expect_exact(CARD)
    reveal_and_rate(child, "3")
    assert COLOUR_SGR.search(finish(child))


def test_ctrl_d_ends_the_drill_like_q(tmp_path):
    child = spawn(tmp_path, "--limit", "3")
    child.expect_exact(CARD)
    reveal_and_rate(child, "4")
    child.expect_exact(CARD)
    child.send("\x04")
    out = finish(child)
    assert child.exitstatus == 0, out
    assert "Session done: 1 card rated" in out and "Traceback" not in out


def test_declining_a_reset_changes_nothing_and_is_not_a_traceback(tmp_path):
    child = spawn(tmp_path, "--limit", "1")
    child.expect_exact(CARD)
    reveal_and_rate(child, "3")
    finish(child)
    before = reviews(tmp_path / "history.db")
    slug = before[0][0]
    child = spawn(tmp_path, "reset", slug)
    child.expect_exact("[y/N]")
    child.sendline("n")
    out = finish(child)
    assert child.exitstatus == 1, out
    assert "aborted: nothing changed" in out and "Traceback" not in out
    conn = sqlite3.connect(tmp_path / "history.db")
    assert conn.execute("SELECT reps FROM cards WHERE slug = ?", (slug,)).fetchone() == (1,)
