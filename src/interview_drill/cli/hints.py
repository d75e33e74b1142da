"""The command line's words for what the layers below only name: hints and suggested commands.

The layers below place a `Hint` (`interview_drill.errors`) where the user is told what to do, and
the readiness plan is a list of structured steps; this is the one place that spells them as
flags, commands and environment variables. Renaming a flag means editing this module, not the
storage, the settings or the figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from interview_drill.errors import Hint, IdrillError, Part, spell

if TYPE_CHECKING:  # the figures import fsrs: not worth it for printing an error
    from interview_drill.domain.figures.readiness import PlanStep

WORDS: dict[Hint, str] = {
    Hint.CREATE_FOLDER_OR_OTHER_DB: "create it or choose another --db",
    Hint.DB_MUST_BE_A_FILE: "choose a file with --db",
    Hint.MOVE_AWAY_OR_OTHER_DB: "move it away or choose another --db",
    Hint.OTHER_DB: "choose another --db",
    Hint.RESTORE_BACKUP: "run `idrill doctor` to see backups you can restore",
    Hint.REPAIR_HISTORY: "`idrill doctor` lists them and `idrill doctor --repair` fixes them (after a backup)",
    Hint.CHECK_PERMISSIONS_OR_OTHER_DB: "check permissions or use --db",
    Hint.CHECK_PATH_OR_OTHER_DB: "check the path or use --db",
    Hint.OTHER_DATA_FOLDER: "use --db",
    Hint.PINNED_CLOCK: "IDRILL_NOW",
    Hint.TIME_ZONE: "IDRILL_TZ",
    Hint.OTHER_CONFIG_FILE: "set IDRILL_CONFIG",
    Hint.OPTIMIZE: "idrill optimize",
    Hint.IS_IT_A_HISTORY_EXPORT: "is this an `idrill history export` file?",
    Hint.NOT_A_HISTORY_EXPORT: "not an `idrill history export` file",
    Hint.LIST_CARDS: "see `idrill list`",
    Hint.LIST_EXERCISES: "see `idrill code --list`",
    Hint.SHOW_BANK_PROBLEMS: "run `idrill validate` with the same --bank options to see them",
    Hint.NO_BANK_GIVEN: "--no-builtin was given without --bank or IDRILL_BANK",
    Hint.DEFAULT_PARAMETERS: "`idrill config set parameters []` restores the defaults",
    Hint.INSTALL_AI: "pip install 'interview-drill[ai]'",
    Hint.SET_AI_MODEL: "see `llm models`, then `idrill config set ai_model NAME`",
    Hint.AI_BUDGET: "raise it with `idrill config set ai_max_calls N`",
}

# The header of a settings file that `config set` or `optimize` creates.
CONFIG_HEADER = "interview-drill settings — edit with `idrill config set KEY VALUE`"


def words(hint: Hint) -> str:
    """How the command line says `hint`."""
    return WORDS[hint]


def text(parts: Iterable[Part]) -> str:
    """A message from the layers below, as the command line shows it."""
    return spell(parts, words)


def error_lines(exc: IdrillError) -> list[str]:
    """The lines to print for a project error, its hints in the command line's words."""
    return exc.lines(words)


def plan_command(step: PlanStep) -> str:
    """A step of the readiness plan as the command that runs it."""
    if step.mock:
        return f"idrill mock --target {step.target}"
    words = ["idrill"]
    if step.cram:
        words.append("--cram")
    if step.topic is not None:
        words += ["--topic", step.topic]
    words += ["--max-level", step.target]
    if step.new_per_day is not None:
        words += ["--new", str(step.new_per_day)]
    return " ".join(words)
