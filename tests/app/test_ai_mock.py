"""`idrill mock --ai`: a scripted model reads the typed answer, follows up (a card follow-up or its
own probe), and gives the scorecard verdict; the user still grades the answer as a mock review.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from ..ai_fake import FAKE_ID
from ..conftest import SAMPLE_BANK, run

pytestmark = pytest.mark.cli
RANK = ("--no-builtin", "--bank", str(SAMPLE_BANK), "-n", "1", "--topic", "lora", "--level", "mid")
PROBES = {
    "follow_ups": [
        {"from_card": 2, "question": "(the card's own wording is used)"},
        {"from_card": 0, "question": "Which layers would you adapt first?"},
    ]
}
VERDICT = {
    "strong": "clear on the update's rank",
    "missing": "no typical sizes",
    "traps": [1],
    "level": "below",
}


def test_ai_mock_follows_up_scores_and_grades(fake_model, pinned, isolated_home, tmp_path):
    fake_model.add(PROBES, VERDICT)
    out_file = tmp_path / "card.md"
    keys = "rank limits the update\n" + "B starts at zero so the start is the base model\n" + "\n" + "2\n"
    result = run("mock", *RANK, "--ai", "--target", "mid", "--out", str(out_file), input=keys)
    out = result.output
    assert result.exit_code == 0, out
    # The follow-ups: the card's second one in its own words, then the model's probe.
    assert "Why is B initialised to zero?" in out and "Which layers would you adapt first?" in out
    probe_prompt, verdict_prompt = fake_model.prompts
    assert "rank limits the update" in probe_prompt and "Does a higher rank always help?" in probe_prompt
    assert "B starts at zero so the start is the base model" in verdict_prompt
    assert "at the mid level" in verdict_prompt
    flat = " ".join(out.split())
    assert f"Interviewer's scorecard ({FAKE_ID}, probe-1/scorecard-1)" in flat
    assert "missing: no typical sizes" in flat and "verdict: below the mid level" in flat
    assert "traps: Thinking rank is the number of layers adapted." in flat
    md = out_file.read_text()
    assert md.startswith("# Mock interview scorecard")
    assert (
        f"## Interviewer's scorecard ({FAKE_ID}, probe-1/scorecard-1)" in md
        and "- **verdict**: below the mid level" in md
    )
    conn = sqlite3.connect(isolated_home / "history.db")
    assert conn.execute("SELECT rating, kind, answer FROM reviews").fetchall() == [
        (2, "mock", "rank limits the update")
    ]
    conn.close()


def test_ai_mock_falls_back_to_the_cards_follow_up(fake_model, pinned, monkeypatch):
    monkeypatch.setenv("IDRILL_SEED", "1")
    fake_model.add("no json", "still no json", json.dumps(VERDICT))
    keys = "rank limits the update\n" + "an answer\n" + "3\n"
    result = run("mock", *RANK, "--ai", input=keys)
    flat = " ".join(result.output.split())
    assert result.exit_code == 0, result.output
    assert f"model `{FAKE_ID}` replied twice in a shape we cannot use" in flat
    assert "— the card's own follow-up instead" in flat
    assert "Does a higher rank always help?" in flat or "Why is B initialised to zero?" in flat
    assert "verdict: below the mid level" in flat


def test_ai_mock_without_the_extra_stops_before_the_first_question(pinned, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "llm", None)
    result = run("mock", *RANK, "--ai", input="anything\n")
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].endswith("pip install 'interview-drill[ai]'")
    assert "What does the LoRA rank control?" not in result.output


def test_plain_mock_calls_no_model(fake_model, pinned):
    result = run("mock", *RANK, input="\n3\n")
    assert result.exit_code == 0 and fake_model.prompts == []
