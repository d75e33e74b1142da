"""The settings file (TOML): read and validate it, and change values in it atomically.

Reading uses the standard library's `tomllib` (imported when a settings file exists). Writing
goes through `tomlkit`, imported only when a value changes, so that what the user wrote in the
file (comments, order, blank lines) survives `config set` and `optimize`. No Typer, no Rich.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from interview_drill.domain.settings import HELP, KEYS, Settings, check, parse_value
from interview_drill.errors import ConfigError, Hint
from interview_drill.paths import read_regular

__all__ = ["HELP", "KEYS", "Settings", "load", "parse_value", "save", "set_value"]


def load(path: Path) -> Settings:
    """Settings from `path`; defaults when the file does not exist."""
    text = _read(path)
    return Settings() if text is None else _parse(path, text)


MAX_CONFIG_BYTES = 1024 * 1024  # a settings file is a few hundred bytes


def _read(path: Path) -> str | None:
    raw = read_regular(path, what="a settings file", limit=MAX_CONFIG_BYTES, error=ConfigError)
    if raw is None:
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc})") from None


def _parse(path: Path, text: str) -> Settings:
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        line = match.group(1) if match else "1"
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise _broken(path, line, msg) from None
    values: dict[str, Any] = {}
    for key, value in data.items():
        try:
            values[key] = check(key, value)
        except ConfigError as exc:
            raise ConfigError(f"{path}:{_line_of_key(text, key)}: ", *exc.parts) from None
    return replace(Settings(), **values)


def _broken(path: Path, line: int | str, msg: str) -> ConfigError:
    return ConfigError(f"{path}:{line}: {msg}; fix the file or delete it to use the defaults")


def _line_of_key(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(rf"\s*{re.escape(key)}\s*=", line):
            return number
    return 1


def save(path: Path, settings: Settings, *, header: str = "") -> None:
    """Write `settings` atomically, changing only the values that differ from the file's.

    Everything else the user wrote stays as it was, comments included. A value set back to its
    default is removed, so that a later release's new default reaches the user; a new file gets
    `header` as its first comment and only the values that differ from the defaults. A file that
    cannot be read as settings is refused (ConfigError), never overwritten.
    """
    import tomlkit  # only when writing: not on the start-up path
    from tomlkit.exceptions import TOMLKitError

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"{path}: cannot create its folder ({exc.strerror or exc}); ", Hint.OTHER_CONFIG_FILE
        ) from None
    text = _read(path)
    before = Settings() if text is None else _parse(path, text)
    if text is None or not text.strip():
        doc = tomlkit.document()
        if header:
            doc.add(tomlkit.comment(header))
    else:
        try:
            doc = tomlkit.parse(text)
        except TOMLKitError as exc:  # tomllib accepted it: only a disagreement between the two parsers
            raise _broken(path, getattr(exc, "line", 1), str(exc)) from None
    default = Settings()
    for key in KEYS:
        value = getattr(settings, key)
        if value == getattr(before, key):
            continue
        if value == getattr(default, key):
            doc.pop(key, None)
        else:
            doc[key] = (
                dict(value) if key == "retention" else list(value) if isinstance(value, tuple) else value
            )
    from interview_drill.files import write_text

    write_text(path, tomlkit.dumps(doc), what="settings")


def set_value(
    path: Path,
    key: str,
    raw: str,
    check: Callable[[Settings], object] | None = None,
    *,
    header: str = "",
) -> Settings:
    """Validate one new value (and, with `check`, the settings it makes), then save."""
    settings = replace(load(path), **{key: parse_value(key, raw)})
    if check is not None:
        check(settings)  # raises ConfigError: nothing is written
    save(path, settings, header=header)
    return settings
