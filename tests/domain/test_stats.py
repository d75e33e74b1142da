"""The figures of `idrill stats` / `idrill report`, checked against hand-built histories with known answers.

Recall values are chosen where FSRS gives them exactly: 1.0 on the day of a review, and 0.9 after
exactly `stability` days (the definition of stability), whatever the decay parameter.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta

import pytest

from interview_drill.domain.cards import Card
from interview_drill.domain.clock import day_start
from interview_drill.domain.figures.stats import History, compute
from interview_drill.domain.figures.streaks import streaks
from interview_drill.domain.figures.weakness import (
    WEAKNESS_FORMULA,
    readiness_by_level,
    topic_weakness,
    weakness,
)
from interview_drill.domain.review import CardRow, Memory, Phase, to_ms
from interview_drill.domain.schedule import Scheduler

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SCHED = Scheduler(fuzz=False)


def card(cid: str, topic: str, level: str = "mid", traps: tuple[str, ...] = ()) -> Card:
    c = Card(id=cid, question=f"Question {cid}?", outline=["answer"], seniority=level, traps=list(traps))
    c.topic = topic
    return c


def studied(slug: str, stability: float, days_ago: int, *, lapses: int = 0, due_in: float | None = None,
            phase: Phase = Phase.REVIEW, suspended: bool = False) -> CardRow:  # fmt: skip
    last = NOW - timedelta(days=days_ago)
    due = last + timedelta(days=stability if due_in is None else due_in)
    return CardRow(
        slug, Memory(phase, None, stability, 5.0, due, last), reps=5, lapses=lapses, suspended=suspended
    )


def at(days_ago: int, hour: int = 12) -> int:
    """Epoch ms of `hour`:00 UTC, `days_ago` days before NOW's date."""
    d = (NOW - timedelta(days=days_ago)).replace(hour=hour, minute=0)
    return to_ms(d)


def review(slug: str, rating: int, days_ago: int, phase_before: int = 2, hour: int = 12) -> tuple:
    return (slug, rating, at(days_ago, hour), phase_before)


def run(cards, rows, reviews=(), traps=(), numbers=(), **kw):
    kw.setdefault("rollover_hour", 4)
    kw.setdefault("tz", UTC)
    return compute(cards, rows, History(list(reviews), list(traps), list(numbers)), SCHED, NOW, **kw)


# ------------------------------------------------------------------ the formula


@pytest.mark.parametrize(
    ("recall", "again", "lapses", "score", "reason"),
    [
        (1.0, 0.0, 0.0, 0.0, "recall"),  # perfect: score 0 (ties go to recall)
        (0.5, 0.0, 0.0, 0.25, "recall"),
        (0.9, 0.3, 0.0, 0.05 + 0.09, "again"),
        (0.9, 0.1, 0.5, 0.05 + 0.03 + 0.1, "lapses"),
        (0.9, 0.1, 3.0, 0.05 + 0.03 + 0.2, "lapses"),  # lapses per card capped at 1
        (0.0, 1.0, 1.0, 1.0, "recall"),  # the worst possible: 1
    ],
)
def test_weakness_formula(recall, again, lapses, score, reason):
    w = weakness(recall, again, lapses)
    assert w.score == pytest.approx(score)
    assert w.reason == reason


def test_documented_weakness_formula_is_the_one_computed():
    """The formula printed by `stats` and the README is the one the code applies, weight for weight."""
    import re

    from interview_drill.domain.figures.weakness import WEIGHTS

    weights = map(float, re.findall(r"(\d\.\d+) ×", WEAKNESS_FORMULA))
    written = dict(zip(("recall", "again", "lapses"), weights, strict=True))
    assert written == WEIGHTS
    from ..conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert WEAKNESS_FORMULA in readme


def test_streaks_api_is_unchanged():
    d = date(2026, 3, 2)
    days = {d, d - timedelta(days=1), d - timedelta(days=5), d - timedelta(days=6), d - timedelta(days=7)}
    assert streaks(days, d) == (2, 3)
    assert streaks(days - {d}, d) == (1, 3)  # today not yet drilled keeps yesterday's run alive
    assert streaks(set(), d) == (0, 0)


# ------------------------------------------------------------------ known answers


