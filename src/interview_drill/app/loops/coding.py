"""The drill's `c` key on a coding card: edit the attempt, run the hidden tests, keep the result.

`CodingRound` is what the drill loop is given when the bank has exercises. Plain Python: the CLI passes
how to edit a file (an editor, or waiting while the user edits elsewhere), tests pass a script. The
check result is stored at once (a check happened, whether or not a rating follows) and linked to the
rating when one is given; its suggested rating is pre-selected for the user to confirm or override.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from interview_drill.domain.clock import Clock
from interview_drill.domain.review import Rating
from interview_drill.storage.history import Store

if TYPE_CHECKING:  # app.exercises is imported when a round starts, not with every drill
    from interview_drill.app.exercises import CheckResult, Exercise


@dataclass(frozen=True)
class Coded:
    """A check made from the drill: its result, its row in the history, the rating it suggests."""

    result: CheckResult
    check_id: int
    attempt: Path

    @property
    def suggested(self) -> Rating:
        return self.result.suggested_rating()


class CodingRound:
    """Runs one round of a card's exercise: the stub the first time, the user's edit, the check."""

    def __init__(
        self,
        store: Store,
        exercises: Mapping[str, Path],
        clock: Clock,
        edit: Callable[[Path], bool],
        *,
        attempt_for: Callable[[str], Path] | None = None,
        checker: Callable[[Exercise, Path], CheckResult] | None = None,
    ) -> None:
        self.store, self.exercises, self.clock = store, exercises, clock
        self.edit = edit  # False: the user backed out before the check
        self.attempt_for, self.checker = attempt_for, checker  # None: app.exercises' own

    def offers(self, card_id: str) -> bool:
        return card_id in self.exercises

    def edit_attempt(self, card_id: str) -> Path | None:
        """The card's attempt (the stub the first time) after the user edited it; None if they backed out."""
        from interview_drill.app.exercises import Exercise, attempt_path, start_attempt

        attempt = (self.attempt_for or attempt_path)(card_id)
        start_attempt(Exercise(card_id, self.exercises[card_id]), attempt)
        return attempt if self.edit(attempt) else None

    def check(self, card_id: str, attempt: Path) -> Coded:
        """Run the hidden tests on the attempt and keep the result in the history."""
        from interview_drill.app.exercises import Exercise, check, record

        result = (self.checker or check)(Exercise(card_id, self.exercises[card_id]), attempt)
        return Coded(result, record(self.store, card_id, result, self.clock()), attempt)

    def link(self, coded: Coded, review_id: int) -> None:
        """The check was rated with this review."""
        from interview_drill.storage.checks import link_review

        link_review(self.store, coded.check_id, review_id)
