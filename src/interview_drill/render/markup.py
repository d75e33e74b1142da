"""Card text markup: the one parser of the bank's inline markup, and its emitters for HTML,
Anki and Markdown (the Rich one is `terminal.inline`, so that Rich stays in the terminal modules).

Card text may mark `code`, **bold** and *emphasis*; nothing nests, and everything else is literal
text, including unbalanced markers. `parse` removes control characters and escape sequences first
(card text is untrusted), so every emitter starts from inert spans and only has to escape for its
own output. Standard library only (not even `html`): the drill's start-up path imports this module.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal, NamedTuple

from interview_drill.domain.textsafe import strip_controls

Kind = Literal["text", "code", "bold", "emph"]


class Span(NamedTuple):
    kind: Kind
    text: str


# Leftmost match wins; at one position `code` before **bold** before *emph*. Emphasis needs a
# non-space just inside each star and no word character or star just outside, as in CommonMark,
# so `2*3*4`, `a * b` and the stars of **bold** never read as emphasis.
_INLINE = re.compile(
    r"`(?P<code>[^`]+)`"
    r"|\*\*(?P<bold>[^*]+)\*\*"
    r"|(?<![\w*])\*(?P<emph>[^\s*](?:[^*\n]*[^\s*])?)\*(?![\w*])"
)


def parse(text: str) -> list[Span]:
    """Card text as spans: (kind, text) with the markers removed; adjacent text is one span."""
    text = strip_controls(text)
    spans: list[Span] = []
    at = 0
    for m in _INLINE.finditer(text):
        if m.start() > at:
            spans.append(Span("text", text[at : m.start()]))
        kind: Kind = m.lastgroup  # type: ignore[assignment]  # the group names are the kinds
        spans.append(Span(kind, m.group(kind)))
        at = m.end()
    if at < len(text):
        spans.append(Span("text", text[at:]))
    return spans


@dataclass(frozen=True)
class Emitter:
    """How one output writes spans: an escape for their text, and a (before, after) per kind."""

    escape: Callable[[str], str]
    wrap: dict[Kind, tuple[str, str]]
    escape_code: Callable[[str], str] | None = None  # code spans, where they need other escaping

    def __call__(self, text: str) -> str:
        return "".join(self._pieces(parse(text)))

    def _pieces(self, spans: list[Span]) -> Iterator[str]:
        for kind, text in spans:
            escape = self.escape_code if kind == "code" and self.escape_code else self.escape
            before, after = self.wrap.get(kind, ("", ""))
            yield before + escape(text) + after


# ------------------------------------------------------------------ HTML and Anki

_HTML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def escape_html(text: object) -> str:
    """Any text as inert HTML (also inside a quoted attribute): `html.escape` plus control stripping."""
    return strip_controls(str(text)).translate(_HTML)


def _escape_anki(text: str) -> str:
    # Anki shows a field as HTML, where a newline is just a space: keep the author's line breaks.
    return text.translate(_HTML).replace("\n", "<br>")


to_html = Emitter(
    escape=lambda text: text.translate(_HTML),
    wrap={"code": ("<code>", "</code>"), "bold": ("<strong>", "</strong>"), "emph": ("<em>", "</em>")},
)
"""Card text for the HTML report: escaped, with <code>, <strong> and <em>."""

to_anki = Emitter(
    escape=_escape_anki,
    wrap={"code": ("<code>", "</code>"), "bold": ("<b>", "</b>"), "emph": ("<i>", "</i>")},
)
"""Card text for an Anki field: escaped, line breaks kept, with the tags Anki's own editor writes."""


# ------------------------------------------------------------------ Markdown

# The text is shown literally. `&`, `<` and `>` become entities (no raw HTML reaches a renderer,
# even one that allows it); `[` and `]` are escaped (no links, no images), and so are `|` (a table
# cell stays one cell), backslashes, our own markers left unbalanced (`*`, backtick) and the `_`
# and `~` that could open or close emphasis or strikethrough. Intraword `_` (x_t, max_len) and
# a `~` after a space (~20: it could open, but every `~` that could close is escaped) stay as
# typed, because `idrill report` prints its Markdown to be read as it is.
_MD_ESCAPE = re.compile(r"[\\`*\[\]|]|(?<![^\W_])_|_(?![^\W_])|(?<!\s)~")
_MD_AMP = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\n": " "})


# A bare URL (`https://…`, `www.…`) or e-mail address: GitHub-flavoured renderers link it by
# themselves, so card text could plant a link. Shown as a code span, it reads the same and links
# nowhere. Trailing punctuation stays outside, as the autolinker would leave it.
_MD_BARE_LINK = re.compile(
    r"(?i)(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)[^\s<>`]*[^\s<>`.,;:!?'\")\]}*_~]"
    r"|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"
)


def _escape_markdown(text: str) -> str:
    pieces = []
    last = 0
    for link in _MD_BARE_LINK.finditer(text):
        pieces.append(_escape_markdown_text(text[last : link.start()]))
        pieces.append("`" + _escape_markdown_code(link.group()) + "`")
        last = link.end()
    pieces.append(_escape_markdown_text(text[last:]))
    return "".join(pieces)


def _escape_markdown_text(text: str) -> str:
    return _MD_ESCAPE.sub(lambda m: "\\" + m.group(), text.translate(_MD_AMP))


def _escape_markdown_code(text: str) -> str:
    # Inside backticks nothing but `|` is special (a table cell would still end at a bare pipe);
    # `&` and `<` stay entities all the same, as in the rest of the file: no raw HTML anywhere.
    return text.translate(_MD_AMP).replace("|", "\\|")


to_markdown = Emitter(
    escape=_escape_markdown,
    escape_code=_escape_markdown_code,
    wrap={"code": ("`", "`"), "bold": ("**", "**"), "emph": ("*", "*")},
)
"""Card text inert in Markdown (a paragraph, a list item or a table cell), markup kept as markup."""
