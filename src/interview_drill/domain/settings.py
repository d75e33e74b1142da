"""The user's settings as a value, and the rules each one must follow. Pure: no files, no TOML writer."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from interview_drill.errors import ConfigError, Hint, Part


@dataclass(frozen=True)
class Settings:
    desired_retention: float = 0.9
    new_per_day: int = 10
    reviews_per_day: int = 200
    rollover_hour: int = 4
    learning_steps: tuple[int, ...] = (1, 10)  # minutes
    relearning_steps: tuple[int, ...] = (10,)  # minutes
    parameters: tuple[float, ...] = ()  # personal FSRS weights from `idrill optimize`; empty = defaults
    new_cards_ignore_review_limit: bool = False  # as Anki: by default the review limit caps new cards too
    ai_model: str = ""  # an `llm` model name or alias for model help; "" = llm's default model
    ai_max_calls: int = 20  # model calls per session at most
    leech_threshold: int = 8  # lapses that make a card a leech (0: never)
    leech_action: str = "tag"  # tag | suspend
    maximum_interval: int = 36500  # days: no interval is longer
    retention: tuple[tuple[str, float], ...] = ()  # (topic, desired retention) overrides, sorted by topic


# What each setting means, as message parts (the optimiser is named by a hint: cli/ words it).
HELP: dict[str, tuple[Part, ...]] = {
    "desired_retention": ("target probability of recalling a card when it is due (0.70–0.99)",),
    "new_per_day": ("new cards introduced per study day (0–1000)",),
    "reviews_per_day": ("due cards served per study day at most (0–100000)",),
    "rollover_hour": ("local hour at which a new study day starts (0–23)",),
    "learning_steps": ("minutes between the first reviews of a new card, e.g. [1, 10]",),
    "relearning_steps": ("minutes between reviews after forgetting a card, e.g. [10]",),
    "parameters": ("21 personal FSRS weights (set by `", Hint.OPTIMIZE, "`; [] for the defaults)"),
    "new_cards_ignore_review_limit": (
        "true: new cards come even when the review limit is reached; false: they stop with it",
    ),
    "ai_model": (
        'the `llm` model (name or alias) that grades answers and interviews; "" for llm\'s default',
    ),
    "ai_max_calls": ("model calls one session may make at most (0–1000)",),
    "leech_threshold": ("lapses that make a card a leech (0–99; 0: never)",),
    "leech_action": ("what happens to a new leech: tag (say so) or suspend",),
    "maximum_interval": ("the longest interval a card may get, in days (1–36500)",),
    "retention": (
        "desired retention per topic, e.g. {peft = 0.95} (each 0.70–0.99; other topics: desired_retention)",
    ),
}
KEYS = tuple(f.name for f in fields(Settings))


def check(key: str, value: Any) -> Any:
    """Validate and normalise one setting; raise ConfigError with a clear reason."""

    def bad(why: str) -> ConfigError:
        return ConfigError(f"{key}: {why} (got {value!r})")

    if key == "desired_retention":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.7 <= value <= 0.99:
            raise bad("must be a number from 0.70 to 0.99")
        return float(value)
    if key in ("new_per_day", "reviews_per_day"):
        limit = 1000 if key == "new_per_day" else 100000
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= limit:
            raise bad(f"must be a whole number from 0 to {limit}")
        return value
    if key == "new_cards_ignore_review_limit":
        if not isinstance(value, bool):
            raise bad("must be true or false")
        return value
    if key == "rollover_hour":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 23:
            raise bad("must be a whole number from 0 to 23")
        return value
    if key in ("learning_steps", "relearning_steps"):
        if not isinstance(value, (list, tuple)) or not all(
            isinstance(v, int) and not isinstance(v, bool) and 0 < v <= 1440 for v in value
        ):
            raise bad("must be a list of minutes, each from 1 to 1440")
        return tuple(value)
    if key == "parameters":
        if not isinstance(value, (list, tuple)) or (
            value
            and (
                len(value) != 21
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
            )
        ):
            raise bad("must be a list of exactly 21 numbers, or [] for the defaults")
        return tuple(float(v) for v in value)
    if key == "ai_model":
        if not isinstance(value, str) or len(value) > 200 or any(c.isspace() for c in value):
            raise bad('must be a model name or alias without spaces (at most 200 characters), or ""')
        return value
    if key == "ai_max_calls":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1000:
            raise bad("must be a whole number from 0 to 1000")
        return value
    if key == "retention":
        items = value.items() if isinstance(value, dict) else value
        try:
            pairs = sorted((str(t), r) for t, r in items)
        except (TypeError, ValueError):
            raise bad("must be a table of topic = retention, e.g. {peft = 0.95}") from None
        for topic, r in pairs:
            if isinstance(r, bool) or not isinstance(r, (int, float)) or not 0.7 <= r <= 0.99:
                raise bad(f"{topic}: must be a number from 0.70 to 0.99")
        return tuple((t, float(r)) for t, r in pairs)
    if key == "maximum_interval":
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 36500:
            raise bad("must be a whole number of days from 1 to 36500")
        return value
    if key == "leech_threshold":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 99:
            raise bad("must be a whole number from 0 to 99 (0: never)")
        return value
    if key == "leech_action":
        if value not in ("tag", "suspend"):
            raise bad("must be tag or suspend")
        return value
    raise ConfigError(f"unknown setting `{key}`; known: {', '.join(KEYS)}")


def parse_value(key: str, raw: str) -> Any:
    """A value typed on the command line (`idrill config set KEY VALUE`), validated."""
    if key not in KEYS:
        raise ConfigError(f"unknown setting `{key}`; known: {', '.join(KEYS)}")
    raw = raw.strip()
    if key in ("learning_steps", "relearning_steps", "parameters") and not raw.startswith("["):
        raw = f"[{raw}]"  # `1,10` for `[1, 10]`
    if key == "ai_model" and not raw.startswith(('"', "'")):
        raw = '"' + raw.replace("\\", "\\\\").replace('"', '\\"') + '"'  # a bare model name
    if key == "leech_action" and not raw.startswith(('"', "'")):
        raw = f'"{raw}"'  # `suspend` for `"suspend"`
    import tomllib  # imported here: the settings file is read by app.config, this is one typed value

    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        raise ConfigError(f"{key}: `{raw}` is not a valid value; ", *HELP[key]) from None
    return check(key, value)
