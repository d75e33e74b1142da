"""The plan's pure rules: pacing new cards, bringing cards forward, the final pass (domain/plan.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from interview_drill.domain.cards import Card
from interview_drill.domain.plan import ActivePlan, Plan, days_at, new_quota, plan_queue, planned_due
from interview_drill.domain.queue import build_queue
from interview_drill.domain.review import CardRow, Memory, Phase
from interview_drill.domain.schedule import Scheduler

TODAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
END = datetime(2026, 3, 3, 4, tzinfo=UTC)


@pytest.mark.parametrize(
    ("left", "introduced_today", "days_to_interview", "quota"),
    [
        (150, 0, 14, 13),  # 12 introduction days (the last is 3 days before): ceil(150 / 12)
        (138, 13, 14, 0),  # today's share is done
        (138, 5, 14, 7),  # the rest of today's share: ceil(143 / 12) - 5
        (20, 0, 4, 10),  # 2 days left to introduce
        (20, 0, 2, 10),  # too late for the lead: spread up to the day before
        (20, 0, 1, 20),  # the day before
        (20, 0, 0, 0),  # the day itself: nothing new
        (0, 0, 14, 0),
    ],
)
def test_new_cards_are_paced_to_be_in_by_three_days_before(left, introduced_today, days_to_interview, quota):
    day = TODAY + timedelta(days=days_to_interview)
    assert new_quota(left, introduced_today, TODAY, day) == quota


def memory(stability: float, reviewed_days_ago: float, due_in_days: float) -> Memory:
    return Memory(
        Phase.REVIEW, None, stability, 5.0, NOW + timedelta(days=due_in_days),
        NOW - timedelta(days=reviewed_days_ago),
    )  # fmt: skip


def active(days: int, target: float = 0.95) -> ActivePlan:
    day = TODAY + timedelta(days=days)
    return ActivePlan(Plan("p", day), TODAY, datetime(day.year, day.month, day.day, 12, tzinfo=UTC), target)


def test_days_at_inverts_the_forgetting_curve():
    s = Scheduler(fuzz=False)
    m = memory(10.0, 0, 10)
    d = days_at(m, 0.95, s)
    assert 0 < d < days_at(m, 0.9, s) == pytest.approx(10.0)  # stability = days until 90 %
    assert s.retrievability(m, m.last_review + timedelta(days=int(d))) >= 0.95
    assert s.retrievability(m, m.last_review + timedelta(days=int(d) + 1)) < 0.95


def test_a_card_due_after_the_interview_but_below_target_on_the_day_is_brought_forward():
    s = Scheduler(fuzz=False)
    m = memory(20.0, 0, 20)  # due in 20 days; on day 14 its recall is below 0.95
    plan = active(14)
    assert s.retrievability(m, plan.on_day) < 0.95
    due = planned_due(m, plan, s)
    assert due is not None and due < plan.on_day
    assert s.retrievability(m, due) >= 0.95  # still at target on the day it is served
    assert planned_due(m, active(14, target=0.85), s) is None  # a lower target: nothing to do
    assert planned_due(memory(200.0, 0, 200), plan, s) is None  # strong enough to last
    assert planned_due(memory(2.0, 0, 2), plan, s) is None  # due before the interview anyway


def card(i: int) -> Card:
    c = Card.model_validate({"id": f"c{i:02d}", "question": "q?", "outline": ["a"]})
    c.topic = "t"
    return c


def test_the_queue_serves_the_plan_and_the_final_pass():
    s = Scheduler(fuzz=False)
    cards = [card(i) for i in range(30)]
    rows = {
        "c00": CardRow("c00", memory(20.0, 0, 20)),  # due after the interview, at target on the day
        "c01": CardRow("c01", memory(30.0, 13, 17)),  # due after the interview, weak on the day
    }
    plain = build_queue(cards, rows, s, NOW, day_end=END)
    assert len(plain.new) == 10 and not plain.due
    two_weeks = plan_queue(plain, cards, rows, s, NOW, day_end=END, plans=[active(14)])
    assert len(two_weeks.new) == 10  # 28 new over 12 days is fewer than the daily limit
    assert [it.card.id for it in two_weeks.due] == ["c01"]  # brought forward to today
    far = plan_queue(plain, cards, rows, s, NOW, day_end=END, plans=[active(20)])
    assert not far.due  # a later interview: c01 is due before it anyway, on its own date
    tomorrow = plan_queue(plain, cards, rows, s, NOW, day_end=END, plans=[active(1)])
    assert [it.card.id for it in tomorrow.due] == ["c01"]  # the final pass: below target on the day
    assert len(tomorrow.new) == 28  # every new card, whatever the daily limit
    capped = plan_queue(plain, cards, rows, s, NOW, day_end=END, plans=[active(1)], new_limit=3)
    assert len(capped.new) == len(plain.new)  # an explicit --new still caps
    after = plan_queue(plain, cards, rows, s, NOW, day_end=END, plans=[active(0)])
    assert after == plain  # on the day and after: normal scheduling
