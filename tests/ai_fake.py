"""A fake `llm` model for the tests: registered through llm's own plugin mechanism, it replies with
scripted text (or raises, or hangs), and records every prompt it was sent. No network, no keys.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import llm

FAKE_ID = "idrill-fake"


class Script:
    """Replies to play in order; each is text, an exception to raise, or HANG (never replies in time)."""

    def __init__(self) -> None:
        self.replies: list[Any] = []
        self.prompts: list[str] = []
        self.release = threading.Event()

    def add(self, *replies: Any) -> None:
        self.replies.extend(json.dumps(r) if isinstance(r, dict) else r for r in replies)


HANG = object()


class FakeModel(llm.Model):
    model_id = FAKE_ID
    supports_schema = True

    def __init__(self, script: Script) -> None:
        self.script = script

    def execute(self, prompt: Any, stream: bool, response: Any, conversation: Any) -> Iterator[str]:
        self.script.prompts.append(prompt.prompt)
        if not self.script.replies:
            raise AssertionError("the fake model was called more often than scripted")
        reply = self.script.replies.pop(0)
        if reply is HANG:
            self.script.release.wait(5)
            return
        if isinstance(reply, BaseException):
            raise reply
        yield reply


class FakePlugin:
    def __init__(self, script: Script) -> None:
        self.script = script

    @llm.hookimpl
    def register_models(self, register: Any) -> None:
        register(FakeModel(self.script))


def fake_model_installed() -> Iterator[Script]:
    """The fake model, registered with llm and chosen in the settings (`ai_model`): the `fake_model` fixture."""
    from .conftest import run

    script = Script()
    plugin = FakePlugin(script)
    llm.plugins.pm.register(plugin, name="idrill-fake-plugin")
    run("config", "set", "ai_model", FAKE_ID)
    try:
        yield script
    finally:
        script.release.set()
        llm.plugins.pm.unregister(name="idrill-fake-plugin")


def good_grade(**over: Any) -> dict[str, Any]:
    """A reply that fits the LoRA-rank sample card (3 bullets, 1 trap, 2 figures)."""
    grade = {
        "bullets": [
            {"bullet": 1, "verdict": "covered", "reason": "says r bounds the update's rank"},
            {"bullet": 2, "verdict": "partly", "reason": "mentions parameters, not capacity"},
            {"bullet": 3, "verdict": "missed", "reason": "nothing on typical sizes"},
        ],
        "traps": [{"trap": 1, "reason": "calls rank the number of adapted layers"}],
        "figures": [{"number": 2, "quoted": "160"}],
        "errors": ["claims rank counts layers"],
        "suggested_rating": "hard",
    }
    grade.update(over)
    return grade
