"""The settings file (TOML): read and validate it, write it atomically. No Typer, no Rich."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from interview_drill.domain.settings import HELP, KEYS, Settings, check, parse_value
from interview_drill.errors import ConfigError

__all__ = ["HELP", "KEYS", "Settings", "dumps", "load", "parse_value", "save", "set_value"]


def load(path: Path) -> Settings:
    """Settings from `path`; defaults when the file does not exist."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        line = match.group(1) if match else "1"
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ConfigError(f"{path}:{line}: {msg}; fix the file or delete it to use the defaults") from None
    values: dict[str, Any] = {}
    for key, value in data.items():
        try:
            values[key] = check(key, value)
        except ConfigError as exc:
            raise ConfigError(f"{path}:{_line_of_key(text, key)}: {exc}") from None
    return replace(Settings(), **values)


def _line_of_key(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(rf"\s*{re.escape(key)}\s*=", line):
            return number
    return 1


def dumps(settings: Settings) -> str:
    """Settings as TOML (only what differs from the defaults, so new defaults reach users)."""
    default = Settings()
    lines = ["# interview-drill settings — edit with `idrill config set KEY VALUE`"]
    for key, value in asdict(settings).items():
        if value != getattr(default, key):
            lines.append(f"{key} = {_toml(value)}")
    return "\n".join(lines) + "\n"


def _toml(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def save(path: Path, settings: Settings) -> None:
    """Write the settings atomically (the folder is created on first use)."""
    from interview_drill.files import write_text

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"{path}: cannot create its folder ({exc.strerror or exc}); set IDRILL_CONFIG"
        ) from None
    write_text(path, dumps(settings), what="settings")


def set_value(path: Path, key: str, raw: str, check: Callable[[Settings], object] | None = None) -> Settings:
    """Validate one new value (and, with `check`, the settings it makes), then save."""
    settings = replace(load(path), **{key: parse_value(key, raw)})
    if check is not None:
        check(settings)  # raises ConfigError: nothing is written
    save(path, settings)
    return settings
