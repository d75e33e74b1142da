"""Card-text markup: one parser, and for each output a table of inputs and the exact text it writes,
hostile input included (HTML special characters, escape sequences, Rich markup, unbalanced markers)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interview_drill.render.markup import Span, escape_html, parse, to_anki, to_html, to_markdown
from interview_drill.render.terminal import inline

ESC = "\x1b[31mred\x1b[0m \x1b]0;title\x07\x1b[2J"  # colour, window title, clear screen


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("plain text", [("text", "plain text")]),
        ("a `b` c", [("text", "a "), ("code", "b"), ("text", " c")]),
        ("**bold** and *emph*", [("bold", "bold"), ("text", " and "), ("emph", "emph")]),
        (
            "(*emph*), *two words*.",
            [("text", "("), ("emph", "emph"), ("text", "), "), ("emph", "two words"), ("text", ".")],
        ),
        ("**a `b` c**", [("bold", "a `b` c")]),  # nothing nests
        ("`**x**` and `*y*`", [("code", "**x**"), ("text", " and "), ("code", "*y*")]),
        ("2*3*4 and a * b * c", [("text", "2*3*4 and a * b * c")]),  # arithmetic is not emphasis
        ("snake*case* and *x*y", [("text", "snake*case* and *x*y")]),  # no emphasis inside a word
        ("* not * emph", [("text", "* not * emph")]),
        ("**open, `open and *open", [("text", "**open, `open and *open")]),
        ("``", [("text", "``")]),
        ("***x***", [("text", "*"), ("bold", "x"), ("text", "*")]),
        ("*multi\nline*", [("text", "*multi\nline*")]),
        (f"{ESC} **b**", [("text", "red  "), ("bold", "b")]),  # controls go before parsing
        ("", []),
    ],
)
def test_parse(text: str, spans: list[tuple[str, str]]) -> None:
    assert parse(text) == [Span(kind, part) for kind, part in spans]


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("**x** `y` *z*", "<strong>x</strong> <code>y</code> <em>z</em>"),
        ("<script>alert('x')</script>", "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"),
        ('a & b "q"', "a &amp; b &quot;q&quot;"),
        ("`<b onclick=x>`", "<code>&lt;b onclick=x&gt;</code>"),
        ("**<i>**", "<strong>&lt;i&gt;</strong>"),
        ("**open `x *y", "**open `x *y"),
        (ESC, "red "),
        ("line\nbreak", "line\nbreak"),
    ],
)
def test_html(text: str, html: str) -> None:
    assert to_html(text) == html


@pytest.mark.parametrize(
    ("text", "anki"),
    [
        ("**x** `y` *z*", "<b>x</b> <code>y</code> <i>z</i>"),
        (
            "<script>alert('x')</script> & more",
            "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more",
        ),
        ("`a<b`", "<code>a&lt;b</code>"),
        ("first\nsecond **third\nline**", "first<br>second <b>third<br>line</b>"),
        ("**open `x *y", "**open `x *y"),
        (ESC, "red "),
    ],
)
def test_anki(text: str, anki: str) -> None:
    assert to_anki(text) == anki


@pytest.mark.parametrize(
    ("text", "markdown"),
    [
        ("**x** `y` *z*", "**x** `y` *z*"),
        (
            "<script>alert(1)</script> & <img src=x>",
            "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x&gt;",
        ),
        (
            "[link](javascript:x) ![img](http://e.example/p.png)",
            "\\[link\\](javascript:x) !\\[img\\](`http://e.example/p.png`)",
        ),
        # bare links that GitHub-flavoured renderers would turn into links: code spans, linking nowhere
        (
            "see https://evil.example/a_b?x=1. or www.evil.example, mail me@evil.example!",
            "see `https://evil.example/a_b?x=1`. or `www.evil.example`, mail `me@evil.example`!",
        ),
        ("(HTTPS://x.example/|y)", "(`HTTPS://x.example/\\|y`)"),
        (
            "~~strike~~ and *emph* in card text",
            "\\~\\~strike\\~\\~ and *emph* in card text",
        ),  # *emph* is bank markup
        ("*a ~~b~~ c*", "*a ~\\~b\\~\\~ c*"),  # no strikethrough inside our emphasis either
        ("a|b and `c|d`", "a\\|b and `c\\|d`"),  # a table cell stays one cell
        ("2*3*4, **open, `open", "2\\*3\\*4, \\*\\*open, \\`open"),  # stray markers stay literal
        ("**a `b` c**", "**a \\`b\\` c**"),
        ("x_t and max_len, _under_ and __dunder__", "x_t and max_len, \\_under\\_ and \\_\\_dunder\\_\\_"),
        ("about ~20 to ~30, 20~30, ~~gone~~", "about ~20 to ~30, 20\\~30, ~\\~gone\\~\\~"),
        ("~20 first", "\\~20 first"),  # a span's first `~` could follow another span: escaped
        ("back\\slash \\[", "back\\\\slash \\\\\\["),
        ("line\nbreak", "line break"),
        (ESC, "red "),
    ],
)
def test_markdown(text: str, markdown: str) -> None:
    assert to_markdown(text) == markdown


@pytest.mark.parametrize(
    ("text", "plain", "styles"),
    [
        ("a `b` **c** *d*", "a b c d", [(2, 3, "bold cyan"), (4, 5, "bold"), (6, 7, "italic")]),
        ("[bold red]not markup[/] :smile:", "[bold red]not markup[/] :smile:", []),
        ("**open `x *y", "**open `x *y", []),
        ("<script>x</script>", "<script>x</script>", []),  # plain text in a terminal, harmless
        (ESC, "red ", []),
    ],
)
def test_terminal(text: str, plain: str, styles: list[tuple[int, int, str]]) -> None:
    out = inline(text)
    assert out.plain == plain
    assert [(s.start, s.end, s.style) for s in out.spans] == styles


def test_escape_html_is_the_standard_library_escape_without_controls() -> None:
    import html

    sample = "<a href=\"x\">'&'</a>\x1b[1m"
    assert escape_html(sample) == html.escape(sample.replace("\x1b[1m", ""), quote=True)


OUR_TAGS = re.compile(r"</?(?:code|strong|em|b|i)>|<br>")


@given(st.text(alphabet=st.sampled_from(list("ab *`_~|[]<>&\"'\\\n\x1b\x07")), max_size=40))
def test_no_emitter_lets_anything_through(text: str) -> None:
    for emit in (to_html, to_anki):
        assert "<" not in OUR_TAGS.sub("", emit(text)) and "\x1b" not in emit(text)
    md = to_markdown(text)
    assert "<" not in md and "\n" not in md and "\x1b" not in md
    if "`" not in text:  # inside a code span a bracket is literal anyway
        assert not re.search(r"(?<!\\)(?:\\\\)*[\[\]|]", md)  # every bracket and pipe escaped