def test_again_rate_recall_lapses_and_weakness_per_topic():
    cards = [card("a1", "lora"), card("a2", "lora"), card("a3", "lora"), card("b1", "eval")]
    rows = {
        "a1": studied("a1", 10, 10, lapses=2),  # recall 0.9
        "a2": studied("a2", 5, 0),  # recall 1.0
        "b1": studied("b1", 4, 4),  # recall 0.9
    }
    # a1: 10 reviews, 3 Again → 30 %; a2: 4 reviews, none Again; b1: 10 reviews, 1 Again
    reviews = [review("a1", 1 if i in (2, 5, 7) else 3, 40 - i) for i in range(10)]
    reviews += [review("a2", 3, 3 - i) for i in range(4)]
    reviews += [review("b1", 1 if i == 0 else 3, 30 - i) for i in range(10)]
    st = run(cards, rows, reviews)

    by_card = {c.card.id: c for c in st.cards}
    assert by_card["a1"].again_rate == pytest.approx(0.3)
    assert by_card["a1"].recall == pytest.approx(0.9)
    assert by_card["a2"].recall == pytest.approx(1.0)
    assert by_card["a3"].recall == 0.0 and not by_card["a3"].studied

    lora, eval_ = {t.key: t for t in st.topics}["lora"], {t.key: t for t in st.topics}["eval"]
    assert (lora.cards, lora.seen, lora.new) == (3, 2, 1)
    assert lora.mean_recall == pytest.approx(0.95)  # over studied cards only
    assert lora.readiness == pytest.approx((0.9 + 1.0 + 0.0) / 3)  # unseen count 0
    assert lora.mean_stability == pytest.approx(7.5)
    assert (lora.reviews, lora.again, lora.lapses) == (14, 3, 2)
    assert lora.again_rate == pytest.approx(3 / 14)
    assert lora.weakness.score == pytest.approx(0.5 * 0.05 + 0.3 * 3 / 14 + 0.2 * 1.0)
    assert lora.weakness.reason == "lapses" and lora.weakness.label == "many lapses"
    assert eval_.weakness.score == pytest.approx(0.05 + 0.03)
    assert eval_.weakness.reason == "recall"
    assert [t.key for t in st.topics] == ["lora", "eval"]  # weakest first


def test_never_studied_topics_are_gaps_not_weaknesses():
    cards = [card("a1", "lora"), card("b1", "rlhf", "staff"), card("b2", "rlhf", "staff")]
    st = run(cards, {"a1": studied("a1", 10, 10)}, [review("a1", 3, 10)])
    assert [t.key for t in st.weak_topics] == ["lora"]
    assert [(t.key, t.cards, t.weakness) for t in st.gap_topics] == [("rlhf", 2, None)]
    assert [lv.key for lv in st.gap_levels] == ["staff"]
    assert [t.key for t in st.topics] == ["lora", "rlhf"]  # gaps listed after the ranked topics


def test_true_retention_counts_only_review_state_cards_in_the_window():
    cards = [card("a", "t")]
    reviews = [
        review("a", 1, 2),  # review state, Again: counts in 7 and 30
        review("a", 3, 3),
        review("a", 3, 5),
        review("a", 3, 6),
        review("a", 1, 20),  # only in 30
        review("a", 3, 25),
        review("a", 1, 12, phase_before=0),  # new card: never counts toward retention
        review("a", 1, 11, phase_before=3),  # relearning: not review state
        review("a", 1, 45),  # too old
    ]
    st = run(cards, {"a": studied("a", 3, 2)}, reviews)
    r7, r30 = st.retention
    assert (r7.days, r7.reviews, r7.again) == (7, 4, 1)
    assert r7.rate == pytest.approx(0.75)
    assert (r30.days, r30.reviews, r30.again) == (30, 6, 2)
    assert r30.rate == pytest.approx(4 / 6)


def test_activity_streaks_and_today_follow_study_days():
    cards = [card("a", "t")]
    reviews = [
        review("a", 3, 0, hour=5),  # today (study day starts 04:00)
        review("a", 3, 0, hour=3),  # before 04:00: still yesterday's study day
        review("a", 3, 1),
        review("a", 1, 2),
        review("a", 3, 4),
        review("a", 3, 5),
        review("a", 3, 6),
        review("a", 3, 7),
    ]
    st = run(cards, {"a": studied("a", 3, 0)}, reviews, days=10)
    assert st.totals.reviews_today == 1
    assert st.totals.reviews == 8
    counts = [(d.day, d.reviews, d.again) for d in st.activity.days]
    assert len(counts) == 10 and counts[-1] == (date(2026, 3, 2), 1, 0)
    assert counts[-2] == (date(2026, 3, 1), 2, 0)
    assert counts[-3] == (date(2026, 2, 28), 1, 1)
    assert counts[-4] == (date(2026, 2, 27), 0, 0)
    assert (st.totals.streak, st.totals.longest_streak) == (3, 4)
    assert st.activity.last_7 == 7 and st.activity.previous_7 is None  # window shorter than 14 days


