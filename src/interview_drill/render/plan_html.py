"""The HTML report's sections for interview plans and leeches (added before the end of the page)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from interview_drill.domain.cards import Card
from interview_drill.domain.plan import ActivePlan, Projection
from interview_drill.domain.textsafe import strip_controls
from interview_drill.render.fmt import pct, plural


def plan_section(plans: Sequence[tuple[ActivePlan, Projection, Sequence[Card]]]) -> str:
    parts = ['<section id="plan"><h2>Interview plan</h2>']
    for active, p, scope in plans:
        plan = active.plan
        left = "today" if active.days_left == 0 else f"{plural(active.days_left, 'day')} left"
        track = "on track" if p.on_track else "behind"
        parts.append(
            f"<h3>{escape(plan.name)}: {plan.day:%a %d %b %Y} ({left}) — {track}</h3>"
            f"<p>{plural(p.cards, 'card')} in scope, {p.new} never studied; recall wanted on the day "
            f"{pct(p.target)}. Predicted on the day: {pct(p.recall_follow)} following the plan, "
            f"{pct(p.recall_nothing)} doing nothing more.</p>"
        )
        parts.append("<table><thead><tr><th>topic</th><th>plan</th><th>as now</th></tr></thead><tbody>")
        for topic, (follow, nothing) in sorted(p.by_topic(scope).items(), key=lambda kv: kv[1][0]):
            parts.append(
                f'<tr><td>{escape(topic)}</td><td class="num">{pct(follow)}</td><td class="num">{pct(nothing)}</td></tr>'
            )
        parts.append("</tbody></table>")
    parts.append("</section>")
    return "".join(parts)


def leeches_section(found: Sequence[tuple[Card, int]], threshold: int) -> str:
    parts = [f'<section id="leeches"><h2>Leeches (forgotten {threshold} times or more)</h2><ul>']
    for card, lapses in found:
        traps = "".join(f"<li>trap: {escape(strip_controls(t))}</li>" for t in card.traps)
        parts.append(
            f"<li><strong>{escape(card.id)}</strong> ({lapses} lapses): {escape(strip_controls(card.question))}"
            + (f"<ul>{traps}</ul>" if traps else "")
            + "</li>"
        )
    parts.append("</ul></section>")
    return "".join(parts)
