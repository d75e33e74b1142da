"""`g` in the drill: a model (a fake one, registered through llm's plugins) grades the typed answer.

No network, no keys: every reply is scripted. Covers the grade shown and stored, a reply that does
not fit (retried once, then one line and self-grading), failures, the budget, and that nothing calls
a model unless `g` is pressed.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from ..ai_fake import FAKE_ID, HANG, good_grade
from ..conftest import SAMPLE_BANK, query, run

pytestmark = pytest.mark.cli
LORA = ("--no-builtin", "--bank", str(SAMPLE_BANK), "--topic", "lora", "--limit", "1")
ANSWER = "The rank is how many layers get adapters; 160 is a common default."


def stored_grades(home) -> list[tuple]:
    return query(
        home / "history.db",
        "SELECT r.rating, g.model, g.prompt_version, g.grade FROM grades g JOIN reviews r ON r.id = g.review_id",
    )


def test_g_grades_the_typed_answer_and_the_grade_is_stored(fake_model, pinned, isolated_home):
    fake_model.add(good_grade())
    result = run("drill", *LORA, input=f"w\n{ANSWER}\ng\n2\n")
    out = result.output
    assert result.exit_code == 0, out
    assert f"Model grade  ({FAKE_ID}, grade-1)" in out
    assert "✓ 1. covered: says r bounds the update's rank" in out
    assert "~ 2. partly" in out and "✗ 3. missed" in out
    assert "! trap: Thinking rank is the number of layers adapted." in out
    # The figure is judged by our numbers checker (160 against the card's 16), not by the model.
    assert "# figure 160  wrong (card: 16)" in out
    assert "✗ error: claims rank counts layers" in out
    assert "suggested rating: 2 Hard" in out
    # What was sent: the card's question and outline and the typed answer.
    (prompt,) = fake_model.prompts
    assert "What does the LoRA rank control?" in prompt and ANSWER in prompt
    assert "Higher rank means more trainable parameters" in prompt
    ((rating, model, version, grade),) = stored_grades(isolated_home)
    assert (rating, model, version) == (2, FAKE_ID, "grade-1")
    stored = json.loads(grade)
    assert stored["grade"]["suggested_rating"] == "hard"
    assert stored["figures"] == [{"number": 2, "quoted": "160", "expected": "16", "result": "wrong"}]


def test_a_reply_that_does_not_fit_is_retried_once(fake_model, pinned, isolated_home):
    fake_model.add("```json\nnot json at all\n```", json.dumps(good_grade(suggested_rating="good")))
    result = run("drill", *LORA, input=f"w\n{ANSWER}\ng\n3\n")
    assert "suggested rating: 3 Good" in result.output
    assert "your previous reply could not be used" in fake_model.prompts[1].lower()
    assert len(stored_grades(isolated_home)) == 1


def test_two_unusable_replies_are_one_line_and_the_drill_goes_on(fake_model, pinned, isolated_home):
    bad = good_grade(traps=[{"trap": 7, "reason": "no such trap"}])
    fake_model.add(bad, bad)
    result = run("drill", *LORA, input=f"w\n{ANSWER}\ng\n3\n")
    out = result.output
    assert result.exit_code == 0
    flat = " ".join(out.split())  # the notice wraps at the terminal's width
    line = f"model `{FAKE_ID}` replied twice in a shape we cannot use (trap 7 does not exist) — grade it yourself (1-4)"
    assert flat.count("replied twice") == 1 and line in flat
    assert "Model grade" not in out
    assert stored_grades(isolated_home) == []
    conn = sqlite3.connect(isolated_home / "history.db")
    assert conn.execute("SELECT rating FROM reviews").fetchall() == [(3,)]  # the user's rating went through
    conn.close()


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (RuntimeError("connection refused"), f"model `{FAKE_ID}` failed: connection refused"),
        (HANG, f"model `{FAKE_ID}` did not reply within 0.2s"),
    ],
)
def test_a_failing_or_silent_model_is_one_line(fake_model, pinned, monkeypatch, reply, expected):
    import interview_drill.app.ai.client as client

    monkeypatch.setattr(client, "DEFAULT_TIMEOUT", 0.2)
    fake_model.add(reply)
    result = run("drill", *LORA, input=f"w\n{ANSWER}\ng\n3\n")
    assert result.exit_code == 0
    assert f"{expected} — grade it yourself (1-4)" in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_nothing_calls_a_model_unless_g_is_pressed(fake_model, pinned, isolated_home):
    result = run("drill", *LORA, input=f"w\n{ANSWER}\n\n3\n")
    assert result.exit_code == 0
    assert fake_model.prompts == [] and stored_grades(isolated_home) == []


def test_g_without_a_typed_answer_says_what_to_do(fake_model, pinned):
    result = run("drill", *LORA, input="g\n\n3\n")
    assert "type your answer first (w, before revealing), then press g" in result.output
    assert fake_model.prompts == []


def test_undo_removes_the_grade_with_its_review(fake_model, pinned, isolated_home):
    fake_model.add(good_grade())
    run("drill", "--no-builtin", "--bank", str(SAMPLE_BANK), "--topic", "lora", "--limit", "2",
        input=f"w\n{ANSWER}\ng\n2\nu\n\n3\nq\n")  # fmt: skip
    assert stored_grades(isolated_home) == []


def test_the_call_budget_is_one_line(fake_model, pinned):
    run("config", "set", "ai_max_calls", "0")
    result = run("drill", *LORA, input=f"w\n{ANSWER}\ng\n3\n")
    flat = " ".join(result.output.split())
    assert (
        "this session's budget of 0 model calls is used up; raise it with `idrill config set ai_max_calls N`"
        in flat
    )
    assert fake_model.prompts == []


def test_missing_extra_is_one_line(pinned, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "llm", None)  # `import llm` raises ImportError
    result = run("drill", *LORA, input=f"w\n{ANSWER}\ng\n3\n")
    assert result.exit_code == 0
    flat = " ".join(result.output.split())
    assert "model help needs the optional `llm` library: pip install 'interview-drill[ai]'" in flat


def test_unknown_model_is_one_line(pinned):
    run("config", "set", "ai_model", "no-such-model")
    result = run("drill", *LORA, input=f"w\n{ANSWER}\ng\n3\n")
    flat = " ".join(result.output.split())
    assert (
        "no model called `no-such-model` (the setting) is installed; "
        "see `llm models`, then `idrill config set ai_model NAME`" in flat
    )


def test_default_model_without_a_key_is_one_line(pinned, monkeypatch):
    for var in ("OPENAI_API_KEY", "LLM_OPENAI_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    result = run("drill", *LORA, input=f"w\n{ANSWER}\ng\n3\n")
    flat = " ".join(result.output.split())
    assert "has no key: No key found" in flat and "grade it yourself (1-4)" in flat


@pytest.mark.parametrize(("raw", "stored"), [("gpt-4o-mini", "gpt-4o-mini"), ('""', ""), ("4o", "4o")])
def test_ai_model_setting(raw, stored, isolated_home):
    assert run("config", "set", "ai_model", raw).exit_code == 0
    from interview_drill.app.config import load

    assert load(isolated_home / "config.toml").ai_model == stored


def test_ai_model_setting_refuses_spaces():
    result = run("config", "set", "ai_model", "gpt 4")
    assert result.exit_code != 0
    assert "ai_model: must be a model name or alias without spaces" in result.output


def test_answers_shows_the_stored_grade(fake_model, pinned):
    fake_model.add(good_grade())
    run("drill", *LORA, input=f"w\n{ANSWER}\ng\n2\n")
    result = run("answers", "--no-builtin", "--bank", str(SAMPLE_BANK), "sample-lora-rank")
    out = result.output
    assert result.exit_code == 0
    assert ANSWER.split(";")[0] in out
    assert f"Model grade  ({FAKE_ID}, grade-1)" in out and "suggested rating: 2 Hard" in out
    assert "# figure 160  wrong (card: 16)" in out


def test_traps_the_model_found_count_in_the_reports(fake_model, pinned):
    fake_model.add(good_grade())
    run("drill", *LORA, input=f"w\n{ANSWER}\ng\n2\n")
    result = run("stats", "--no-builtin", "--bank", str(SAMPLE_BANK))
    assert "1× sample-lora-rank: Thinking rank is the number of layers adapted." in result.output


def test_traps_the_user_marked_win_over_the_models(fake_model, pinned):
    fake_model.add(good_grade())
    # m with no trap toggled: the user says they fell into none, whatever the model found
    run("drill", *LORA, input=f"w\n{ANSWER}\ng\nm\n\n3\n")
    result = run("stats", "--no-builtin", "--bank", str(SAMPLE_BANK))
    assert "sample-lora-rank: Thinking rank" not in result.output


class _PlainModel:
    """A model object as `llm` gives one, without structured output: the schema goes in the prompt."""

    model_id = "plain"
    supports_schema = False

    def __init__(self, reply: str) -> None:
        self.reply, self.sent = reply, []

    def prompt(self, text, *, system, schema):
        self.sent.append((text, schema))
        reply = self.reply

        class Response:
            def text(self):
                return reply

        return Response()


def test_a_model_without_schema_support_gets_the_schema_in_the_prompt():
    from interview_drill.app.ai.client import Client
    from interview_drill.domain.interviewer import Verdict

    model = _PlainModel('Sure! ```json\n{"strong": "a", "missing": "b", "level": "at"}\n```')
    verdict = Client("plain", load=lambda name: model).ask("grade", Verdict, system="s")
    assert verdict == Verdict(strong="a", missing="b", traps=[], level="at")
    ((text, schema),) = model.sent
    assert schema is None and '"level"' in text and "Reply with JSON only" in text


def test_ctrl_c_during_a_call_cancels_it_and_the_session_goes_on(monkeypatch):
    import threading

    from interview_drill.app.ai.client import AIError, Client
    from interview_drill.domain.interviewer import Verdict

    def interrupted(self, timeout=None):
        raise KeyboardInterrupt

    monkeypatch.setattr(threading.Thread, "join", interrupted)
    client = Client("plain", load=lambda name: _PlainModel("{}"))
    with pytest.raises(AIError, match=r"^cancelled the call to `plain`$"):
        client.ask("grade", Verdict, system="s")


def test_a_broken_llm_setup_is_one_line(pinned, monkeypatch):
    import llm

    def broken(name=None):
        raise OSError("plugin exploded")

    monkeypatch.setattr(llm, "get_model", broken)
    result = run("drill", *LORA, input=f"w\n{ANSWER}\ng\n3\n")
    assert result.exit_code == 0
    assert "llm could not load its models: plugin exploded — grade it yourself (1-4)" in " ".join(
        result.output.split()
    )


def test_a_drill_without_g_never_imports_llm(tmp_path, pinned):
    import subprocess
    import sys

    code = (
        "import sys; from typer.testing import CliRunner; from interview_drill.cli.app import app; "
        f"r = CliRunner().invoke(app, {list(('drill', *LORA))!r}, input='w\\nsome answer\\n\\n3\\n'); "
        "assert r.exit_code == 0, r.output; "
        "print(sorted(m for m in ('llm', 'interview_drill.domain.grading') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