def test_local_time_zone_and_rollover_decide_the_day():
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Kolkata")  # UTC+05:30: the study day starts 22:30 UTC the evening before
    cards = [card("a", "t")]
    late = to_ms(datetime(2026, 3, 1, 22, 45, tzinfo=UTC))  # 04:15 local on 03-02: today
    early = to_ms(datetime(2026, 3, 1, 22, 15, tzinfo=UTC))  # 03:45 local on 03-02: still 03-01
    st = run(cards, {}, [("a", 3, late, 0), ("a", 3, early, 0)], tz=tz, days=2)
    assert [(d.day, d.reviews) for d in st.activity.days] == [(date(2026, 3, 1), 1), (date(2026, 3, 2), 1)]
    assert st.totals.reviews_today == 1
    assert day_start(date(2026, 3, 2), 4, tz) == datetime(2026, 3, 1, 22, 30, tzinfo=UTC)


def test_forecast_due_now_and_suspended():
    cards = [card(f"c{i}", "t") for i in range(6)]
    rows = {
        "c0": studied("c0", 10, 12),  # overdue: counted today
        "c1": studied("c1", 10, 10, due_in=10.2),  # due later today (review cards: due today)
        "c2": studied("c2", 10, 9),  # due tomorrow
        "c3": studied("c3", 10, 4),  # due in 6 days
        "c4": studied("c4", 10, 0),  # due in 10 days: beyond the forecast
        "c5": studied("c5", 10, 12, suspended=True),  # suspended: never due
    }
    st = run(cards, rows)
    assert [f.due for f in st.forecast] == [2, 1, 0, 0, 0, 0, 1]
    assert st.forecast[0].day == date(2026, 3, 2) and st.forecast[6].day == date(2026, 3, 8)
    assert (st.totals.due_now, st.totals.suspended, st.totals.seen, st.totals.new) == (2, 1, 6, 0)


def test_learning_cards_are_due_only_when_their_step_is_due():
    cards = [card("l1", "t"), card("l2", "t")]
    rows = {
        "l1": studied("l1", 1, 0, phase=Phase.LEARNING, due_in=-0.001),  # step due a minute ago
        "l2": studied("l2", 1, 0, phase=Phase.LEARNING, due_in=0.1),  # later today
    }
    st = run(cards, rows)
    assert [c.due_now for c in st.cards] == [True, False]
    assert st.forecast[0].due == 2


def test_readiness_by_level_counts_unseen_as_zero():
    cards = [
        card("s", "t", "screen"),
        card("m1", "t", "mid"),
        card("m2", "t", "mid"),
        card("x", "u", "staff"),
    ]
    rows = {"s": studied("s", 5, 0), "m1": studied("m1", 8, 8)}
    got = readiness_by_level(cards, rows, SCHED, NOW)
    assert list(got) == ["screen", "mid", "staff"]  # seniority order, only levels with cards
    assert got["screen"] == pytest.approx(1.0)
    assert got["mid"] == pytest.approx(0.45)
    assert got["staff"] == 0.0
    st = run(cards, rows)
    assert {lv.key: lv.readiness for lv in st.levels} == pytest.approx(got)


def test_topic_weakness_public_helper_matches_compute():
    cards = [card("a", "lora"), card("b", "eval"), card("c", "gap")]
    rows = {"a": studied("a", 10, 10, lapses=1), "b": studied("b", 3, 0)}
    counts = {"a": (10, 3), "b": (4, 0)}
    ranked = topic_weakness(cards, rows, SCHED, NOW, counts, titles={"lora": "LoRA"})
    assert [(t.key, t.title) for t in ranked] == [("lora", "LoRA"), ("eval", "eval"), ("gap", "gap")]
    assert ranked[0].weakness.score == pytest.approx(0.05 + 0.09 + 0.2)
    assert ranked[0].again_rate == pytest.approx(0.3)
    assert ranked[2].weakness is None


def test_history_under_a_former_id_is_counted():
    c = Card(id="new-id", question="Q?", outline=["a"], aliases=["old-id"])
    c.topic = "t"
    st = run([c], {"old-id": studied("old-id", 10, 10)}, [review("old-id", 1, 10), review("old-id", 3, 11)])
    assert st.cards[0].studied and st.cards[0].reviews == 2 and st.cards[0].again == 1


