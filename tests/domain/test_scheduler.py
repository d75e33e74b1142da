"""FSRS scheduling with a pinned clock and fuzzing off, and the daily queue."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from interview_drill.app.config import Settings
from interview_drill.domain.cards import Card
from interview_drill.domain.queue import build_queue, order_new
from interview_drill.domain.review import CardRow, Memory, Phase, Rating
from interview_drill.domain.schedule import DEFAULT_PARAMETERS as DEFAULT_WEIGHTS
from interview_drill.domain.schedule import Scheduler

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)
DAY = timedelta(days=1)


def test_known_sequence_gives_exact_intervals():
    """New card rated Good, Good, Good, Again, Good — the intervals py-fsrs 6 gives with default weights."""
    s = Scheduler(fuzz=False)
    row, now, intervals = CardRow("x"), T0, []
    for rating in [Rating.GOOD, Rating.GOOD, Rating.GOOD, Rating.AGAIN, Rating.GOOD]:
        memory = s.preview(row, now)[rating]
        intervals.append(memory.due - now)
        row, now = row.with_memory(memory), memory.due
    assert intervals == [10 * MIN, 2 * DAY, 11 * DAY, 10 * MIN, 2 * DAY]
    assert row.memory.phase == Phase.REVIEW


def test_preview_gives_four_ordered_outcomes_for_a_new_card():
    outcomes = Scheduler(fuzz=False).preview(CardRow("x"), T0)
    gaps = [outcomes[r].due - T0 for r in Rating]
    assert gaps == [1 * MIN, timedelta(seconds=330), 10 * MIN, 8 * DAY]
    assert gaps == sorted(gaps)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        Scheduler(fuzz=False).preview(CardRow("x"), datetime(2026, 1, 1))


def test_retrievability_matches_py_fsrs():
    from fsrs import Card as FCard
    from fsrs import Scheduler as FScheduler
    from fsrs import State

    memory = Memory(Phase.REVIEW, None, 5.0, 5.0, T0 + 5 * DAY, T0)
    ours = Scheduler().retrievability(memory, T0 + 7 * DAY)
    theirs = FScheduler().get_card_retrievability(
        FCard(card_id=1, state=State.Review, stability=5.0, difficulty=5.0, due=T0 + 5 * DAY, last_review=T0),
        T0 + 7 * DAY,
    )
    assert ours == pytest.approx(theirs)
    assert Scheduler().retrievability(None, T0) == 0.0


def test_the_default_weights_and_recall_terms_are_py_fsrs_own():
    """`stats` and `report` read the defaults and the recall formula without importing py-fsrs."""
    from fsrs import Scheduler as FScheduler
    from fsrs.scheduler import DEFAULT_PARAMETERS

    from interview_drill.domain import schedule

    theirs = FScheduler()
    assert schedule.DEFAULT_PARAMETERS == tuple(DEFAULT_PARAMETERS) == tuple(theirs.parameters)
    assert schedule.default_parameters() == tuple(theirs.parameters)
    ours = Scheduler()
    assert ours.parameters == tuple(theirs.parameters)
    assert ours.recall_terms == (theirs._FACTOR, theirs._DECAY)  # float for float
    assert tuple(ours._fsrs.parameters) == tuple(theirs.parameters)  # the one made at the first rating


def test_weights_out_of_bounds_are_refused_when_the_scheduler_is_made():
    from interview_drill.errors import ConfigError

    with pytest.raises(ConfigError, match="not valid FSRS weights"):
        Scheduler(Settings(parameters=(0.0,) * 21))
    personal = (0.3, *DEFAULT_WEIGHTS[1:])
    assert Scheduler(Settings(parameters=personal)).parameters == personal


def test_a_scheduler_with_the_default_weights_imports_py_fsrs_only_to_rate():
    code = (
        "import sys\n"
        "from datetime import UTC, datetime\n"
        "from interview_drill.app import workspace, figures\n"
        "from interview_drill.domain.review import CardRow\n"
        "from interview_drill.domain.schedule import Scheduler\n"
        "s = Scheduler()\n"
        "now = datetime(2026, 3, 2, tzinfo=UTC)\n"
        "s.recall_terms, s.recall_at(now), s.parameters\n"
        "print('fsrs' in sys.modules)\n"
        "s.preview(CardRow('x'), now)\n"
        "print('fsrs' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["False", "True"], done.stderr


def test_personal_parameters_and_retention_change_intervals():
    base = Scheduler(fuzz=False).preview(CardRow("x"), T0)[Rating.EASY].due
    strict = (
        Scheduler(Settings(desired_retention=0.97), fuzz=False).preview(CardRow("x"), T0)[Rating.EASY].due
    )
    assert strict < base


def card(cid: str, topic: str = "t", seniority: str = "mid", frequency: str = "common") -> Card:
    c = Card.model_validate(
        {"id": cid, "question": "q?", "outline": ["o"], "seniority": seniority, "frequency": frequency}
    )
    c.topic = topic
    return c


def reviewed(slug: str, due: datetime, stability: float = 3.0, phase: Phase = Phase.REVIEW, **kw) -> CardRow:
    return CardRow(slug, Memory(phase, None, stability, 5.0, due, due - DAY), **kw)


def test_new_cards_ordered_by_frequency_then_interleaved_topics_then_seniority():
    cards = [
        card("a-staff", "a", "staff", "very-common"),
        card("a-screen", "a", "screen", "very-common"),
        card("a-occ", "a", "screen", "occasional"),
        card("b-mid", "b", "mid", "very-common"),
        card("b-common", "b", "screen", "common"),
        card("c-senior", "c", "senior", "very-common"),
    ]
    ordered = [c.id for c, _ in order_new([(i, c, CardRow(c.id)) for i, c in enumerate(cards)])]
    assert ordered == ["a-screen", "b-mid", "c-senior", "a-staff", "b-common", "a-occ"]


def test_queue_due_first_lowest_recall_first_then_new_within_limits():
    s = Scheduler(Settings(new_per_day=2), fuzz=False)
    cards = [
        card("new1"),
        card("new2"),
        card("new3"),
        card("weak"),
        card("strong"),
        card("later"),
        card("learning"),
    ]
    rows = {
        "weak": reviewed("weak", T0 - 5 * DAY, stability=1.0),
        "strong": reviewed("strong", T0 - DAY, stability=30.0),
        "later": reviewed("later", T0 + 3 * DAY),
        "learning": reviewed("learning", T0 - MIN, phase=Phase.LEARNING),
    }
    q = build_queue(cards, rows, s, T0, day_end=T0 + timedelta(hours=19))
    assert [i.card.id for i in q.due] == ["learning", "weak", "strong"]
    assert [i.card.id for i in q.new] == ["new1", "new2"]
    assert q.next_due == T0 + 3 * DAY


def test_new_limit_counts_cards_already_introduced_today():
    s = Scheduler(Settings(new_per_day=3), fuzz=False)
    cards = [card(f"n{i}") for i in range(5)]
    q = build_queue(cards, {}, s, T0, day_end=T0 + DAY, new_today=2)
    assert len(q.new) == 1
    override = build_queue(cards, {}, s, T0, day_end=T0 + DAY, new_today=2, new_limit=4)
    assert len(override.new) == 4


def test_review_limit_caps_due_cards():
    s = Scheduler(Settings(reviews_per_day=3), fuzz=False)
    cards = [card(f"r{i}") for i in range(6)]
    rows = {c.id: reviewed(c.id, T0 - DAY) for c in cards}
    assert len(build_queue(cards, rows, s, T0, day_end=T0 + DAY).due) == 3
    assert len(build_queue(cards, rows, s, T0, day_end=T0 + DAY, reviews_today=2).due) == 1


def test_day_boundary_review_due_later_today_is_in_today_but_not_after_rollover():
    s = Scheduler(fuzz=False)
    cards = [card("x")]
    rows = {"x": reviewed("x", T0 + timedelta(hours=10))}
    assert [i.card.id for i in build_queue(cards, rows, s, T0, day_end=T0 + timedelta(hours=19)).due] == ["x"]
    assert build_queue(cards, rows, s, T0, day_end=T0 + timedelta(hours=5)).due == []


def test_suspended_and_buried_cards_are_left_out():
    s = Scheduler(fuzz=False)
    cards = [card("sus"), card("bur"), card("bur-past")]
    rows = {
        "sus": CardRow("sus", suspended=True),
        "bur": CardRow("bur", buried_until=T0 + DAY),
        "bur-past": CardRow("bur-past", buried_until=T0 - MIN),
    }
    q = build_queue(cards, rows, s, T0, day_end=T0 + DAY)
    assert [i.card.id for i in q.items] == ["bur-past"]


def test_renamed_card_finds_its_history_under_the_former_id():
    s = Scheduler(fuzz=False)
    c = Card.model_validate({"id": "new-name", "question": "q?", "outline": ["o"], "aliases": ["old-name"]})
    q = build_queue([c], {"old-name": reviewed("old-name", T0 - DAY)}, s, T0, day_end=T0 + DAY)
    assert [i.phase for i in q.due] == [Phase.REVIEW]


def test_review_limit_never_holds_back_learning_steps():
    s = Scheduler(Settings(reviews_per_day=2), fuzz=False)
    cards = [card("relearn"), card("r1"), card("r2")]
    rows = {
        "relearn": reviewed("relearn", T0 - 29 * MIN, phase=Phase.RELEARNING),
        "r1": reviewed("r1", T0 - DAY),
        "r2": reviewed("r2", T0 - DAY),
    }
    q = build_queue(cards, rows, s, T0, day_end=T0 + DAY, reviews_today=2)
    assert [i.card.id for i in q.due] == ["relearn"]
