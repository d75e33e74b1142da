"""`idrill mock --ai`: the mock interview where a model reads each typed answer and follows up
(from the card's follow-ups when they fit, else a probe at the gap it saw), then gives a verdict per
question for the scorecard. Answers are still graded by the user as `mock` reviews.

When the model cannot help, the interview goes on: one line, then the card's own follow-up (for a
probe) or no verdict (for the scorecard).
"""

from __future__ import annotations

from typing import Any

from interview_drill.app.ai.client import AIError, Client
from interview_drill.app.ai.prompts import (
    PROBE_VERSION,
    SCORECARD_VERSION,
    SYSTEM,
    probe_prompt,
    scorecard_prompt,
)
from interview_drill.app.loops.interaction import View
from interview_drill.app.loops.mock import MockInterview, MockResult
from interview_drill.domain.interviewer import Exchange, Probes, Verdict
from interview_drill.errors import Words, meaning, spell


class AIMockInterview(MockInterview):
    """A mock interview whose interviewer is a model; `exchanges` holds what it asked and concluded."""

    def __init__(self, *args: Any, client: Client, target: str = "mid", words: Words = meaning, **kw: Any):
        kw["write"] = True  # the model reads what you answered: answers are typed
        super().__init__(*args, **kw)
        self.client = client
        self.target = target
        self.words = words
        self.exchanges: list[Exchange] = []
        self.versions = (PROBE_VERSION, SCORECARD_VERSION)

    def _say(self, exc: AIError, fallback: str) -> None:
        self.ui.notice(f"{spell(exc.parts, self.words)} — {fallback}")

    def _follow_up(self, view: View) -> str | None:
        card, answer = view.item.card, view.answer or ""
        exchange = Exchange(card, answer)
        self.exchanges.append(exchange)
        try:
            probes = self.client.ask(
                probe_prompt(card, answer), Probes, system=SYSTEM, fits=lambda p: p.problems(card)
            )
            questions = [
                card.follow_ups[p.from_card - 1].question if p.from_card else p.question.strip()
                for p in probes.follow_ups
            ]
        except AIError as exc:
            fallback = self.pick_follow_up(card)
            self._say(exc, "the card's own follow-up instead" if fallback else "no follow-up")
            questions = [fallback.question] if fallback else []
        for question in questions:
            self.ui.show_follow_up(view, question)
            exchange.follow_ups.append((question, self.ui.read_answer(view).strip()))
        return " / ".join(questions) or None

    def run(self) -> MockResult:  # type: ignore[override]
        result = super().run()
        if not result.interrupted:
            self._verdicts()
        return result

    def _verdicts(self) -> None:
        if self.exchanges:
            self.ui.notice("asking the interviewer for its verdicts… (Ctrl-C skips them)")
        for exchange in self.exchanges:
            card = exchange.card
            try:
                exchange.verdict = self.client.ask(
                    scorecard_prompt(card, exchange.answer, exchange.follow_ups, self.target),
                    Verdict,
                    system=SYSTEM,
                    fits=lambda v, card=card: v.problems(card),  # type: ignore[misc]
                )
            except AIError as exc:
                self._say(exc, f"no verdict for {card.id}")
                if "budget" in str(exc) or "cancelled" in str(exc):
                    return
            except KeyboardInterrupt:
                return
