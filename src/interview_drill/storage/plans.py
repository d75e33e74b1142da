"""Interview plans in the history database (table `plans`), and which cards were introduced when.

Kept apart from `history.py`: a plan is not card state. The scope is the plan's filters as JSON.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING

from interview_drill.domain.filters import CardFilter
from interview_drill.domain.review import from_ms, to_ms
from interview_drill.storage.history import Store

if TYPE_CHECKING:
    from interview_drill.domain.plan import Plan

_SCOPE_KEYS = ("topics", "levels", "max_level", "kinds", "tags")


def _scope_json(scope: CardFilter) -> str:
    return json.dumps(
        {k: list(v) if isinstance(v, tuple) else v for k in _SCOPE_KEYS if (v := getattr(scope, k))},
        sort_keys=True,
    )


def _scope(text: str) -> CardFilter:
    data = json.loads(text)
    return CardFilter(
        topics=tuple(data.get("topics", ())),
        levels=tuple(data.get("levels", ())),
        max_level=data.get("max_level"),
        kinds=tuple(data.get("kinds", ())),
        tags=tuple(data.get("tags", ())),
    )


def has_plans(store: Store) -> bool:
    """Whether any plan is stored (a drill without one never imports the plan rules)."""
    return store.conn.execute("SELECT 1 FROM plans LIMIT 1").fetchone() is not None


def load_plans(store: Store) -> list[Plan]:
    """Every stored plan, soonest interview first."""
    from interview_drill.domain.plan import Plan

    cur = store.conn.execute(
        "SELECT name, interview_on, recall, target, scope, created_at FROM plans ORDER BY interview_on, name"
    )
    return [
        Plan(name, date.fromisoformat(day), recall, target, _scope(scope), from_ms(created))
        for name, day, recall, target, scope, created in cur
    ]


def save_plan(store: Store, plan: Plan, now: datetime) -> bool:
    """Store a plan, replacing one of the same name. True when it replaced one."""
    with store.transaction():
        replaced = store.conn.execute("DELETE FROM plans WHERE name = ?", (plan.name,)).rowcount > 0
        store.conn.execute(
            "INSERT INTO plans (name, interview_on, recall, target, scope, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (plan.name, plan.day.isoformat(), plan.recall, plan.target, _scope_json(plan.scope), to_ms(now)),
        )
    return replaced


def delete_plan(store: Store, name: str) -> bool:
    with store.transaction():
        return store.conn.execute("DELETE FROM plans WHERE name = ?", (name,)).rowcount > 0


def introduced_since(store: Store, since: datetime) -> set[str]:
    """Cards whose first review (of a new card) was at or after `since`, cram left out."""
    return {
        slug
        for (slug,) in store.conn.execute(
            "SELECT DISTINCT c.slug FROM reviews r JOIN cards c ON c.id = r.card_id "
            "WHERE r.reviewed_at >= ? AND r.phase_before = 0 AND r.kind != 'cram'",
            (to_ms(since),),
        )
    }
