"""Card text made inert for CSV cells: no spreadsheet formula, however it is disguised."""

from __future__ import annotations

import pytest

from interview_drill.render.data import csv_cell


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2", "'-2"),
        ("@cmd", "'@cmd"),
        ('\u200b=HYPERLINK("x")', '\'\u200b=HYPERLINK("x")'),  # zero-width space in front
        ("\ufeff=1", "'\ufeff=1"),
        ("  =1", "'  =1"),
        ("\uff1d1+1", "'\uff1d1+1"),  # fullwidth equals sign
        ("\uff0b1", "'\uff0b1"),  # fullwidth plus
        ("\ufe621", "'\ufe621"),  # small plus sign
        ("\tx", "'\tx"),
        ("LoRA rank 8", "LoRA rank 8"),
        ("1e-5", "1e-5"),
        ("", ""),
        ("a\x1b[31m=red", "a=red"),
    ],
)
def test_csv_cells_never_start_a_formula(value: str, cell: str):
    assert csv_cell(value) == cell
