"""What a loop asks of whoever draws it: the `Interaction` protocol (the terminal implements it,
tests script it), the `View` of the card on screen, and the keys a drill understands.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from interview_drill.domain.queue import QueueItem
from interview_drill.domain.review import Memory, Rating

if TYPE_CHECKING:
    from interview_drill.app.exercises import CheckResult
    from interview_drill.app.loops.coding import Coded
    from interview_drill.domain.grading import AnswerGrade

PARTS = ("outline", "numbers", "follow_ups", "traps")
PART_KEYS = {"n": "numbers", "f": "follow_ups", "t": "traps"}
KEYS_HELP = [
    ("space / enter", "reveal the answer outline"),
    ("n / f / t", "numbers to drop / follow-ups / traps"),
    ("a", "reveal everything"),
    ("w", "type your answer before revealing (outline bullets get marked covered / not)"),
    ("g", "after w: a model grades your typed answer (optional; see the README's model help)"),
    ("m", "mark the traps you fell for (after revealing them)"),
    ("c", "coding card: write the code, run its tests; Enter takes the rating they suggest"),
    ("1 2 3 4", "rate: Again, Hard, Good, Easy"),
    ("u", "undo the previous rating or bury and show that card again"),
    ("s", "bury this card until tomorrow"),
    ("?", "show these keys"),
    ("q", "end the session (Ctrl-C also saves and exits)"),
]


@dataclass
class View:
    """What the interaction should show for the current card."""

    item: QueueItem
    position: int
    total: int
    started: datetime
    mode: str  # "drill", "cram" or "mock"
    revealed: list[str] = field(default_factory=list)
    outcomes: dict[Rating, Memory] | None = None
    revealed_at: datetime | None = None
    notes: list[str] = field(default_factory=list)
    budget: float | None = None  # seconds per question in a mock interview
    spent: float | None = None  # seconds spent answering, when not simply "since the card was shown" (mock)
    answer: str | None = None  # typed with `w`
    coverage: list[bool] | None = None  # per outline bullet, once revealed with a typed answer
    traps_hit: list[int] | None = None  # indices into card.traps, marked with `m`
    grade: AnswerGrade | None = None  # a model's grade of the typed answer (`g`), stored with the rating
    coded: Coded | None = None  # the last check of the attempt, made with `c`


class Interaction(Protocol):
    """Drawing and reading keys for the drill and the mock interview."""

    def show_card(self, view: View) -> None: ...
    def show_part(self, view: View, part: str) -> None: ...
    def show_ratings(self, view: View, now: datetime) -> None: ...
    def notice(self, text: str) -> None: ...
    def show_help(self, keys: list[tuple[str, str]]) -> None: ...
    def timer(self, seconds: float | None, already: float = 0.0) -> AbstractContextManager[object]: ...
    def show_follow_up(self, view: View, question: str) -> None: ...
    def show_mock_answer(self, view: View, seconds: float, budget: float, follow_up: str | None) -> None: ...
    def key(self) -> str: ...
    def read_answer(self, view: View) -> str: ...
    def pick(self, view: View, items: list[str], chosen: list[int]) -> list[int]: ...
    def show_check(self, view: View, result: CheckResult) -> None: ...
