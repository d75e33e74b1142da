"""The project's exception types, and the hints they carry. Each error is fit to show the user as is.

A message is a sequence of parts: text, and `Hint`s where the user is told what to do or which
command does something. The layers below the CLI never spell a flag, a command or an environment
variable; they place a `Hint`, and `cli/` words it (`interview_drill.cli.hints`). Outside the CLI
(str(), logs, library use) a hint reads as its meaning, the enum's value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from enum import Enum


class Hint(Enum):
    """Something the user can do, or a command named in a message; the value says what it means."""

    # The history database (its location is chosen on the command line or in the environment)
    CREATE_FOLDER_OR_OTHER_DB = "create the folder or choose another history database"
    DB_MUST_BE_A_FILE = "choose a file as the history database"
    MOVE_AWAY_OR_OTHER_DB = "move the file away or choose another history database"
    OTHER_DB = "choose another history database"
    RESTORE_BACKUP = "list the backups made before schema upgrades, to restore one"
    CHECK_PERMISSIONS_OR_OTHER_DB = "check permissions or choose another history database"
    CHECK_PATH_OR_OTHER_DB = "check the path or choose another history database"
    OTHER_DATA_FOLDER = "choose a history database in an existing folder"
    # Knobs for tests and demos, read from the environment
    PINNED_CLOCK = "the pinned clock"
    TIME_ZONE = "the time zone for day boundaries"
    # Settings
    OTHER_CONFIG_FILE = "choose another settings file"
    OPTIMIZE = "the command that fits personal FSRS parameters"
    # Files and banks given to commands
    IS_IT_A_HISTORY_EXPORT = "is this a history export file?"
    NOT_A_HISTORY_EXPORT = "not a history export file"
    LIST_CARDS = "list the cards to see every value"
    LIST_EXERCISES = "list the cards that have a runnable exercise"
    SHOW_BANK_PROBLEMS = "validate the same banks to see the problems"
    NO_BANK_GIVEN = "the built-in bank was left out and no other bank was given"
    DEFAULT_PARAMETERS = "setting the parameters to [] restores the defaults"
    # Model help (the optional `ai` extra)
    INSTALL_AI = "install the optional AI extra"
    SET_AI_MODEL = "choose an installed model in the settings"
    AI_BUDGET = "the setting that limits model calls per session"
    REPAIR_HISTORY = "the doctor lists damaged rows and can repair them (after a backup)"


Part = str | Hint
Words = Callable[[Hint], str]


def meaning(hint: Hint) -> str:
    """A hint in plain words, for messages shown outside the CLI."""
    return hint.value


def spell(parts: Iterable[Part], words: Words = meaning) -> str:
    """A message's text, each hint worded by `words`."""
    return "".join(part if isinstance(part, str) else words(part) for part in parts)


class IdrillError(Exception):
    """Base class: an error with a user-facing message and an exit code.

    `IdrillError("text; ", Hint.X)`: the parts of one message; `str()` gives hints their meaning,
    `lines(words)` the CLI's words.
    """

    exit_code = 1

    def __init__(self, *parts: Part) -> None:
        self.parts: tuple[Part, ...] = parts
        super().__init__(spell(parts))

    def lines(self, words: Words = meaning) -> list[str]:
        return [spell(self.parts, words)]


class BankError(IdrillError):
    """One or more problems in question-bank files, each a `path:line: field: message` line."""

    exit_code = 2

    def __init__(self, problems: Sequence[str | tuple[Part, ...]]):
        # A problem is a line of text, or the parts of one (when it names something the CLI words).
        self.problem_parts = [(p,) if isinstance(p, str) else tuple(p) for p in problems]
        self.problems = [spell(parts) for parts in self.problem_parts]
        super().__init__("\n".join(self.problems))

    def lines(self, words: Words = meaning) -> list[str]:
        return [spell(parts, words) for parts in self.problem_parts]


class UsageError(IdrillError):
    """Bad arguments: an unknown topic, card id, level…"""

    exit_code = 2


class StoreError(IdrillError):
    """The history database cannot be opened or used as asked."""

    exit_code = 1


class ConfigError(IdrillError):
    """The config file or a config value is invalid."""

    exit_code = 2


# How `notice` words hints: their meaning, until the CLI puts its own words here.
notice_words: Words = meaning


def notice(*parts: Part) -> None:
    """One line on stderr that is not an error: a crash recovered, damaged rows skipped."""
    import sys

    sys.stderr.write(spell(parts, notice_words) + "\n")
