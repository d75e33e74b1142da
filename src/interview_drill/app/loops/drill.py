"""The drill loop as plain Python: a queue, a clock and an interaction in; what happened out.

Knows nothing about terminals: the CLI passes an `Interaction` that draws and reads keys. Serves due
and new cards, brings learning steps back within the session, reveals parts, records each rating
through `app.rate` (committed before the next card is drawn), undoes and buries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from interview_drill.app.leech import on_new_leech
from interview_drill.app.loops.interaction import KEYS_HELP, PART_KEYS, PARTS, Interaction, View
from interview_drill.app.rate import rate_card, undo_last
from interview_drill.domain.clock import Clock
from interview_drill.domain.leech import became_leech, is_leech
from interview_drill.domain.queue import LEARN_AHEAD, QueueItem
from interview_drill.domain.review import GivenRating, Phase, Rating
from interview_drill.domain.schedule import Scheduler
from interview_drill.errors import IdrillError, StoreError
from interview_drill.storage.history import Store

if TYPE_CHECKING:
    from interview_drill.app.ai.grading import Grader
    from interview_drill.app.loops.coding import CodingRound


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
        grader: Grader | None = None,
        coding: CodingRound | None = None,
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
        self.grader = grader  # `g`: model grading, only when asked (app/ai/grading.py)
        self.coding = coding  # the `c` key on cards with a runnable exercise
        self.total = len(self.pending) + len(self.later)
        self.done = 0
        self.undo_stack: list[
            tuple[QueueItem, bool | None]
        ] = []  # (item, re-queued as learning), None: buried
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
        if self.coding and self.coding.offers(item.card.id):
            view.notes.append("runnable: press c to write the code and run its tests")
        if is_leech(item.row, self.scheduler.settings):
            view.notes.append(f"leech: forgotten {item.row.lapses} times")
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
            if key in ("\r", "\n") and view.coded is not None and view.revealed:
                self._rate(view, view.coded.suggested)  # Enter confirms the rating the tests suggest
                return True
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
            elif key == "c":
                self._code(view)
            elif key == "m":
                self._mark_traps(view)
            elif key == "g":
                self._ai_grade(view)
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

    def _ai_grade(self, view: View) -> None:
        """A model grades the typed answer; shown next to the outline, stored when the user rates."""
        if not view.answer:
            self.ui.notice("type your answer first (w, before revealing), then press g to have it graded")
            return
        if self.grader is None:
            self.ui.notice("model grading is not available in this session")
            return
        if view.grade is None:
            self._reveal(view, ["outline"])
            self.ui.notice("asking the model to grade your answer… (Ctrl-C cancels the call)")
            outcome = self.grader.grade(view.item.card, view.answer)
            if outcome.message:
                self.ui.notice(outcome.message)
            view.grade = outcome.grade
        if view.grade is not None:
            self.ui.show_part(view, "grade")

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
        # One moment per rating: the outcome is computed at the moment the rating is given (and logged),
        # not when the answer was revealed. With study days and per-card fuzz it shows the same interval.
        outcome = self.scheduler.preview(item.row, now)[rating] if view.outcomes else None
        given = GivenRating(
            item.card.id,
            rating,
            now,
            kind,
            shown=item.row,
            outcome=outcome,
            content_hash=item.card.content_hash,
            duration_ms=int(spent * 1000),
            session_id=self.session_id,
            answer=view.answer,
            traps_hit=view.traps_hit,
        )
        applied = rate_card(self.store, self.scheduler, given)
        if view.grade is not None and self.grader is not None:
            self.grader.save(self.store, applied.review_id, view.grade)
        if view.coded is not None and self.coding is not None:
            self.coding.link(view.coded, applied.review_id)
        if applied.stale:
            self.ui.notice(
                "this card was reviewed in another session meanwhile; rescheduled from its latest state"
            )
        if became_leech(applied.before, applied.after, self.scheduler.settings):
            self.ui.notice(on_new_leech(self.store, applied.after, self.scheduler.settings))
        self.done += 1
        memory = applied.after.memory if kind != "cram" else None
        requeued = False
        day_end = self.bury_until(now) if self.bury_until else now + LEARN_AHEAD
        if memory and memory.phase in (Phase.LEARNING, Phase.RELEARNING) and memory.due < day_end:
            # A learning step due today: the card comes back in this session when its step is due.
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

    def _code(self, view: View) -> None:
        """Edit and check the attempt, show the result, reveal the answer with the rating it suggests."""
        if self.coding is None or not self.coding.offers(view.item.card.id):
            self.ui.notice("this card has no runnable exercise")
            return
        try:  # a folder that cannot be written, no process left to check with: say so, keep drilling
            attempt = self.coding.edit_attempt(view.item.card.id)
            if attempt is None:
                self.ui.notice("no check run: press c again when your code is ready")
                return
            self.ui.notice("running the tests…")
            view.coded = coded = self.coding.check(view.item.card.id, attempt)
        except (IdrillError, OSError) as exc:
            self.ui.notice(f"cannot check the code: {exc}")
            return
        self._reveal(view, ["outline"])  # the answer and the ratings (the suggested one marked), once
        self.ui.show_check(view, coded.result)  # last: next to the prompt, whatever the outline's length

    def _undo(self, current: QueueItem) -> bool:
        if not self.undo_stack:
            self.ui.notice("nothing to undo in this session")
            return False
        if self.undo_stack[-1][1] is None:
            return self._unbury(current)
        try:
            undone = undo_last(self.store, self.session_id)
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
        self.undo_stack.append((item, None))
        self.ui.notice(f"buried {item.card.id} until tomorrow")

    def _unbury(self, current: QueueItem) -> bool:
        item, _ = self.undo_stack.pop()
        self.store.unbury([item.card.id])
        self.result.buried.remove(item.card.id)
        self.total += 1
        if current.card.id != item.card.id:
            self.pending.insert(0, current)
        self.pending.insert(0, item)
        self.ui.notice(f"undid the bury of {item.card.id}")
        return True
