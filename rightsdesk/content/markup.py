"""Markdown of public pages turned into HTML that is safe to show, in the reader's language.

A unit's text is parsed with markdown-it (CommonMark with tables; raw HTML is parsed so that it
can be judged, never trusted). Before anything is written out, the token stream is adjusted:

* link targets ``page:<slug>`` become that page's address in the reader's language, and
  ``url:<namespace:name>`` the address of a named URL in that language; a target that names no
  URL leaves its text behind without a link;
* the placeholders ``{{site_name}}``, ``{{team_email}}``, ``{{emergency_email}}`` and
  ``{{trust_safety_email}}`` are replaced by the values in the settings, as text: the renderer
  escapes them like any other text, so a value can never turn into markup.

The HTML is then cleaned by nh3 against a small allow-list: a few block and inline tags, ``href``
and ``title`` on links (https, http, mailto and tel only, or a path on this site), ``title`` on
abbreviations, ``scope`` on table headers. No script, style, event handler, frame, image, class
or style attribute survives, and every link gets ``rel="noopener noreferrer"``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import quote

import nh3
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token

if TYPE_CHECKING:
    from rightsdesk.content.glossary import TermLinker

ALLOWED_TAGS = frozenset(
    {
        "p",
        "h2",
        "h3",
        "h4",
        "ul",
        "ol",
        "li",
        "a",
        "strong",
        "em",
        "code",
        "pre",
        "blockquote",
        "br",
        "hr",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "abbr",
        "dl",
        "dt",
        "dd",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
# Links to the glossary that lessons make by themselves (see content/glossary.py).
GLOSSARY_LINK_CLASS = "glossary-term"
ALLOWED_ATTRIBUTE_VALUES = {
    "th": {"scope": {"row", "col", "rowgroup", "colgroup"}},
    "a": {"class": {GLOSSARY_LINK_CLASS}},
}
URL_SCHEMES = frozenset({"https", "http", "mailto", "tel"})
# Removed together with everything inside them, not merely unwrapped.
DROPPED_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "noscript",
        "noembed",
        "noframes",
        "template",
        "svg",
        "math",
        "textarea",
        "select",
        "title",
        "xmp",
    }
)

HEADING_LEVELS = {"h1": "h2", "h5": "h4", "h6": "h4"}
PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
# markdown-it percent-encodes braces in link targets.
ENCODED_PLACEHOLDER = re.compile(r"(?:\{\{|%7B%7B)\s*([a-z_]+)\s*(?:\}\}|%7D%7D)", re.IGNORECASE)

_parser = MarkdownIt("commonmark", {"html": True}).enable("table")
_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(DROPPED_WITH_CONTENT),
    # "*" replaces nh3's default attributes allowed everywhere (lang, title): none here.
    attributes={"*": set(), **{tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()}},
    tag_attribute_values={
        tag: {name: set(values) for name, values in names.items()}
        for tag, names in ALLOWED_ATTRIBUTE_VALUES.items()
    },
    url_schemes=set(URL_SCHEMES),
    link_rel="noopener noreferrer",
    strip_comments=True,
)
_text_only = nh3.Cleaner(tags=set(), clean_content_tags=set(DROPPED_WITH_CONTENT))


def placeholder_values() -> dict[str, str]:
    """The values content may refer to as ``{{name}}``, from the settings."""
    return {
        "site_name": settings.SITE_NAME,
        "team_email": settings.TEAM_EMAIL,
        "emergency_email": settings.EMERGENCY_EMAIL,
        "trust_safety_email": settings.TRUST_SAFETY_EMAIL,
    }


def _substitute(text: str, values: dict[str, str], pattern: re.Pattern[str] = PLACEHOLDER) -> str:
    """Placeholders replaced by their values; an unknown name is left as it was written."""
    return pattern.sub(lambda match: values.get(match.group(1), match.group(0)), text)


# Other apps' link schemes (``lesson:``, ``workflow:``…): scheme → (target, language) → URL.
LinkResolver = Callable[[str, str], "str | None"]
_link_schemes: dict[str, LinkResolver] = {}


def link_scheme_register(scheme: str, resolver: LinkResolver) -> None:
    """Let content link to ``<scheme>:<target>``; ``resolver`` gives the URL in a language, or
    None when the target names nothing (the link text is then kept without a link)."""
    _link_schemes[scheme] = resolver


def link_target(href: str, language: str) -> str | None:
    """Where a ``page:``, ``url:`` or registered scheme's link goes in ``language``; None when it
    goes nowhere.

    Any other target is returned unchanged (the sanitiser judges its scheme).
    """
    scheme, colon, target = href.partition(":")
    if colon and (scheme in _link_schemes or scheme in {"page", "url"}) and "#" in target:
        # ``page:glossary#tor``: the address of the page, then the place on it.
        target, _hash, fragment = target.partition("#")
        found = link_target(f"{scheme}:{target}", language)
        return f"{found}#{quote(fragment)}" if found is not None else None
    if colon and scheme in _link_schemes:
        with translation.override(language):
            return _link_schemes[scheme](target, language)
    if href.startswith("page:"):
        name, kwargs = "content:page", {"slug": href.removeprefix("page:")}
    elif href.startswith("url:"):
        name, kwargs = href.removeprefix("url:"), {}
    else:
        return href
    try:
        with translation.override(language):
            return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def _children(token: Token, values: dict[str, str], language: str) -> list[Token]:
    """The inline tokens of a block with links resolved and placeholders filled in."""
    kept: list[Token] = []
    dropping = False
    for child in token.children or []:
        if child.type == "link_open":
            href = _substitute(
                str(child.attrs.get("href", "")), _quoted(values), ENCODED_PLACEHOLDER
            )
            target = link_target(href, language)
            if target is None:
                dropping = True
                continue
            child.attrs["href"] = target
        elif child.type == "link_close" and dropping:
            dropping = False
            continue
        elif child.type in {"text", "code_inline"}:
            child.content = _substitute(child.content, values)
        elif child.type == "html_inline":
            child.content = _substitute(child.content, _escaped(values))
        elif child.type == "image":
            # Images are not allowed: keep what they describe.
            text = Token("text", "", 0)
            text.content = _substitute(child.content, values)
            kept.append(text)
            continue
        kept.append(child)
    return kept


def _quoted(values: dict[str, str]) -> dict[str, str]:
    return {name: quote(value, safe="@:/+.-_~!$&'()*,;=") for name, value in values.items()}


def _escaped(values: dict[str, str]) -> dict[str, str]:
    return {name: html.escape(value, quote=True) for name, value in values.items()}


def _text_token(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _terms_linked(children: list[Token], linker: TermLinker) -> list[Token]:
    """``children`` with glossary terms in their text linked, except inside a link."""
    linked: list[Token] = []
    depth = 0
    for child in children:
        if child.type == "link_open" or (
            child.type == "html_inline" and re.match(r"<a[\s>]", child.content, re.IGNORECASE)
        ):
            depth += 1
        elif child.type == "link_close" or (
            child.type == "html_inline" and child.content.lower().startswith("</a")
        ):
            depth = max(depth - 1, 0)
        if child.type != "text" or depth:
            linked.append(child)
            continue
        for part, url in linker.split(child.content):
            if url is None:
                linked.append(_text_token(part))
                continue
            opening = Token("link_open", "a", 1)
            opening.attrs = {"href": url, "class": GLOSSARY_LINK_CLASS}
            linked += [opening, _text_token(part), Token("link_close", "a", -1)]
    return linked


def _tokens(text: str, language: str, linker: TermLinker | None = None) -> list[Token]:
    values = placeholder_values()
    tokens = _parser.parse(text)
    in_heading = False
    for token in tokens:
        if token.type == "inline":
            token.children = _children(token, values, language)
            if linker is not None and not in_heading:
                token.children = _terms_linked(token.children, linker)
        elif token.type in {"fence", "code_block"}:
            token.content = _substitute(token.content, values)
        elif token.type == "html_block":
            token.content = _substitute(token.content, _escaped(values))
        elif token.type in {"heading_open", "heading_close"}:
            # The page title is the only <h1>; sections run from <h2> to <h4>.
            token.tag = HEADING_LEVELS.get(token.tag, token.tag)
            in_heading = token.type == "heading_open"
        elif token.type == "th_open":
            token.attrSet("scope", "col")
    return tokens


def sanitise(raw_html: str) -> str:
    """``raw_html`` reduced to the allow-list."""
    return str(_cleaner.clean(raw_html))


def markdown_html(text: str, language: str, *, linker: TermLinker | None = None) -> SafeString:
    """A unit's Markdown as safe HTML, its links pointing to pages in ``language``; with a
    ``linker``, glossary terms not yet linked in the same lesson become links."""
    rendered = _parser.renderer.render(_tokens(text, language, linker), _parser.options, {})
    return mark_safe(sanitise(rendered))  # noqa: S308  (nh3 output, allow-list above)


def inline_html(text: str, language: str, *, linker: TermLinker | None = None) -> SafeString:
    """One line of Markdown (a checklist item) as safe HTML without a paragraph around it."""
    html_text = str(markdown_html(text, language, linker=linker)).strip()
    if html_text.startswith("<p>") and html_text.endswith("</p>") and html_text.count("<p>") == 1:
        html_text = html_text[3:-4]
    return mark_safe(html_text)  # noqa: S308  (sanitised above)


def plain_html(text: str) -> SafeString:
    """A one-line plain-text unit (title, summary, region) as escaped HTML."""
    return escape(plain_line(text))


def plain_line(text: str) -> str:
    """A one-line plain-text unit with its placeholders filled in (not yet escaped)."""
    return _substitute(text, placeholder_values())


def plain_text(markdown: str) -> str:
    """What a reader reads of a Markdown text, without markup or link targets: for search."""
    rendered = _parser.renderer.render(
        _tokens(markdown, settings.LANGUAGE_CODE), _parser.options, {}
    )
    text = html.unescape(str(_text_only.clean(rendered)))
    return " ".join(text.split())
