"""Renderings of a page, kept in the shared cache until the page or any content changes.

A rendering depends on the page's own text and on other pages (the titles its links show, the
glossary a lesson links to), so its key holds the page's revision and the content generation;
either moving on leaves the old entry to expire unread.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import cache

from rightsdesk.content.models import Page

CACHE_SECONDS = 24 * 60 * 60


def page_rendering[T](
    name: str, page: Page, language: str, generation: int, kind: type[T], build: Callable[[], T]
) -> T:
    """What ``build`` makes of ``page`` in ``language`` (``name`` tells renderings apart), from
    the cache while nothing it depends on changed."""
    # The time of the last source change only tells apart pages of databases rebuilt from
    # scratch, whose counters start again; the revision and the generation do the real work.
    changed = page.updated_at.timestamp()
    key = f"{name}:{page.pk}:{page.revision}:{generation}:{changed}:{language}"
    found = cache.get(key)
    if isinstance(found, kind):
        return found
    built = build()
    cache.set(key, built, CACHE_SECONDS)
    return built
