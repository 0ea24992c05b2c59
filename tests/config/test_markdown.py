"""Every Markdown field of the product goes through common.markdown: no payload of this corpus
may leave a script, an event handler, a style or a javascript: URL in the HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.template import Context, Template

from common.markdown import render_markdown

XSS_CORPUS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="#" onclick="alert(1)">x</a>',
    "<body onload=alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<<script>script>alert(1)<</script>/script>",
    "`<script>` in code is text",
    "<scr<script>ipt>alert(1)</script>",
    '[x](https://example.com "title" onmouseover="alert(1)")',
    "<a href='vbscript:msgbox(1)'>x</a>",
    '<img src="x" style="x:expression(alert(1))">',
    "<base href=javascript:alert(1)//>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    "<textarea><script>alert(1)</script></textarea>",
]

DANGEROUS_TAGS = {
    "script", "iframe", "object", "embed", "style", "form", "input", "meta", "base", "link",
    "svg", "math", "body", "textarea", "button",
}  # fmt: skip
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")


class Elements(HTMLParser):
    """The tags and attributes of the HTML as a browser would parse them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def problems_in(html: str) -> list[str]:
    parser = Elements()
    parser.feed(html)
    problems = []
    for tag, attrs in parser.found:
        if tag in DANGEROUS_TAGS:
            problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                problems.append(f"{tag}[{name}]")
            cleaned = re.sub(r"\s", "", (value or "")).lower()
            if name in {"href", "src", "action", "formaction"} and cleaned.startswith(
                DANGEROUS_SCHEMES
            ):
                problems.append(f"{tag}[{name}={value}]")
    return problems


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_no_payload_survives(payload):
    html = str(render_markdown(payload))
    assert problems_in(html) == [], f"{html!r} from {payload!r}"


def test_the_checker_catches_what_it_should():
    """The check itself can fail: raw dangerous HTML is reported."""
    assert problems_in('<a href=" javascript:x" onclick="y">a</a><script></script>') == [
        "a[href= javascript:x]",
        "a[onclick]",
        "<script>",
    ]


def test_markdown_still_renders():
    html = str(render_markdown("**Must** have:\n\n- fast\n- [docs](https://example.com)"))
    assert "<strong>Must</strong>" in html
    assert "<li>fast</li>" in html
    assert 'href="https://example.com"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_the_template_filter_sanitises():
    rendered = Template("{% load rich_text %}{{ text|markdown }}").render(
        Context({"text": "<img src=x onerror=alert(1)> *ok*"})
    )
    assert "onerror" not in rendered
    assert "<em>ok</em>" in rendered


def test_empty_text_is_empty():
    assert str(render_markdown("")) == ""
    assert str(render_markdown(None)) == ""
