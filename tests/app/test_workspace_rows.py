"""A read-only workspace reads the card rows once (`stats` wants them for the figures and again for
the leeches); a workspace that writes reads them afresh each time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from interview_drill.app.workspace import open_workspace
from interview_drill.bank import load_bank
from interview_drill.domain.review import Rating
from interview_drill.storage.history import Store

from ..conftest import SAMPLE_BANK, rate_as_user

AT = datetime(2026, 3, 2, 9, tzinfo=UTC)


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "history.db"
    with Store.open(path) as store:
        rate_as_user(store, "sample-lora-rank", Rating.GOOD, AT)
    return path


def test_a_readonly_workspace_reads_the_rows_once_and_hands_out_copies(db, monkeypatch):
    ws = open_workspace(load_bank([SAMPLE_BANK], include_builtin=False), db, readonly=True)
    reads = []
    real = Store.rows
    monkeypatch.setattr(Store, "rows", lambda self: reads.append(1) or real(self))
    first = ws.rows()
    first.pop("sample-lora-rank")  # a caller changing its dict changes no other caller's
    second = ws.rows()
    assert len(reads) == 1
    assert set(second) == {"sample-lora-rank"} and second["sample-lora-rank"].reps == 1


def test_a_workspace_that_writes_sees_its_writes(db):
    ws = open_workspace(load_bank([SAMPLE_BANK], include_builtin=False), db)
    assert set(ws.rows()) == {"sample-lora-rank"}
    rate_as_user(ws.store, "sample-lora-alpha", Rating.AGAIN, AT)
    assert set(ws.rows()) == {"sample-lora-rank", "sample-lora-alpha"}