@pytest.mark.parametrize("whole_history", [True, False])
def test_counts_are_the_same_whether_or_not_some_card_has_a_former_id(whole_history):
    """Without former ids the summary's counts are read as they are; with one, they are gathered per
    card first: the same counts either way (reviews of cards not selected are in the summary)."""
    plain = [card(f"c{i}", "t") for i in range(6)]
    aliased = [*plain[:5], Card(id="c5", question="Q?", outline=["a"], aliases=["never-stored"])]
    aliased[5].topic = "t"
    reviews = [review(f"c{i % 7}", 1 + i % 4, i % 9) for i in range(60)]  # c6: not a selected card
    rows = {"c1": studied("c1", 10, 3), "c6": studied("c6", 4, 1)}
    a = run(plain, rows, reviews, whole_history=whole_history)
    b = run(aliased, rows, reviews, whole_history=whole_history)
    assert [(c.card.id, c.reviews, c.again) for c in a.cards] == [
        (c.card.id, c.reviews, c.again) for c in b.cards
    ]
    assert [c.reviews for c in a.cards] == [sum(1 for r in reviews if r[0] == f"c{i}") for i in range(6)]
    assert [c.again for c in a.cards] == [
        sum(1 for r in reviews if r[0] == f"c{i}" and r[1] == 1) for i in range(6)
    ]
    assert a.topics == b.topics and a.totals == b.totals


def test_filtered_selection_counts_only_its_reviews():
    cards = [card("a", "t")]
    reviews = [review("a", 3, 0), review("gone", 3, 0), review("gone", 3, 1)]
    whole = run(cards, {}, reviews)
    assert whole.totals.reviews == 3 and whole.totals.streak == 2  # like the drill's streak
    only = run(cards, {}, reviews, whole_history=False)
    assert only.totals.reviews == 1 and only.totals.streak == 1


def test_traps_counted_per_card_and_index():
    c1 = card("a", "lora", traps=("first", "second"))
    c2 = card("b", "eval", traps=("only",))
    marked = [
        ("a", "[0]"),
        ("a", "[0, 1]"),
        ("a", "[0, 0]"),  # a repeated index in one review counts once
        ("b", "[0, 7]"),  # 7: no such trap (the card was edited): skipped
        ("b", "not json"),
        ("gone", "[0]"),  # a card no longer in the bank
    ]
    st = run([c1, c2], {}, traps=marked)
    assert [(t.card.id, t.index, t.text, t.count) for t in st.traps] == [
        ("a", 0, "first", 3),
        ("b", 0, "only", 1),
        ("a", 1, "second", 1),
    ]


def test_numbers_quiz_accuracy_over_the_last_30_days():
    cards = [card("a", "t")]
    numbers = [("a", 1, at(1)), ("a", 1, at(2)), ("a", 0, at(3)), ("a", 1, at(29)), ("a", 0, at(31))]
    st = run(cards, {}, numbers=numbers)
    assert (st.numbers.answers, st.numbers.correct) == (4, 3)
    assert st.numbers.accuracy == pytest.approx(0.75)
    assert run(cards, {}).numbers is None


def test_empty_history_is_all_gaps():
    cards = [card("a", "t", "screen"), card("b", "u", "senior")]
    st = run(cards, {})
    assert not st.studied and st.weak_topics == []
    assert [t.key for t in st.gap_topics] == ["t", "u"]
    assert [lv.readiness for lv in st.levels] == [0.0, 0.0]
    assert st.totals.streak == 0 and st.activity.total == 0 and st.retention[0].rate is None
    assert st.weakest_cards("t") == []


def test_performance_100k_reviews_10k_cards():
    """One pass over the log: well under a second for 100k reviews and 10k cards."""
    import random

    rnd = random.Random(7)
    cards = [
        card(f"c{i}", f"topic{i % 20}", ("screen", "mid", "senior", "staff")[i % 4], ("t",))
        for i in range(10_000)
    ]
    rows = {
        f"c{i}": studied(f"c{i}", rnd.uniform(1, 60), rnd.randint(0, 60), lapses=rnd.randint(0, 2))
        for i in range(0, 10_000, 2)
    }
    start = to_ms(NOW - timedelta(days=365))
    reviews = [
        (f"c{rnd.randrange(10_000)}", rnd.choice((1, 3, 3, 4)), start + rnd.randrange(365 * 86_400_000), 2)
        for _ in range(100_000)
    ]
    traps = [(f"c{rnd.randrange(10_000)}", json.dumps([0])) for _ in range(2_000)]
    st = run(cards, rows, reviews, traps)  # its speed is a figure of scripts/bench (`stats`)
    assert st.totals.reviews == 100_000 and len(st.topics) == 20
    assert sum(t.cards for t in st.topics) == 10_000


