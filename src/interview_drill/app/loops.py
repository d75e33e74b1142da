"""The drill loop as plain Python: a queue, a clock and an interaction in; what happened out.

Knows nothing about terminals: the CLI passes an `Interaction` that draws and reads keys.
Every rating is written to the store before the next card is drawn.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from interview_drill.domain.clock import Clock
from interview_drill.domain.review import CardRow, Memory, Phase, Rating
from interview_drill.domain.schedule import LEARN_AHEAD, QueueItem, Scheduler
from interview_drill.errors import StoreError
from interview_drill.storage.history import Store

PARTS = ("outline", "numbers", "follow_ups", "traps")
PART_KEYS = {"n": "numbers", "f": "follow_ups", "t": "traps"}
KEYS_HELP = [
    ("space / enter", "reveal the answer outline"),
    ("n / f / t", "numbers to drop / follow-ups / traps"),
    ("a", "reveal everything"),
    ("w", "type your answer before revealing (outline bullets get marked covered / not)"),
    ("m", "mark the traps you fell for (after revealing them)"),
    ("1 2 3 4", "rate: Again, Hard, Good, Easy"),
    ("u", "undo the previous rating and show that card again"),
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
    mode: str  # "drill" or "cram"
    revealed: list[str] = field(default_factory=list)
    outcomes: dict[Rating, Memory] | None = None
    revealed_at: datetime | None = None
    notes: list[str] = field(default_factory=list)
    budget: float | None = None  # seconds per question in a mock interview
    spent: float | None = None  # seconds spent answering, when not simply "since the card was shown" (mock)
    answer: str | None = None  # typed with `w`
    coverage: list[bool] | None = None  # per outline bullet, once revealed with a typed answer
    traps_hit: list[int] | None = None  # indices into card.traps, marked with `m`


class Interaction(Protocol):
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


@dataclass
class Rated:
    slug: str
    topic: str
    rating: Rating
    seconds: float
    interval: timedelta | None  # None for cram


@dataclass
class SessionResult:
    mode: str
    rated: list[Rated] = field(default_factory=list)
    buried: list[str] = field(default_factory=list)
    started: datetime | None = None
    ended: datetime | None = None
    interrupted: bool = False
    new_stopped: bool = False  # --minutes ran out and new cards were held back

    @property
    def counts(self) -> Counter[Rating]:
        return Counter(r.rating for r in self.rated)

    @property
    def seconds(self) -> float:
        if self.started and self.ended:
            return (self.ended - self.started).total_seconds()
        return 0.0

    def per_topic(self) -> dict[str, Counter[Rating]]:
        out: dict[str, Counter[Rating]] = {}
        for r in self.rated:
            out.setdefault(r.topic, Counter())[r.rating] += 1
        return out


class Session:
    """One sitting: serves items, reveals parts, records ratings, undoes, buries."""

    def __init__(
        self,
        store: Store,
        scheduler: Scheduler,
        clock: Clock,
        ui: Interaction,
        items: list[QueueItem],
        *,
        mode: str = "drill",
        later: list[QueueItem] | None = None,
        limit: int | None = None,
        minutes: float | None = None,
        bury_until: Callable[[datetime], datetime] | None = None,
        write: bool = False,
    ):
        self.store, self.scheduler, self.clock, self.ui = store, scheduler, clock, ui
        self.pending = list(items)
        self.later: list[tuple[datetime, QueueItem]] = [
            (it.row.memory.due, it) for it in (later or []) if it.row.memory
        ]
        self.mode = mode
        self.limit = limit
        self.minutes = minutes
        self.bury_until = bury_until
        self.write = write
        self.total = len(self.pending) + len(self.later)
        self.done = 0
        self.undo_stack: list[tuple[QueueItem, bool]] = []  # (item, was re-queued as learning)
        self.result = SessionResult(mode=mode)
        self.session_id: int | None = None

    # ------------------------------------------------------------ the loop

    def run(self) -> SessionResult:
        now = self.clock()
        self.result.started = now
        self.session_id = self.store.start_session(self.mode, now)
        try:
            while (item := self._next_item()) is not None:
                if not self._serve(item):
                    break
        except KeyboardInterrupt:
            self.result.interrupted = True
        finally:
            self.result.ended = self.clock()
            self.store.end_session(self.session_id, self.result.ended)
        return self.result

    def _next_item(self) -> QueueItem | None:
        if self.limit is not None and self.done >= self.limit:
            return None
        now = self.clock()
        if self.minutes is not None and now - self.result.started >= timedelta(minutes=self.minutes):  # type: ignore[operator]
            kept = [it for it in self.pending if it.phase != Phase.NEW]
            if len(kept) < len(self.pending):
                self.result.new_stopped = True
                self.total -= len(self.pending) - len(kept)
                self.pending = kept
        self.later.sort(key=lambda pair: pair[0])
        if self.later and self.later[0][0] <= now:
            return self.later.pop(0)[1]
        if self.pending:
            return self.pending.pop(0)
        if self.later and self.later[0][0] - now <= LEARN_AHEAD:
            return self.later.pop(0)[1]  # nothing else left: learn ahead, as Anki does
        return None

    def _serve(self, item: QueueItem) -> bool:
        """Show one card until it is rated, buried or undone. False ends the session."""
        current = self.store.row(item.row.slug) or item.row
        if current != item.row:  # another session touched it, or it came back from undo
            item = QueueItem(item.card, current, item.retrievability, item.overdue)
        total = max(self.total, self.done + 1)
        if self.limit is not None:
            total = min(total, self.limit)
        view = View(item, self.done + 1, total, self.clock(), self.mode)
        if item.edited:
            view.notes.append("edited since you last reviewed it")
        self.ui.show_card(view)
        if self.write:
            self._write(view)
        while True:
            if view.revealed:
                key = self.ui.key()
            else:  # thinking time: a live timer until the answer is revealed
                with self.ui.timer(None, (self.clock() - view.started).total_seconds()):
                    key = self.ui.key()
            if key in ("", "q"):
                self.pending.insert(0, item)
                return False
            if key in (" ", "\r", "\n"):
                self._reveal(view, ["outline"])
            elif key in PART_KEYS:
                self._reveal(view, ["outline", PART_KEYS[key]])
            elif key == "a":
                self._reveal(view, list(PARTS))
            elif key in "1234" and len(key) == 1:
                if not view.revealed:
                    self._reveal(view, ["outline"])
                    self.ui.notice("revealed the answer first — now rate it (1-4)")
                    continue
                self._rate(view, Rating(int(key)))
                return True
            elif key == "w":
                if view.revealed:
                    self.ui.notice(
                        "the answer is already revealed; press w on the next card before revealing"
                    )
                else:
                    self._write(view)
            elif key == "m":
                self._mark_traps(view)
            elif key == "u":
                if self._undo(item):
                    return True
            elif key == "s":
                self._bury(item)
                return True
            elif key == "?":
                self.ui.show_help(KEYS_HELP)
            else:
                self.ui.notice(f"unknown key {key!r}; press ? for the keys")

    def _write(self, view: View) -> None:
        text = self.ui.read_answer(view).strip()
        view.answer = text or None

    def _mark_traps(self, view: View) -> None:
        traps = view.item.card.traps
        if not traps:
            self.ui.notice("this card lists no traps")
            return
        self._reveal(view, ["outline", "traps"])
        view.traps_hit = self.ui.pick(view, traps, view.traps_hit or [])
        marked = len(view.traps_hit)
        self.ui.notice(f"{marked} trap{'s' if marked != 1 else ''} marked as fallen for")

    def _reveal(self, view: View, parts: list[str]) -> None:
        if view.revealed_at is None:
            view.revealed_at = self.clock()
        if view.answer and view.coverage is None:
            from interview_drill.domain.figures.coverage import outline_coverage

            view.coverage = outline_coverage(view.answer, view.item.card.outline)
        if view.outcomes is None and self.mode != "cram":
            view.outcomes = self.scheduler.preview(view.item.row, self.clock())
        newly = [p for p in parts if p not in view.revealed]
        for part in newly:
            view.revealed.append(part)
            self.ui.show_part(view, part)
        if newly and "outline" in newly:
            self.ui.show_ratings(view, self.clock())

    def _rate(self, view: View, rating: Rating) -> None:
        item, now = view.item, self.clock()
        spent = view.spent if view.spent is not None else (now - view.started).total_seconds()
        kind = "cram" if self.mode == "cram" else ("mock" if self.mode == "mock" else "scheduled")
        outcome = view.outcomes[rating] if view.outcomes else None
        applied = self.store.record_review(
            item.card.id,
            rating,
            reviewed_at=now,
            kind=kind,
            expected=item.row,
            outcome=outcome,
            recompute=lambda row: self.scheduler.next_memory(row, rating, now),
            content_hash=item.card.content_hash,
            duration_ms=int(spent * 1000),
            session_id=self.session_id,
            answer=view.answer,
            traps_hit=view.traps_hit,
        )
        if applied.stale:
            self.ui.notice(
                "this card was reviewed in another session meanwhile; rescheduled from its latest state"
            )
        self.done += 1
        memory = applied.after.memory if kind != "cram" else None
        requeued = False
        if memory and memory.phase in (Phase.LEARNING, Phase.RELEARNING) and memory.due - now <= LEARN_AHEAD:
            # A learning step inside the session: the card comes back when its step is due.
            self.later.append((memory.due, QueueItem(item.card, applied.after, 1.0, timedelta(0))))
            self.total += 1
            requeued = True
        self.undo_stack.append((item, requeued))
        self.result.rated.append(
            Rated(
                item.card.id,
                item.card.topic,
                rating,
                spent,
                (memory.due - now) if memory else None,
            )  # fmt: skip
        )

    def _undo(self, current: QueueItem) -> bool:
        if not self.undo_stack:
            self.ui.notice("nothing to undo in this session")
            return False
        try:
            undone = self.store.undo_last(self.session_id)
        except StoreError as exc:
            self.ui.notice(str(exc))
            return False
        if undone is None:
            self.ui.notice("nothing to undo in this session")
            return False
        item, requeued = self.undo_stack.pop()
        card_id = item.card.id
        if requeued:
            self.total -= 1
        # Drop every queued copy of the undone card (its learning step, or the one on screen now).
        self.later = [(d, it) for d, it in self.later if it.card.id != card_id]
        self.pending = [it for it in self.pending if it.card.id != card_id]
        self.result.rated.pop()
        self.done -= 1
        if current.card.id != card_id:
            self.pending.insert(0, current)
        restored = QueueItem(item.card, undone.restored, item.retrievability, item.overdue)
        self.pending.insert(0, restored)
        self.ui.notice(f"undid {undone.rating.label} on {undone.slug}")
        return True

    def _bury(self, item: QueueItem) -> None:
        until = self.bury_until(self.clock()) if self.bury_until else self.clock() + timedelta(days=1)
        self.store.bury(item.card.id, until)
        self.result.buried.append(item.card.id)
        self.total -= 1
        self.ui.notice(f"buried {item.card.id} until tomorrow")


def cram_items(items: list[QueueItem]) -> list[QueueItem]:
    """Cram order: weakest first (lowest recall), never-studied cards after studied ones."""
    return sorted(items, key=lambda it: (it.row.memory is None, it.retrievability))


def as_item(card, row: CardRow, scheduler: Scheduler, now: datetime) -> QueueItem:
    overdue = max(now - row.memory.due, timedelta(0)) if row.memory else timedelta(0)
    return QueueItem(card, row, scheduler.retrievability(row.memory, now), overdue)


# ---------------------------------------------------------------- mock interviews


@dataclass
class MockAnswer:
    item: QueueItem
    seconds: float
    over_budget: bool
    answer: str | None
    follow_up: str | None = None
    rating: Rating | None = None
    traps_hit: list[int] = field(default_factory=list)


@dataclass
class MockResult:
    answers: list[MockAnswer] = field(default_factory=list)
    budget: float = 180
    started: datetime | None = None
    ended: datetime | None = None
    interrupted: bool = False


class MockInterview(Session):
    """Ask every question first, timed; then reveal and grade each one. Grades are `mock` reviews."""

    def __init__(self, *args, budget: float = 180, follow_ups: bool = False, pick_follow_up=None, **kw):
        super().__init__(*args, mode="mock", **kw)
        self.budget = budget
        self.follow_ups = follow_ups
        self.pick_follow_up = pick_follow_up or (lambda card: card.follow_ups[0] if card.follow_ups else None)
        self.mock = MockResult(budget=budget)

    def run(self) -> MockResult:  # type: ignore[override]
        now = self.clock()
        self.mock.started = self.result.started = now
        self.session_id = self.store.start_session("mock", now)
        try:
            self._ask_all()
            self._grade_all()
        except KeyboardInterrupt:
            self.mock.interrupted = True
        finally:
            self.mock.ended = self.result.ended = self.clock()
            self.store.end_session(self.session_id, self.mock.ended)
        return self.mock

    def _ask_all(self) -> None:
        total = len(self.pending)
        for number, item in enumerate(self.pending, 1):
            view = View(item, number, total, self.clock(), "mock", budget=self.budget)
            self.ui.show_card(view)
            stop, typed = False, self.write
            if not typed:
                with self.ui.timer(self.budget):  # the countdown line must stop before any typing
                    while True:
                        key = self.ui.key()
                        if key in ("", "q"):
                            stop = True  # end early: grade what was answered so far
                            break
                        if key == "w":
                            typed = True
                            break
                        if key in (" ", "\r", "\n"):
                            break
                        self.ui.notice("answer aloud, then press enter (or w to type your answer)")
            if stop:
                return
            if typed:
                self._write(view)
            used = (self.clock() - view.started).total_seconds()
            follow = None
            if self.follow_ups and (fu := self.pick_follow_up(item.card)) is not None:
                follow = fu.question
                self.ui.show_follow_up(view, fu.question)
                while self.ui.key() not in (" ", "\r", "\n", "", "q"):
                    pass
            self.mock.answers.append(MockAnswer(item, used, used > self.budget, view.answer, follow))

    def _grade_all(self) -> None:
        total = len(self.mock.answers)
        if not total:
            return
        self.ui.notice("Time to grade: each answer is revealed in turn. Rate it 1-4 (m: traps you fell for).")
        for number, entry in enumerate(self.mock.answers, 1):
            view = View(
                entry.item, number, total, self.clock(), "mock", answer=entry.answer, spent=entry.seconds
            )
            view.revealed_at = view.started
            self.ui.show_card(view)
            self.ui.show_mock_answer(view, entry.seconds, self.budget, entry.follow_up)
            self._reveal(view, ["outline", "numbers", "traps"])
            while True:
                key = self.ui.key()
                if key in ("", "q"):
                    return
                if key == "m":
                    self._mark_traps(view)
                elif key == "f":
                    self._reveal(view, ["follow_ups"])
                elif key in "1234" and len(key) == 1:
                    self._rate(view, Rating(int(key)))
                    entry.rating = Rating(int(key))
                    entry.traps_hit = view.traps_hit or []
                    break
                else:
                    self.ui.notice("rate 1-4, m: traps you fell for, f: follow-ups, q: stop grading")
