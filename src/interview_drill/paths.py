"""Where interview-drill keeps its files. One function per file, each overridable.

`IDRILL_HOME` moves everything (database, config, cache) under one folder; `IDRILL_DB`,
`IDRILL_CONFIG` and `IDRILL_CACHE_DIR` move one file each and win over `IDRILL_HOME`.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

APP = "interview-drill"


def _home() -> Path | None:
    home = os.environ.get("IDRILL_HOME")
    return Path(home).expanduser() if home else None


def db_path(override: str | Path | None = None) -> Path:
    """The history database: `--db`, else `IDRILL_DB`, else the user data dir."""
    if override:
        return Path(override).expanduser()
    if env := os.environ.get("IDRILL_DB"):
        return Path(env).expanduser()
    if home := _home():
        return home / "history.db"
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP, appauthor=False)) / "history.db"


def config_path() -> Path:
    """The TOML settings file: `IDRILL_CONFIG`, else the user config dir."""
    if env := os.environ.get("IDRILL_CONFIG"):
        return Path(env).expanduser()
    if home := _home():
        return home / "config.toml"
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP, appauthor=False)) / "config.toml"


def work_dir() -> Path:
    """The user's attempts at coding exercises, one file per card: in the user data dir."""
    if home := _home():
        return home / "code"
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP, appauthor=False)) / "code"


def cache_dir() -> Path:
    """Cache of validated banks: `IDRILL_CACHE_DIR`, else the user cache dir."""
    if env := os.environ.get("IDRILL_CACHE_DIR"):
        return Path(env).expanduser()
    if home := _home():
        return home / "cache"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP, appauthor=False))


def builtin_bank_dir() -> Path:
    """The built-in question bank: inside the installed wheel, else the repo's `questions/`."""
    packaged = resources.files("interview_drill") / "questions"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "questions"


def user_bank_paths(cli_paths: list[Path] | None) -> list[Path]:
    """User banks from `--bank` (repeatable) plus `IDRILL_BANK` (os.pathsep-separated)."""
    paths: list[Path] = []
    if env := os.environ.get("IDRILL_BANK"):
        paths += [Path(p).expanduser() for p in env.split(os.pathsep) if p]
    paths += [Path(p).expanduser() for p in cli_paths or []]
    return paths
