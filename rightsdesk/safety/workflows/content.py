"""How the content system knows emergency workflows: where one is read, what its source must
hold, and where ``workflow:`` and ``partners:`` links in any page lead.

Registered from :func:`rightsdesk.safety.kinds.register_kinds`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.urls import NoReverseMatch, reverse

from rightsdesk.content.source import SourceError, SourcePage
from rightsdesk.safety.workflows import grammar
from rightsdesk.safety.workflows.partners import SERVICES, partner_link

__all__ = [
    "partner_link",
    "workflow_check",
    "workflow_link",
    "workflow_route",
    "workflow_tree_check",
]


def workflow_route(slug: str, details: dict[str, Any]) -> tuple[str, dict[str, str]]:
    return "safety:workflow", {"slug": slug}


def workflow_link(target: str, language: str) -> str | None:
    """``workflow:being-doxxed`` → that workflow's first node (the caller has switched to
    ``language``)."""
    if not grammar.NODE_ID.match(target):
        return None
    try:
        return reverse("safety:workflow", kwargs={"slug": target})
    except NoReverseMatch:
        return None


def workflow_check(page: SourcePage) -> list[SourceError]:
    return grammar.workflow_problems(page, partners=SERVICES)


def workflow_tree_check(pages: Sequence[SourcePage]) -> list[SourceError]:
    return grammar.workflow_tree_problems(pages, partners=SERVICES)
