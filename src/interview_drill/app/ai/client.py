"""Asking a model through `llm` for a reply that fits a pydantic schema.

One `Client` per session: it resolves the model on first use (never at import), counts calls against
the session's budget, bounds each call with a timeout, lets Ctrl-C cancel a call (the session goes
on), and retries a reply that does not fit the schema once. Every failure is an `AIError`: one line.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from interview_drill.errors import Hint, IdrillError

if TYPE_CHECKING:  # pydantic is imported by the first call: a drill makes a Client before every session
    from pydantic import BaseModel

T = TypeVar("T", bound="BaseModel")

DEFAULT_TIMEOUT = 60.0  # seconds per call


class AIError(IdrillError):
    """The model could not be asked, or its reply was unusable; fit to show in one line."""


def _one_line(text: object, limit: int = 200) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def load_model(name: str) -> Any:
    """The `llm` model called `name` (llm's default model for ""), or an AIError saying what to set."""
    try:
        import llm
    except ImportError:
        raise AIError("model help needs the optional `llm` library: ", Hint.INSTALL_AI) from None
    try:
        return llm.get_model(name or None)
    except llm.UnknownModelError:
        shown = name or llm.get_default_model()
        which = "the setting" if name else "llm's default model"
        raise AIError(f"no model called `{shown}` ({which}) is installed; ", Hint.SET_AI_MODEL) from None
    except Exception as exc:  # a broken llm plugin or user folder: still one line
        raise AIError(f"llm could not load its models: {_one_line(exc) or type(exc).__name__}") from None


class Client:
    """Structured replies from one model, within a call budget and a timeout per call."""

    def __init__(
        self,
        model_name: str = "",
        *,
        max_calls: int = 20,
        timeout: float | None = None,
        load: Callable[[str], Any] = load_model,
    ) -> None:
        self.model_name = model_name
        self.max_calls = max_calls
        self.timeout = DEFAULT_TIMEOUT if timeout is None else timeout
        self.calls = 0
        self._load = load
        self._model: Any = None

    @property
    def model(self) -> Any:
        if self._model is None:
            self._model = self._load(self.model_name)
        return self._model

    def resolve(self) -> None:
        """Load the model now (an AIError if it cannot be used), before a session depends on it."""
        self._model = self.model

    @property
    def model_id(self) -> str:
        return str(getattr(self.model, "model_id", self.model_name))

    def ask(
        self, prompt: str, schema: type[T], *, system: str, fits: Callable[[T], list[str]] | None = None
    ) -> T:
        """The reply parsed into `schema`; a reply that does not fit is asked for once more."""
        from pydantic import ValidationError

        why = ""
        for attempt in (1, 2):
            text = self._call(
                prompt if attempt == 1 else f"{prompt}\n\n{_RETRY.format(why=why)}", schema, system
            )
            try:
                reply = schema.model_validate_json(_json_part(text))
                problems = fits(reply) if fits else []
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first["loc"]) or "reply"
                problems = [f"{where}: {first['msg']}"]
            if not problems:
                return reply
            why = "; ".join(problems)
        raise AIError(
            f"model `{self.model_id}` replied twice in a shape we cannot use ({_one_line(why, 120)})"
        )

    def _call(self, prompt: str, schema: type[BaseModel], system: str) -> str:
        model = self.model
        if self.calls >= self.max_calls:
            raise AIError(
                f"this session's budget of {self.max_calls} model calls is used up; ", Hint.AI_BUDGET
            )
        self.calls += 1
        structured = bool(getattr(model, "supports_schema", False))
        if not structured:  # the schema goes into the prompt instead
            prompt += f"\n\nReply with JSON only, matching this JSON schema:\n{json.dumps(schema.model_json_schema())}"
        box: dict[str, Any] = {}

        def work() -> None:
            try:
                response = model.prompt(prompt, system=system, schema=schema if structured else None)
                box["text"] = response.text()
            except BaseException as exc:  # reported in the caller's thread
                box["error"] = exc

        worker = threading.Thread(target=work, name="idrill-ai-call", daemon=True)
        worker.start()
        try:
            worker.join(self.timeout)
        except KeyboardInterrupt:
            # The call cannot be killed: it is abandoned (its reply ignored) and the session goes on.
            raise AIError(f"cancelled the call to `{self.model_id}`") from None
        if worker.is_alive():
            raise AIError(f"model `{self.model_id}` did not reply within {self.timeout:g}s")
        if "error" in box:
            raise AIError(_failure(self.model_id, box["error"])) from None
        return str(box.get("text", ""))


_RETRY = (
    "Your previous reply could not be used ({why}). Reply again with JSON only, exactly in the "
    "requested shape, every number within range."
)


def _json_part(text: str) -> str:
    """The JSON object in a reply, without the Markdown fence some models wrap it in."""
    fenced = re.search(r"```(?:json)?\s*(.*?)```", text, re.DOTALL)
    if fenced:
        return fenced.group(1).strip()
    start, end = text.find("{"), text.rfind("}")
    return text[start : end + 1] if start != -1 and end > start else text


def _failure(model_id: str, exc: BaseException) -> str:
    name = type(exc).__name__
    if name == "NeedsKeyException":  # llm's own message says which key to set and how
        return f"model `{model_id}` has no key: {_one_line(exc)}"
    return f"model `{model_id}` failed: {_one_line(exc) or name}"
