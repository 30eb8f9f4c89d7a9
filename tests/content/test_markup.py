"""Markdown of public pages: safe HTML, resolved links, filled-in placeholders."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import override_settings

from rightsdesk.content import markup
from rightsdesk.content.markup import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    markdown_html,
    plain_html,
    plain_text,
)

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<body onload=alert(1)>",
    '<p onclick="alert(1)">click</p>',
    '<a href="#" onmouseover="alert(1)">hover</a>',
    '<div style="background:url(javascript:alert(1))">styled</div>',
    "<style>body{background:red}</style>",
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="https://evil.example/x.swf"></object>',
    '<embed src="https://evil.example/x.swf">',
    "<svg onload=alert(1)><circle r=10></circle></svg>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table>"
    "</mtext></math>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript:alert(1)">raw</a>',
    '<a href="jav&#x09;ascript:alert(1)">entity tab</a>',
    '<a href="&#x6A;avascript:alert(1)">entity</a>',
    '<a href=" JAVASCRIPT:alert(1)">spaced</a>',
    '<a href="data:text/html,<script>alert(1)</script>">data</a>',
    "![x](javascript:alert(1))",
    '![x](https://evil.example/track.png "t")',
    '![x" onerror="alert(1)](https://evil.example/x.png)',
    '[x](https://ok.example "a\\" onmouseover=\\"alert(1)")',
    "<!-- <script>alert(1)</script> -->",
    "<!--[if IE]><script>alert(1)</script><![endif]-->",
    '<p title="</p><script>alert(1)</script>">attr</p>',
    '<a href="https://ok.example" target="_blank" class="x" style="color:red" id="y">ok</a>',
    "<form action=https://evil.example><input name=q><button>go</button></form>",
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    "<template><script>alert(1)</script></template>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<details open ontoggle=alert(1)>",
    '<video><source onerror="alert(1)"></video>',
    "<textarea></textarea><script>alert(1)</script>",
    "[a](<javascript:alert(1)>)",
    "<javascript:alert(1)>",
    "[ref]\n\n[ref]: javascript:alert(1)",
    '<abbr title="x" onclick="alert(1)">abbr</abbr>',
    '<th scope="javascript:alert(1)">h</th>',
]


class Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend((tag, name, value or "") for name, value in attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def parsed(html: str) -> Collector:
    collector = Collector()
    collector.feed(html)
    collector.close()
    return collector


ALLOWED_VALUES = {("a", "rel"), ("th", "scope")}
SAFE_URL = re.compile(r"^(https?://|mailto:|tel:|/(?!/)|#)", re.IGNORECASE)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
@pytest.mark.parametrize("language", ["en", "fa"])
def test_nothing_executable_survives(payload: str, language: str):
    html = markdown_html(f"Some text.\n\n{payload}\n\nMore {payload} inline.", language)
    found = parsed(html)
    assert set(found.tags) <= ALLOWED_TAGS, found.tags
    for tag, name, value in found.attributes:
        assert name in ALLOWED_ATTRIBUTES.get(tag, set()) or (tag, name) in ALLOWED_VALUES, (
            tag,
            name,
        )
        if name == "href":
            assert SAFE_URL.match(value.strip()), value
        if (tag, name) == ("th", "scope"):
            assert value in {"row", "col", "rowgroup", "colgroup"}
    # Whatever is left of a payload is text: its angle brackets are escaped.
    lowered = html.lower()
    for tag in ("<script", "<style", "<iframe", "<svg", "<math", "<img", "<object", "<!--"):
        assert tag not in lowered, html


def test_the_corpus_is_big_enough():
    assert len(XSS_PAYLOADS) >= 30


def test_allowed_markup_is_kept():
    html = markdown_html(
        "## Section\n\n### Sub\n\n#### Small\n\n"
        'Text with **strong**, *em*, `code` and a <abbr title="Human rights">HR</abbr> '
        '[link](https://example.org "Title").  \nNew line.\n\n'
        "- one\n- two\n\n1. first\n\n> quote\n\n---\n\n```\npre\n```\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n<dl><dt>term</dt><dd>definition</dd></dl>",
        "en",
    )
    for fragment in (
        "<h2>Section</h2>",
        "<h3>Sub</h3>",
        "<h4>Small</h4>",
        "<strong>strong</strong>",
        "<em>em</em>",
        "<code>code</code>",
        '<abbr title="Human rights">HR</abbr>',
        '<a href="https://example.org" title="Title" rel="noopener noreferrer">link</a>',
        "<br>",
        "<ul>",
        "<ol>",
        "<blockquote>",
        "<hr>",
        "<pre><code>pre",
        '<th scope="col">a</th>',
        "<td>1</td>",
        "<dl><dt>term</dt><dd>definition</dd></dl>",
    ):
        assert fragment in html, fragment


def test_a_first_level_heading_becomes_a_section_heading():
    # The page title is the only <h1>.
    assert markdown_html("# Big", "en") == "<h2>Big</h2>\n"


def test_links_to_pages_and_urls_follow_the_readers_language():
    html = markdown_html(
        "[Report](url:intake:start), [tracks](url:core:cover-tracks), [about](page:about-us).",
        "fa",
    )
    assert '<a href="/fa/report/" rel="noopener noreferrer">Report</a>' in html
    assert '<a href="/fa/cover-your-tracks/" rel="noopener noreferrer">tracks</a>' in html
    assert '<a href="/fa/about-us/" rel="noopener noreferrer">about</a>' in html


def test_links_may_name_a_place_on_the_page(monkeypatch):
    monkeypatch.setitem(markup._link_schemes, "note", lambda target, language: f"/notes/{target}/")
    html = markdown_html("[Tor](page:glossary#tor), [two](note:two-factor#checklist)", "ar")
    assert '<a href="/ar/glossary/#tor" rel="noopener noreferrer">Tor</a>' in html
    assert '<a href="/notes/two-factor/#checklist" rel="noopener noreferrer">two</a>' in html


def test_a_link_to_nowhere_keeps_only_its_text():
    html = markdown_html(
        "[gone](url:nope:missing) and [bad](page:Not_A_Slug) and [x](url:content:page).", "en"
    )
    assert html == "<p>gone and bad and x.</p>\n"


def test_mail_and_phone_links_are_allowed():
    html = markdown_html("[mail](mailto:team@example.org) [call](tel:+15550100)", "en")
    assert 'href="mailto:team@example.org"' in html
    assert 'href="tel:+15550100"' in html


@override_settings(
    SITE_NAME="Rights <b>desk</b>",
    TEAM_EMAIL="team@example.org",
    EMERGENCY_EMAIL="urgent@example.org",
    TRUST_SAFETY_EMAIL='t&s"@example.org',
)
def test_placeholders_are_filled_in_as_text():
    html = markdown_html(
        "Welcome to {{site_name}}. Write to [{{team_email}}](mailto:{{team_email}}), "
        "in danger: {{ emergency_email }}; conduct: {{trust_safety_email}}; `{{team_email}}`; "
        '<abbr title="{{site_name}}">RD</abbr>; {{unknown}}.',
        "en",
    )
    assert "Welcome to Rights &lt;b&gt;desk&lt;/b&gt;." in html
    assert "<b>" not in html
    assert (
        '<a href="mailto:team@example.org" rel="noopener noreferrer">team@example.org</a>' in html
    )
    assert "in danger: urgent@example.org" in html
    assert 'conduct: t&amp;s"@example.org' in html
    assert "<code>team@example.org</code>" in html
    assert '<abbr title="Rights &lt;b&gt;desk&lt;/b&gt;">RD</abbr>' in html
    assert "{{unknown}}" in html


@override_settings(SITE_NAME="<script>alert(1)</script>")
def test_plain_units_are_escaped_text():
    assert plain_html("<em>Hi</em> & {{site_name}}") == (
        "&lt;em&gt;Hi&lt;/em&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;"
    )


def test_plain_text_for_search():
    text = plain_text(
        "## Whom we *support*\n\nAnyone [harassed](https://example.org) &amp; more.\n\n"
        "<script>secret()</script>\n\n- one\n- two"
    )
    assert text == "Whom we support Anyone harassed & more. one two"
