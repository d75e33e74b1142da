"""Wiring for commands: the bank, the history, the settings and the clock of one invocation.

Plain Python (no Typer, no Rich), so the CLI, the benchmark and tests share one way to build a queue.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from interview_drill.app import config
from interview_drill.app.config import Settings
from interview_drill.bank import Bank
from interview_drill.domain.cards import Card
from interview_drill.domain.clock import Clock, day_bounds, fixed_clock, system_clock
from interview_drill.domain.filters import CardFilter
from interview_drill.domain.review import CardRow
from interview_drill.domain.schedule import Scheduler
from interview_drill.errors import Hint, UsageError, notice
from interview_drill.storage.history import Store
from interview_drill.storage.plans import has_plans

if TYPE_CHECKING:
    from interview_drill.domain.queue import Queue


def env_clock() -> Clock:
    """The system clock, or a pinned one from IDRILL_NOW (ISO 8601 with offset; for tests and demos)."""
    pinned = os.environ.get("IDRILL_NOW")
    if not pinned:
        return system_clock
    try:
        moment = datetime.fromisoformat(pinned)
    except ValueError:
        raise UsageError(Hint.PINNED_CLOCK, f": `{pinned}` is not an ISO 8601 date-time") from None
    if moment.tzinfo is None:
        raise UsageError(
            Hint.PINNED_CLOCK, f": `{pinned}` needs a UTC offset, e.g. 2026-01-05T09:00:00+00:00"
        )
    return fixed_clock(moment)


def env_tz() -> tzinfo | None:
    """The local time zone for day boundaries (IDRILL_TZ overrides the system's)."""
    name = os.environ.get("IDRILL_TZ")
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except Exception:
        raise UsageError(Hint.TIME_ZONE, f": unknown time zone `{name}`") from None


@dataclass
class Workspace:
    bank: Bank
    store: Store
    settings: Settings
    clock: Clock = system_clock
    tz: tzinfo | None = None
    fuzz: bool = True
    _scheduler: Scheduler | None = field(default=None, repr=False)
    whole_bank: Bank | None = None  # `bank` less the cards whose history row is damaged, if any
    # A read-only command writes no card row, so its card rows are read once (`stats` needs them for
    # the figures and again for the leeches: 10,000 rows cost ~45 ms each time).
    readonly: bool = False
    _rows: dict[str, CardRow] | None = field(default=None, repr=False)

    @property
    def scheduler(self) -> Scheduler:
        if self._scheduler is None:  # per-topic retention, if any, needs each card's topic (issue 18)
            from interview_drill.domain.topic_retention import scheduler_for

            topic_of = {c.id: c.topic for c in self.bank.cards} if self.settings.retention else {}
            self._scheduler = scheduler_for(self.settings, topic_of, fuzz=self.fuzz, tz=self.tz)
        return self._scheduler

    def now(self) -> datetime:
        return self.clock()

    def today(self, now: datetime | None = None) -> tuple[datetime, datetime]:
        return day_bounds(now or self.now(), self.settings.rollover_hour, self.tz)

    def rows(self) -> dict[str, CardRow]:
        """Every card row of the history, by slug (a fresh dict: callers may change it)."""
        if not self.readonly:
            return self.store.rows()
        if self._rows is None:
            self._rows = self.store.rows()
        return dict(self._rows)

    def queue(self, flt: CardFilter, *, new_limit: int | None = None, now: datetime | None = None) -> Queue:
        from interview_drill.domain.queue import build_queue  # not imported by stats and reports

        now = now or self.now()
        start, end = self.today(now)
        new_today, reviews_today = self.store.today_counts(start)
        cards = flt.apply(self.bank.cards)
        queue = build_queue(
            cards,
            self.rows(),
            self.scheduler,
            now,
            day_end=end,
            new_today=new_today,
            reviews_today=reviews_today,
            new_limit=new_limit,
        )
        if not has_plans(self.store):  # the plan rules are imported only when there is a plan
            return queue
        from interview_drill.app.plan import with_plans  # interview plans (issue 18)

        return with_plans(self, cards, queue, now, new_limit)

    def card(self, card_id: str) -> Card:
        return (self.whole_bank or self.bank).require(card_id)

    def tomorrow_due(self) -> int:
        """Cards that will be due by the end of the next study day."""
        _, end = self.today()
        horizon = end + timedelta(days=1)
        ids = {c.id for c in self.bank.cards}
        return sum(
            1
            for slug, row in self.rows().items()
            if slug in ids and row.memory and not row.suspended and row.memory.due < horizon
        )


def load_settings() -> Settings:
    from interview_drill.paths import config_path

    return config.load(config_path())


def open_workspace(bank: Bank, db: Path | None, *, readonly: bool = False) -> Workspace:
    from interview_drill.paths import db_path

    path = db_path(db)
    settings = load_settings()
    explicit = bool(db or os.environ.get("IDRILL_DB"))
    if explicit and not path.parent.is_dir():
        from interview_drill.errors import StoreError

        raise StoreError(f"{path}: its folder {path.parent} does not exist; ", Hint.CREATE_FOLDER_OR_OTHER_DB)
    if readonly:
        store = Store.open_readonly(path)
    else:
        ensure_data_dir(path, explicit=explicit)
        store = Store.open(path)
        store.rename(bank.alias_of)  # renamed cards take their history along, whatever the command
    fuzz = os.environ.get("IDRILL_FUZZ", "1") != "0"
    usable = _without_damaged(bank, store)
    return Workspace(
        usable,
        store,
        settings,
        clock=env_clock(),
        tz=env_tz(),
        fuzz=fuzz,
        whole_bank=bank if usable is not bank else None,
        readonly=readonly,
    )


def _without_damaged(bank: Bank, store: Store) -> Bank:
    """The bank less the cards whose history row no reader can use: queues, mocks and quizzes skip
    them (said once) instead of crashing; `card()` still finds them, so `reset` can clear one."""
    damaged = store.damaged_slugs()
    skipped = sorted(c.id for c in bank.cards if c.id in damaged) if damaged else []
    if not skipped:
        return bank
    notice(
        f"skipped {len(skipped)} card(s) whose history row is damaged ({', '.join(skipped[:5])}"
        f"{' …' if len(skipped) > 5 else ''}); ",
        Hint.REPAIR_HISTORY,
    )
    return replace(bank, cards=[c for c in bank.cards if c.id not in damaged])


def ensure_data_dir(path: Path, explicit: bool = False) -> None:
    """Create the default data folder on first use; an explicit --db must name an existing folder."""
    if explicit or path.parent.exists():
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from interview_drill.errors import StoreError

        raise StoreError(
            f"{path.parent}: cannot create the data folder ({exc.strerror}); ", Hint.OTHER_DATA_FOLDER
        ) from None
