"""Desired retention per topic (`retention = {peft = 0.95}`): a Scheduler that rates each card with the
retention of its topic. Retrievability does not depend on the retention, so only the outcomes differ.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, tzinfo

from interview_drill.domain.review import CardRow, Memory, Rating
from interview_drill.domain.schedule import Scheduler
from interview_drill.domain.settings import Settings


class TopicScheduler(Scheduler):
    """`Scheduler` whose previews use the retention of the card's topic (looked up by slug)."""

    def __init__(
        self, settings: Settings, topic_of: Mapping[str, str], *, fuzz: bool = True, tz: tzinfo | None = None
    ):
        super().__init__(settings, fuzz=fuzz, tz=tz)
        self._topic_of = topic_of
        self._by_topic = {
            topic: Scheduler(replace(settings, desired_retention=r, retention=()), fuzz=fuzz, tz=tz)
            for topic, r in settings.retention
        }

    def retention_of(self, slug: str) -> float:
        own = self._by_topic.get(self._topic_of.get(slug, ""))
        return own.settings.desired_retention if own else self.settings.desired_retention

    def preview(self, row: CardRow, now: datetime) -> dict[Rating, Memory]:
        own = self._by_topic.get(self._topic_of.get(row.slug, ""))
        return own.preview(row, now) if own is not None else super().preview(row, now)


def scheduler_for(
    settings: Settings, topic_of: Mapping[str, str], *, fuzz: bool = True, tz: tzinfo | None = None
) -> Scheduler:
    """A plain Scheduler, or a TopicScheduler when some topic has its own retention."""
    if settings.retention:
        return TopicScheduler(settings, topic_of, fuzz=fuzz, tz=tz)
    return Scheduler(settings, fuzz=fuzz, tz=tz)
