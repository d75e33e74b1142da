"""Numbers, counts and durations as text: one table per helper."""

from __future__ import annotations

import pytest

from interview_drill.render.fmt import minutes_seconds, mmss, num, pct, plural, sparkline


@pytest.mark.parametrize(
    ("x", "text"), [(None, "—"), (0.0, "0%"), (0.954, "95%"), (0.955, "96%"), (1.0, "100%")]
)
def test_pct(x: float | None, text: str) -> None:
    assert pct(x) == text


@pytest.mark.parametrize(
    ("x", "digits", "text"), [(None, 2, "—"), (0.2893, 2, "0.29"), (7.5, 1, "7.5"), (11, 1, "11.0")]
)
def test_num(x: float | None, digits: int, text: str) -> None:
    assert num(x, digits) == text


@pytest.mark.parametrize(
    ("n", "word", "many", "text"),
    [(0, "card", None, "0 cards"), (1, "card", None, "1 card"), (2, "card state", None, "2 card states"),
     (1, "body", "bodies", "1 body"), (3, "body", "bodies", "3 bodies")],
)  # fmt: skip
def test_plural(n: int, word: str, many: str | None, text: str) -> None:
    assert plural(n, word, many) == text


@pytest.mark.parametrize(
    ("seconds", "clock", "spelled"),
    [(0, "0:00", "0m 00s"), (5.9, "0:05", "0m 05s"), (65, "1:05", "1m 05s"), (600, "10:00", "10m 00s"),
     (3725, "62:05", "62m 05s")],
)  # fmt: skip
def test_durations(seconds: float, clock: str, spelled: str) -> None:
    assert mmss(seconds) == clock and minutes_seconds(seconds) == spelled


@pytest.mark.parametrize(
    ("values", "line"), [([], ""), ([0, 0], "··"), ([1, 0, 8], "▁·█"), ([1, 2, 3, 4], "▂▄▆█"), ([5], "█")]
)
def test_sparkline(values: list[int], line: str) -> None:
    assert sparkline(values) == line
