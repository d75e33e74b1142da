"""Typed answers, outline coverage, traps, the numbers quiz, mock interviews and readiness."""

from __future__ import annotations

import json
import random
import sqlite3

import pytest

from interview_drill.domain.cards import Card
from interview_drill.domain.figures.coverage import bullet_covered, key_terms
from interview_drill.domain.figures.mock import card_weight, pick_questions
from interview_drill.domain.figures.numbers import check

from ..conftest import SAMPLE_BANK, pin_clock, query, run

SAMPLE = ["--no-builtin", "--bank", str(SAMPLE_BANK)]


@pytest.fixture(autouse=True)
def pinned(monkeypatch):
    pin_clock(monkeypatch, seed=7)


NUMBER_CASES = [
    ("2e-5", "2e-5", "correct"),
    ("0.00002", "2e-5", "correct"),
    ("2.1e-5", "2e-5", "correct"),
    ("3e-5", "2e-5", "wrong"),
    ("16", "r = 8–64", "correct"),
    ("128", "r = 8–64", "wrong"),
    ("8-64", "8–64", "correct"),
    ("140GB", "~140 GB", "correct"),
    ("140", "140 GB", "correct"),
    ("140 TB", "140 GB", "wrong"),
    ("7B", "7 billion", "correct"),
    ("7000M", "7B", "correct"),
    ("8", "7B", "close"),
    ("30%", "30%", "correct"),
    ("0.3", "30%", "correct"),
    ("25%", "30%", "close"),
    ("10", "30%", "wrong"),
    ("20", "~20 tokens per parameter", "correct"),
    ("1000", "1k", "correct"),
    ("1,000", "1,000 examples", "correct"),
    ("3x", "3×", "correct"),
    ("NF4", "NF4", "correct"),
    ("NF8", "NF4", "wrong"),
    ("0.1", "β = 0.1", "correct"),
    ("1e-4 to 3e-4", "1e-4–3e-4", "correct"),
    ("a lot", "16 bytes", "wrong"),
]


@pytest.mark.parametrize(("answer", "figure", "verdict"), NUMBER_CASES)
def test_numbers_checker(answer, figure, verdict):
    assert check(answer, figure) == verdict


COVERAGE_CASES = [
    (
        "LoRA freezes the base weights and learns a low-rank update",
        "Freezes W and learns a low-rank update ΔW = BA",
        True,
    ),
    (
        "B is initialised to zero so we start from the base model",
        "B starts at zero, so training begins at the base model",
        True,
    ),
    ("it uses quantisation to 4 bits", "Quantizes the frozen base to 4-bit NF4", True),
    ("the learning rate should be small", "Scaled by alpha / r so rank changes need less retuning", False),
    ("", "Anything at all", False),
    ("we used rank 16", "Typical ranks are 8 to 64", False),
    (
        "full fine-tuning needs 16 bytes per parameter with AdamW",
        "Mixed-precision AdamW needs about 16 bytes/param",
        True,
    ),
]


@pytest.mark.parametrize(("answer", "bullet", "covered"), COVERAGE_CASES)
def test_outline_coverage(answer, bullet, covered):
    assert bullet_covered(answer, bullet) is covered


def test_key_terms_drop_stop_words_and_keep_figures():
    assert key_terms("The rank r is 16 for all the layers") == ["rank", "16", "layers"]


def card(cid, topic="t", seniority="mid", frequency="common"):
    c = Card.model_validate(
        {"id": cid, "question": "q?", "outline": ["o"], "seniority": seniority, "frequency": frequency}
    )
    c.topic = topic
    return c


def test_mock_weights_favour_target_level_weak_topics_and_low_recall():
    assert card_weight(card("a", seniority="staff"), "senior", 0.5, 0.0) == 0
    at_target = card_weight(card("a", seniority="senior"), "senior", 0.5, 0.0)
    below = card_weight(card("a", seniority="mid"), "senior", 0.5, 0.0)
    assert at_target > below > 0
    assert card_weight(card("a"), None, 0.9, 0.0) > card_weight(card("a"), None, 0.1, 0.0)
    assert card_weight(card("a"), None, 0.5, 0.0) > card_weight(card("a"), None, 0.5, 0.95)


def test_mock_draws_mostly_target_level_and_mixes_topics():
    cards = [
        card(f"{t}-{lvl}-{i}", t, lvl)
        for t in "abcd"
        for lvl in ("screen", "mid", "senior")
        for i in range(3)
    ]
    counts = {"screen": 0, "mid": 0, "senior": 0}
    for seed in range(200):
        chosen = pick_questions(cards, n=5, target="senior", weakness={}, recall={}, rng=random.Random(seed))
        assert len({c.id for c in chosen}) == 5
        assert len({c.topic for c in chosen}) >= 3  # mixed across topics
        for c in chosen:
            counts[c.seniority] += 1
    assert counts["senior"] > counts["mid"] > counts["screen"] > 0