@pytest.mark.parametrize(
    ("recall", "label"),
    [
        (0.60, "low recall"),
        (0.84, "low recall"),
        (0.93, "recall 93 %, on target"),
        (0.95, "recall 95 %, on target"),
    ],
)
def test_recall_is_called_low_only_below_target(recall, label):
    from interview_drill.domain.figures.weakness import weakness

    w = weakness(recall, 0.0, 0.0)
    assert w.reason == "recall" and w.label == label


def test_wrapped_stats_lines_hang_under_their_item():
    import io

    from rich.console import Console
    from rich.text import Text

    from interview_drill.render.stats import _hanging

    console = Console(width=40, file=io.StringIO(), no_color=True)
    with console.capture() as out:
        console.print(_hanging((Text("3×"), Text("lora-mechanics: " + "a long trap text " * 4)), indent=1))
    first, *rest = out.get().rstrip().splitlines()
    assert first.startswith(" 3× lora-mechanics:") and rest
    assert all(line.startswith("    ") and line.strip() for line in rest)  # under the text, not column 0


def test_the_weakness_score_alone_equals_the_full_weakness_float_for_float():
    import random

    from interview_drill.domain.figures.weakness import weakness, weakness_score

    rng = random.Random(3)
    cases = [(1.0, 0.0, 0.0), (0.0, 1.0, 5.0), (0.85, 0.1, 1.0)]
    cases += [(rng.random(), rng.random(), rng.choice((0.0, 1.0, rng.random() * 3))) for _ in range(5000)]
    for recall, again, lapses in cases:
        assert weakness_score(recall, again, lapses) == weakness(recall, again, lapses).score


def test_the_weakest_cards_are_ranked_by_weakness_then_recall_then_id():
    cards = [card(f"c{i}", "t") for i in range(8)]
    rows = {c.id: studied(c.id, 1.0 + i % 3, 1 + i % 3, lapses=i % 3) for i, c in enumerate(cards[:7])}
    reviews = [review(c.id, 1 + (i + k) % 3, k + 1) for i, c in enumerate(cards[:7]) for k in range(i % 3)]
    st = run(cards, rows, reviews)
    ranked = sorted(
        (c for c in st.cards if c.studied), key=lambda c: (-c.weakness.score, c.recall, c.card.id)
    )  # type: ignore[union-attr]
    assert st.weakest_cards("t", 10) == ranked and len(ranked) == 7
    assert len({c.weakness.score for c in ranked}) == 3  # ties, broken by id  # type: ignore[union-attr]
    assert st.by_topic is not None  # compute's grouping, reused; a Stats made without it groups itself
    assert dataclasses.replace(st, by_topic=None).weakest_cards("t", 10) == ranked
    assert st.weakest_cards("no-such-topic") == []


def test_the_first_few_traps_are_those_of_the_whole_ranking():
    """The terminal and most reports show the first few traps: found without ranking them all."""
    import random

    from interview_drill.domain.figures.stats import RankedTraps

    rng = random.Random(7)
    cards = {f"c{k}": card(f"c{k}", rng.choice(["a", "b", "c"]), traps=("t0", "t1", "t2")) for k in range(60)}
    counts = {
        (cid, i): rng.randint(1, 4) for cid in cards for i in range(3) if rng.random() < 0.7
    }  # many ties
    whole = sorted(counts.items(), key=lambda kv: (-kv[1], cards[kv[0][0]].topic, kv[0][0], kv[0][1]))
    expected = [(cid, i, n) for (cid, i), n in whole]
    for n in (0, 1, 5, 10, len(counts) // 4 - 1, len(counts), len(counts) + 3):
        first = RankedTraps(counts, cards)[:n]  # before anything ranked them all
        assert [(t.card.id, t.index, t.count) for t in first] == expected[:n], n
    ranked = RankedTraps(counts, cards)
    assert len(ranked) == len(counts) and bool(ranked)
    assert [(t.card.id, t.index, t.count) for t in ranked] == expected
    assert ranked[3].text == cards[expected[3][0]].traps[expected[3][1]]
    assert ranked == list(RankedTraps(counts, cards)) and not RankedTraps({}, cards)
