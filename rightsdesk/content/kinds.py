"""Kinds of page that another part of the site shows in its own place, under its own rules.

Plain pages and crisis pages are read at ``/<language>/<slug>/``. A lesson, a topic or an
emergency workflow belongs to the safety centre, which shows it at an address of its own and
expects more of its source (a lesson ends in a checklist; every node of a workflow can be
reached). The app that owns a kind registers both here when it starts, so that ``content sync``
holds every source file to its kind's rules before anything is loaded, links and search results
lead to the right address, and the content app never needs to know the safety centre.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import translation

from rightsdesk.content.models import Page
from rightsdesk.content.source import SourceError, SourcePage, is_whole_number

# A page's slug and details → the URL name and arguments of the view that shows it.
Route = Callable[[str, dict[str, Any]], tuple[str, dict[str, str]]]
# One source file's problems, each naming its line.
PageCheck = Callable[[SourcePage], list[SourceError]]
# Problems between files (a lesson naming a topic that does not exist), given every source read.
TreeCheck = Callable[[Sequence[SourcePage]], list[SourceError]]


@dataclass
class _Kind:
    route: Route | None = None
    check: PageCheck | None = None


_kinds: dict[str, _Kind] = {}
_tree_checks: list[TreeCheck] = []


def kind_register(
    kind: str,
    *,
    route: Route | None = None,
    check: PageCheck | None = None,
) -> None:
    """Say where pages of ``kind`` are read and what their source must satisfy."""
    _kinds[kind] = _Kind(route=route, check=check)


def tree_check_register(check: TreeCheck) -> None:
    if check not in _tree_checks:
        _tree_checks.append(check)


def page_route(slug: str, kind: str, details: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The URL name and arguments of the place where a page is read."""
    registered = _kinds.get(kind)
    if registered is None or registered.route is None:
        return "content:page", {"slug": slug}
    return registered.route(slug, details or {})


def page_url(slug: str, kind: str, details: dict[str, Any], language: str) -> str | None:
    """The page's address in ``language``; None when the place that shows it is gone."""
    name, kwargs = page_route(slug, kind, details)
    try:
        with translation.override(language):
            return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def published_in_order(kind: str) -> list[Page]:
    """The published pages of ``kind`` by their ``position``, then slug; pages without a
    position come last."""

    def order(page: Page) -> tuple[bool, int, str]:
        position = (page.details or {}).get("position")
        if is_whole_number(position):
            return (False, position, page.slug)
        return (True, 0, page.slug)

    return sorted(Page.objects.filter(kind=kind, published=True), key=order)


def has_own_place(kind: str) -> bool:
    registered = _kinds.get(kind)
    return registered is not None and registered.route is not None


def source_problems(pages: Sequence[SourcePage], *, whole_tree: bool = True) -> list[SourceError]:
    """Every problem the kinds' rules find in ``pages``. ``whole_tree`` is False when ``pages``
    is a single page edited on the site: rules between files need every file to judge."""
    problems: list[SourceError] = []
    for page in pages:
        registered = _kinds.get(page.kind)
        if registered is not None and registered.check is not None:
            problems += registered.check(page)
    if whole_tree:
        for check in _tree_checks:
            problems += check(pages)
    return problems