def reviews(home):
    return query(
        home / "history.db",
        "SELECT c.slug, r.rating, r.kind, r.answer, r.traps_hit FROM reviews r JOIN cards c ON c.id = r.card_id ORDER BY r.id",
    )


def test_typed_answer_is_marked_and_stored_then_listed(isolated_home):
    typed = "Compare the judge with human labels on a held-out set"
    result = run("drill", *SAMPLE, "--topic", "eval", "--level", "senior", input=f"w\n{typed}\n\n3\nq\n")
    assert result.exit_code == 0, result.output
    assert "your answer covered 1/2" in result.output
    assert reviews(isolated_home) == [("sample-judge", 3, "scheduled", typed, None)]
    listed = run("answers", *SAMPLE, "sample-judge")
    assert typed in listed.output and "Good" in listed.output


def test_write_option_prompts_on_every_card(isolated_home):
    result = run(
        "drill", *SAMPLE, "--write", "--limit", "1", "--topic", "lora", input="rank bounds the update\n\n3\n"
    )
    assert result.exit_code == 0
    assert reviews(isolated_home)[0][3] == "rank bounds the update"


def test_traps_picker_toggles_and_stores_indices(isolated_home):
    result = run("drill", *SAMPLE, "--topic", "eval", "--level", "senior", input="m\n1\n1\n1\n\n2\nq\n")
    assert result.exit_code == 0, result.output
    assert "1 trap marked as fallen for" in result.output
    assert json.loads(reviews(isolated_home)[0][4]) == [0]


def test_numbers_quiz_checks_and_stores(isolated_home):
    result = run("numbers", *SAMPLE, "--topic", "lora", "-n", "2", input="16\n100\n")
    assert result.exit_code == 0, result.output
    assert "Numbers quiz: 1/2 correct" in result.output
    conn = sqlite3.connect(isolated_home / "history.db")
    rows = conn.execute("SELECT slug, answer, correct FROM number_answers ORDER BY id").fetchall()
    assert sorted(rows) == [("sample-lora-rank", "100", 0), ("sample-lora-rank", "16", 1)]


def test_numbers_quiz_without_figures_is_a_clear_error():
    result = run("numbers", *SAMPLE, "--topic", "eval", "--kind", "debugging")
    assert result.exit_code == 2 and "no cards with numbers" in result.output


def test_mock_interview_asks_then_grades_as_mock_reviews(isolated_home, tmp_path):
    card_out = tmp_path / "scorecard.md"
    # three questions: answer aloud (enter), type one (w + text), answer aloud; then grade 3, 2 (+ trap 1), 4
    keys = "\n" + "w\nI would compare the judge with human labels\n" + "\n" + "3\n" + "m\n1\n\n2\n" + "4\n"
    result = run("mock", *SAMPLE, "-n", "3", "--out", str(card_out), input=keys)
    assert result.exit_code == 0, result.output
    rows = reviews(isolated_home)
    assert [(r[1], r[2]) for r in rows] == [(3, "mock"), (2, "mock"), (4, "mock")]
    assert json.loads(rows[1][4]) == [0]
    assert "Mock interview scorecard" in result.output
    md = card_out.read_text()
    assert md.startswith("# Mock interview scorecard")
    assert md.count("| Good |") + md.count("| Hard |") + md.count("| Easy |") == 3
    assert "your answer: I would compare the judge with human labels" in md


def test_mock_target_level_excludes_higher_levels(isolated_home):
    result = run("mock", *SAMPLE, "-n", "5", "--target", "mid", input="\n\n\nq\n")
    assert result.exit_code == 0, result.output
    assert "sample-judge" not in result.output and "sample-debug-loss" not in result.output


def test_mock_follow_ups_are_asked(isolated_home):
    result = run(
        "mock", *SAMPLE, "-n", "1", "--topic", "lora", "--level", "mid", "--follow-ups", input="\n\n3\n"
    )
    assert result.exit_code == 0, result.output
    assert "Interviewer, following up" in result.output
    assert reviews(isolated_home)[0][1:3] == (3, "mock")


def test_ready_shows_readiness_gaps_and_a_plan(isolated_home):
    run("drill", *SAMPLE, "--topic", "lora", "--limit", "1", input="\n4\n")
    result = run("ready", *SAMPLE, "--target", "mid")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Ready for a mid interview?" in out
    assert "screen" in out and "mid" in out and "senior" not in out.split("Weakest")[0]
    assert "Cards not studied yet, per topic" in out and "lora (1)" in out
    assert "coverage gaps" not in out  # that name is for never-started topics and levels
    assert "eval (" not in out  # the sample's eval cards are senior and staff: above the target
    assert "idrill mock --target mid" in out
    assert out.rstrip().splitlines()[-1].startswith("Ready for a mid interview? ")  # the verdict comes last


