"""What a translation must keep from its source: the same placeholders and the same links.

A translator may reword everything else, but a lost ``{{emergency_email}}`` or a link that now
points somewhere else would silently break the page for every reader of that language.
"""

from __future__ import annotations

import re
from collections import Counter

from django.utils.translation import gettext as _
from markdown_it import MarkdownIt
from markdown_it.token import Token

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
_parser = MarkdownIt("commonmark", {"html": True}).enable("table")


def placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text))


def _walk(tokens: list[Token]) -> list[Token]:
    found = []
    for token in tokens:
        found.append(token)
        if token.children:
            found.extend(_walk(token.children))
    return found


def link_targets(text: str) -> Counter[str]:
    """Every link target in a Markdown text (inline links, autolinks and reference links)."""
    return Counter(
        str(token.attrs["href"])
        for token in _walk(_parser.parse(text))
        if token.type == "link_open" and "href" in token.attrs
    )


def translation_problems(source: str, translation: str) -> list[str]:
    """Translated descriptions of what the translation lost or added; empty when it is fine."""
    problems = []
    expected, found = placeholders(source), placeholders(translation)
    for name in sorted(expected - found):
        problems.append(_("The placeholder {{%(name)s}} is missing.") % {"name": name})
    for name in sorted(found - expected):
        problems.append(_("The placeholder {{%(name)s}} is not in the source.") % {"name": name})
    expected_links, found_links = link_targets(source), link_targets(translation)
    for target in sorted(expected_links - found_links):
        problems.append(_("The link to %(target)s is missing.") % {"target": target})
    for target in sorted(found_links - expected_links):
        problems.append(_("The link to %(target)s is not in the source.") % {"target": target})
    return problems
