"""Practice beyond flashcards: `ready` (readiness for a level), `mock` (a timed mock interview),
`numbers` (the numbers quiz) and `answers` (past typed answers). The loops live in `app.loops`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from interview_drill.cli.complete import complete_card_id, complete_level
from interview_drill.cli.keys import key_reader, line_reader
from interview_drill.cli.options import Commands, Common, Filters, ForceOpt, Only, WriteOpt
from interview_drill.errors import UsageError

if TYPE_CHECKING:
    import random

    from rich.console import Console

    from interview_drill.app.workspace import Workspace
    from interview_drill.domain.cards import Card

commands = Commands()

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
    import random

    seed = os.environ.get("IDRILL_SEED")
    return random.Random(int(seed)) if seed and seed.isdigit() else random.Random()


def _check_level(value: str | None) -> None:
    from interview_drill.domain.cards import SENIORITIES
    from interview_drill.domain.filters import check_values

    if value is not None:
        check_values("level", [value], SENIORITIES)


@commands.command()
def ready(
    target: TargetOpt = None,
    filters: Annotated[Filters, Only("topic", "kind", "tag")] = Filters(),
    opts: Common = Common(),
) -> None:
    """Am I ready for an interview at this level? Readiness, what holds it back, this week's plan."""
    from dataclasses import replace

    from interview_drill.cli.hints import plan_command
    from interview_drill.domain.figures.readiness import assess
    from interview_drill.render.stats import render_readiness

    if target is None:
        raise UsageError("give the interview level with --target: screen, mid, senior or staff")
    _check_level(target)
    ws = opts.workspace(readonly=True)
    cards = filters.check(ws.bank).apply(ws.bank.cards)
    result = assess(cards, ws.rows(), ws.scheduler, ws.now(), ws.store.review_counts(), target,
                    titles=ws.bank.topics)  # fmt: skip
    result = replace(result, plan=[(plan_command(step), step.why) for step in result.steps])
    console = opts.console()
    console.print(render_readiness(result))
    from interview_drill.app.plan import plan_views  # the interview plans, if any (issue 18)
    from interview_drill.render.plan import render_plan_status

    for view in plan_views(ws, ws.now()):
        console.print()
        console.print(render_plan_status(view.active, view.projection, view.projection.by_topic(view.scope)))


@commands.command()
def mock(
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
    ai: Annotated[
        bool,
        typer.Option(
            "--ai", help="A model (setting ai_model) reads your typed answers, follows up and scores them."
        ),
    ] = False,
    force: ForceOpt = False,
    filters: Filters = Filters(),
    opts: Common = Common(),
) -> None:
    """A timed mock interview: questions across topics, weighted toward your weak spots; graded at the end."""
    from interview_drill.app.loops.mock import MockInterview
    from interview_drill.domain.figures.mock import pick_questions
    from interview_drill.domain.queue import as_item
    from interview_drill.domain.review import row_for
    from interview_drill.files import check_target
    from interview_drill.render.markdown import earlier_scorecard, scorecard
    from interview_drill.render.session import TerminalInteraction, render_scorecard

    _check_level(target)
    ws = opts.workspace()
    out_target = opts.out_target(earlier_scorecard, force=force, bank=ws.bank)
    if save is not None and str(save) != "-":
        check_target(save, out_target, "scorecard")  # refused now, not after the interview
    cards = filters.check(ws.bank).apply(ws.bank.cards)
    now = ws.now()
    rows = ws.rows()
    recall = {c.id: ws.scheduler.retrievability(row_for(c, rows).memory, now) for c in cards}
    rng = _rng()
    chosen = pick_questions(
        cards, n=count, target=target, weakness=topic_weakness(ws, cards), recall=recall, rng=rng
    )
    if not chosen:
        raise UsageError("no cards match these filters and target level")
    console = opts.console()
    items = [as_item(c, row_for(c, rows), ws.scheduler, now) for c in chosen]
    ui = TerminalInteraction(console, key_reader(console), line_reader(), clear=console.is_terminal)
    args = (ws.store, ws.scheduler, ws.clock, ui, items)
    kw = dict(budget=minutes * 60, follow_ups=follow_ups, write=write,
              pick_follow_up=lambda card: rng.choice(card.follow_ups) if card.follow_ups else None)  # fmt: skip
    interview = _ai_interview(ws, args, kw, target) if ai else MockInterview(*args, **kw)  # type: ignore[arg-type]
    result = interview.run()
    console.print(render_scorecard(result))
    extra = _ai_scorecard(console, interview, target) if ai else ""
    if save is not None:
        from interview_drill.files import safe_name, write_text

        write_text(save, scorecard(result) + extra, what="scorecard", target=out_target)
        console.print(f"scorecard saved to {safe_name(save)}", markup=False)
    if result.interrupted:
        raise typer.Exit(130)