def test_ready_on_80_columns_ends_with_the_verdict_and_wrapped_lines_hang(isolated_home, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    run("drill", *SAMPLE, "--limit", "2", input="\n4\n\n1\n")
    out = run("ready", *SAMPLE, "--target", "senior").output
    lines = out.rstrip().splitlines()
    assert lines[-1].startswith("Ready for a senior interview?")
    sections = {"Weakest studied topics", "Cards not studied yet, per topic", "Cards you are closest to forgetting",
                "This week", "", "readiness (mean recall now; unseen cards count 0):"}  # fmt: skip
    body = [
        line
        for line in lines[:-1]
        if line not in sections and not line.startswith(("screen", "mid", "senior"))
    ]
    assert body and all(line.startswith("  ") for line in body), body  # nothing restarts at column 0
    assert all(len(line) <= 60 for line in lines)


def test_ready_needs_a_valid_target():
    assert run("ready", *SAMPLE).exit_code == 2
    bad = run("ready", *SAMPLE, "--target", "principal")
    assert bad.exit_code == 2 and "unknown level `principal`" in bad.output


def test_readiness_verdict_thresholds():
    from interview_drill.domain.figures.readiness import verdict

    assert [verdict(x) for x in (0.95, 0.8, 0.79, 0.6, 0.2)] == [
        "ready",
        "ready",
        "almost",
        "almost",
        "not yet",
    ]


def test_mock_write_option_asks_for_a_typed_answer_to_every_question(isolated_home):
    result = run("mock", *SAMPLE, "-n", "2", "--write", input="first answer\nsecond answer\n3\n4\n")
    assert result.exit_code == 0, result.output
    assert "per question" in result.output
    assert [r[3] for r in reviews(isolated_home)] == ["first answer", "second answer"]


@pytest.mark.parametrize("n", [3, 5, 8])
def test_mock_mix_on_the_bundled_bank_keeps_the_target_level_in_the_majority(n):
    # The bundled bank has more mid than senior cards in some topics: weights alone let mid win.
    from interview_drill.bank.load import load_bank
    from interview_drill.domain.figures.mock import target_slots

    cards = load_bank([], include_builtin=True).cards
    per_run, below, total = [], 0, 0
    for seed in range(300):
        chosen = pick_questions(cards, n=n, target="senior", weakness={}, recall={}, rng=random.Random(seed))
        assert len({c.id for c in chosen}) == n
        assert all(c.seniority != "staff" for c in chosen)
        senior = sum(c.seniority == "senior" for c in chosen)
        per_run.append(senior)
        below += n - senior
        total += n
    assert min(per_run) == target_slots(n) > n / 2  # every run: most questions at the target level
    assert (below > 0) == (n >= 4)  # a few from the levels below once there is room for them
    assert target_slots(3) == 3 and target_slots(5) == 4 and target_slots(8) == 6


def test_mock_mix_fills_from_below_when_the_target_level_runs_short():
    cards = [card("s-1", "a", "senior"), *[card(f"m-{i}", "ab"[i % 2], "mid") for i in range(6)]]
    chosen = pick_questions(cards, n=4, target="senior", weakness={}, recall={}, rng=random.Random(1))
    assert len(chosen) == 4 and sum(c.seniority == "senior" for c in chosen) == 1


FIGURE_BULLET_CASES = [
    # a bullet whose key content is a figure needs the figure, within the quiz's tolerance
    ("CPT runs 10^9–10^11+ tokens of domain text", "CPT runs on lots of domain text tokens", False),
    ("CPT runs 10^9–10^11+ tokens of domain text", "CPT runs on about 1e10 domain text tokens", True),
    ("CPT runs 10^9–10^11+ tokens of domain text", "CPT runs on 10B tokens of domain text", True),
    ("Over-refusal: 38% of safe prompts refused", "over-refusal of safe prompts is refused", False),
    ("Over-refusal: 38% of safe prompts refused", "over-refusal: about 40% of safe prompts refused", True),
    ("Over-refusal: 38% of safe prompts refused", "over-refusal: 60% of safe prompts refused", False),
    # digits of a name are no figure
    ("GPT-4 judges agree with human raters", "GPT judges agree with human raters", True),
]


@pytest.mark.parametrize(("bullet", "answer", "covered"), FIGURE_BULLET_CASES)
def test_a_bullet_with_a_figure_needs_the_figure(bullet, answer, covered):
    assert bullet_covered(answer, bullet) is covered
