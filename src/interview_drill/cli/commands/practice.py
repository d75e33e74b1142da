"""Practice beyond flashcards: mock interviews, the numbers quiz, past answers, readiness."""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Annotated

import typer

from interview_drill.cli.options import (
    BankOpt,
    DbOpt,
    KindOpt,
    LevelOpt,
    MaxLevelOpt,
    NoBuiltinOpt,
    NoColorOpt,
    TagOpt,
    TopicOpt,
    WriteOpt,
    _common,
    card_filter,
    complete_card_id,
    complete_level,
    guarded,
    key_reader,
    line_reader,
    out,
    workspace,
)
from interview_drill.errors import UsageError

TargetOpt = Annotated[
    str | None,
    typer.Option(
        "--target",
        metavar="LEVEL",
        help="Interview level to prepare for: screen, mid, senior or staff.",
        autocompletion=complete_level,
    ),
]


def _rng() -> random.Random:
    seed = os.environ.get("IDRILL_SEED")
    return random.Random(int(seed)) if seed and seed.isdigit() else random.Random()


def _check_level(value: str | None) -> None:
    from interview_drill.domain.cards import SENIORITIES
    from interview_drill.domain.filters import check_values

    if value is not None:
        check_values("level", [value], SENIORITIES)


def mock(
    ctx: typer.Context,
    count: Annotated[
        int, typer.Option("--count", "-n", min=1, max=30, metavar="N", help="Number of questions.")
    ] = 5,
    target: TargetOpt = None,
    minutes: Annotated[
        float, typer.Option("--minutes", min=0.05, metavar="M", help="Time budget per question, in minutes.")
    ] = 3.0,
    follow_ups: Annotated[
        bool, typer.Option("--follow-ups", help="After each answer, the interviewer asks one follow-up.")
    ] = False,
    save: Annotated[
        Path | None,
        typer.Option("--out", "-o", metavar="FILE", help="Save the scorecard as Markdown to this file."),
    ] = None,
    write: WriteOpt = False,
    topic: TopicOpt = None,
    level: LevelOpt = None,
    max_level: MaxLevelOpt = None,
    kind: KindOpt = None,
    tag: TagOpt = None,
    bank: BankOpt = None,
    no_builtin: NoBuiltinOpt = False,
    db: DbOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """A timed mock interview: questions across topics, weighted toward your weak spots; graded at the end."""
    from interview_drill.app.loops import MockInterview, as_item
    from interview_drill.domain.figures.mock import pick_questions
    from interview_drill.domain.schedule import row_for
    from interview_drill.render.markdown import scorecard
    from interview_drill.render.session import TerminalInteraction, render_scorecard

    _check_level(target)
    opts = _common(ctx, bank, no_builtin, db, no_color)
    ws = workspace(opts)
    flt = card_filter(ws.bank, topic=topic, level=level, max_level=max_level, kind=kind, tag=tag)
    cards = flt.apply(ws.bank.cards)
    now = ws.now()
    rows = ws.rows()
    recall = {c.id: ws.scheduler.retrievability(row_for(c, rows).memory, now) for c in cards}
    rng = _rng()
    chosen = pick_questions(
        cards, n=count, target=target, weakness=topic_weakness(ws, cards), recall=recall, rng=rng
    )
    if not chosen:
        raise UsageError("no cards match these filters and target level")
    console = out(opts)
    items = [as_item(c, row_for(c, rows), ws.scheduler, now) for c in chosen]
    ui = TerminalInteraction(console, key_reader(console), line_reader(), clear=False)
    interview = MockInterview(
        ws.store, ws.scheduler, ws.clock, ui, items, budget=minutes * 60, follow_ups=follow_ups, write=write,
        pick_follow_up=lambda card: rng.choice(card.follow_ups) if card.follow_ups else None,
    )  # fmt: skip
    result = interview.run()
    console.print(render_scorecard(result))
    if save is not None:
        from interview_drill.files import write_text

        write_text(save, scorecard(result), what="scorecard")
        console.print(f"scorecard saved to {save}")
    if result.interrupted:
        raise typer.Exit(130)


def topic_weakness(ws, cards) -> dict[str, float]:
    """Per-topic weakness score 0..1 from the stats module (studied topics only)."""
    from interview_drill.domain.figures import stats

    groups = stats.topic_weakness(cards, ws.rows(), ws.scheduler, ws.now(), ws.store.review_counts())
    return {g.key: g.weakness.score for g in groups if g.weakness is not None}


def numbers(
    ctx: typer.Context,
    count: Annotated[
        int, typer.Option("--count", "-n", min=1, max=100, metavar="N", help="Number of figures to ask.")
    ] = 10,
    topic: TopicOpt = None,
    level: LevelOpt = None,
    max_level: MaxLevelOpt = None,
    kind: KindOpt = None,
    tag: TagOpt = None,
    bank: BankOpt = None,
    no_builtin: NoBuiltinOpt = False,
    db: DbOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """A quick quiz on the numbers to drop: you see what a figure is about and type the figure."""
    from interview_drill.domain.figures.numbers import check
    from interview_drill.render.session import numbers_prompt, numbers_summary, numbers_verdict

    opts = _common(ctx, bank, no_builtin, db, no_color)
    ws = workspace(opts)
    flt = card_filter(ws.bank, topic=topic, level=level, max_level=max_level, kind=kind, tag=tag)
    pool = [(c, i) for c in flt.apply(ws.bank.cards) for i in range(len(c.numbers))]
    if not pool:
        raise UsageError("no cards with numbers match these filters")
    asked = _rng().sample(pool, k=min(count, len(pool)))
    console = out(opts)
    read = line_reader()
    verdicts = []
    try:
        for n, (card, index) in enumerate(asked, 1):
            figure = card.numbers[index]
            numbers_prompt(console, n, len(asked), card, figure.about)
            answer = read("figure> ").strip()
            if answer.lower() in ("q", "quit"):
                break
            verdict = check(answer, figure.figure) if answer else "skipped"
            if answer:
                ws.store.record_number_answer(card.id, index, answer, verdict == "correct", ws.now())
            verdicts.append(verdict)
            numbers_verdict(console, verdict, figure.figure)
    except EOFError:  # Ctrl-D: the quiz ends here
        pass
    except KeyboardInterrupt:
        numbers_summary(console, verdicts)
        raise typer.Exit(130) from None
    numbers_summary(console, verdicts)


def answers(
    ctx: typer.Context,
    card_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="The card whose typed answers to show.", autocompletion=complete_card_id
        ),
    ],
    bank: BankOpt = None,
    no_builtin: NoBuiltinOpt = False,
    db: DbOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Your past typed answers for one card, oldest first, with the grade you gave."""
    from interview_drill.render.session import render_answers

    opts = _common(ctx, bank, no_builtin, db, no_color)
    ws = workspace(opts, readonly=True)
    card = ws.card(card_id)
    out(opts).print(render_answers(card, ws.store.answers(card.id)))


def ready(
    ctx: typer.Context,
    target: TargetOpt = None,
    topic: TopicOpt = None,
    kind: KindOpt = None,
    tag: TagOpt = None,
    bank: BankOpt = None,
    no_builtin: NoBuiltinOpt = False,
    db: DbOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Am I ready for an interview at this level? Readiness, what holds it back, this week's plan."""
    from interview_drill.domain.figures.readiness import assess
    from interview_drill.render.stats import render_readiness

    if target is None:
        raise UsageError("give the interview level with --target: screen, mid, senior or staff")
    _check_level(target)
    opts = _common(ctx, bank, no_builtin, db, no_color)
    ws = workspace(opts, readonly=True)
    flt = card_filter(ws.bank, topic=topic, kind=kind, tag=tag)
    cards = flt.apply(ws.bank.cards)
    result = assess(cards, ws.rows(), ws.scheduler, ws.now(), ws.store.review_counts(), target,
                    titles=ws.bank.topics)  # fmt: skip
    out(opts).print(render_readiness(result))


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command()(guarded(ready))
    app.command()(guarded(mock))
    app.command()(guarded(numbers))
    app.command()(guarded(answers))