def _ai_interview(ws: Workspace, args: tuple[Any, ...], kw: dict[str, Any], target: str | None) -> Any:
    """`mock --ai`: the model is resolved now, so a missing extra or model stops before the first question."""
    from interview_drill.app.ai.client import Client
    from interview_drill.app.ai.interviewer import AIMockInterview
    from interview_drill.cli.hints import words

    client = Client(ws.settings.ai_model, max_calls=ws.settings.ai_max_calls)
    client.resolve()  # a missing extra or model: one line, exit 1, before the first question
    return AIMockInterview(*args, client=client, target=target or "mid", words=words, **kw)


def _ai_scorecard(console: Console, interview: Any, target: str | None) -> str:
    """Print the interviewer's verdicts; their Markdown for `--out`."""
    from interview_drill.render.interviewer import interviewer_block, interviewer_markdown

    if not interview.exchanges:
        return ""
    model = f"{interview.client.model_id}, {'/'.join(interview.versions)}"  # the model and prompt versions
    console.print(interviewer_block(interview.exchanges, target or "mid", model))
    return interviewer_markdown(interview.exchanges, target or "mid", model)


def topic_weakness(ws: Workspace, cards: list[Card]) -> dict[str, float]:
    """Per-topic weakness score 0..1 from the stats module (studied topics only)."""
    from interview_drill.domain.figures import stats

    groups = stats.topic_weakness(cards, ws.rows(), ws.scheduler, ws.now(), ws.store.review_counts())
    return {g.key: g.weakness.score for g in groups if g.weakness is not None}


@commands.command()
def numbers(
    count: Annotated[
        int, typer.Option("--count", "-n", min=1, max=100, metavar="N", help="Number of figures to ask.")
    ] = 10,
    filters: Filters = Filters(),
    opts: Common = Common(),
) -> None:
    """A quick quiz on the numbers to drop: you see what a figure is about and type the figure."""
    from interview_drill.app.loops.numbers import FigureQuestion, NumbersQuiz, pick_figures
    from interview_drill.render.session import numbers_prompt, numbers_summary, numbers_verdict

    ws = opts.workspace()
    flt = filters.check(ws.bank)
    questions = pick_figures(flt.apply(ws.bank.cards), count, _rng())
    if not questions:
        raise UsageError("no cards with numbers match these filters")
    console = opts.console()
    read = line_reader()

    class Terminal:  # the quiz's QuizInteraction: Rich output, line input
        def ask_figure(self, q: FigureQuestion) -> str:
            numbers_prompt(console, q.position, q.total, q.card, q.number.about)
            return read("figure> ")

        def show_verdict(self, q: FigureQuestion, verdict: str) -> None:
            numbers_verdict(console, verdict, q.number.figure)

    result = NumbersQuiz(ws.store, ws.clock, Terminal(), questions).run()
    numbers_summary(console, result.verdicts)
    if result.interrupted:
        raise typer.Exit(130)


@commands.command()
def answers(
    card_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="The card whose typed answers to show.", autocompletion=complete_card_id
        ),
    ],
    opts: Common = Common(),
) -> None:
    """Your past typed answers for one card, oldest first, with the grade you gave (and a model's, if asked)."""
    from interview_drill.render.session import render_answers

    ws = opts.workspace(readonly=True)
    card = ws.card(card_id)
    from interview_drill.app.ai.grading import past_grades

    opts.console().print(render_answers(card, ws.store.answers(card.id), past_grades(ws.store, card.id)))
