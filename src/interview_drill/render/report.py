"""The weak-topic report's entry: which formats exist, which file suffix means which, and
`render(stats, fmt)`, which hands the figures to the module of that format.

Markdown is markdown.py, HTML html.py, JSON and CSV data.py; what every format says is
contents.py. Each format module is imported only when asked for. Writing the result to a file
is the CLI's job (files.write_text), not render's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from interview_drill.errors import UsageError
from interview_drill.render.contents import TITLE

if TYPE_CHECKING:
    from interview_drill.domain.figures.stats import Stats

FORMATS = ("md", "html", "json", "csv")
SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".json": "json", ".csv": "csv"}


def earlier_report(head: bytes) -> bool:
    """Whether a file's first bytes are an earlier report of ours, in any of its formats."""
    title = TITLE.encode()
    return (
        head.startswith(b"# " + title)  # md
        or (head.startswith(b"<!DOCTYPE html>") and title in head)  # html
        or (head.lstrip().startswith(b"{") and b'"generated_at"' in head)  # json
        or head.startswith((b"rank,topic,title,", b"id,topic,level,kind,question"))  # csv
    )


def render(stats: Stats, fmt: str, *, cards: bool = False) -> str:
    """The report in one format; `cards` adds per-card rows (csv: instead of per-topic; json: `cards`)."""
    if fmt == "md":
        from interview_drill.render import markdown

        return markdown.report(stats)
    if fmt == "html":
        from interview_drill.render import html

        return html.report(stats)
    if fmt == "json":
        from interview_drill.render import data

        return data.to_json_text(stats, cards=cards)
    if fmt == "csv":
        from interview_drill.render import data

        return data.cards_csv(stats) if cards else data.topics_csv(stats)
    raise UsageError(f"unknown report format `{fmt}`; choose one of: {', '.join(FORMATS)}")
