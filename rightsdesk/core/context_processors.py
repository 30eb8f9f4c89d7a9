from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache, partial
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse, translate_url
from django.utils.translation import get_language, get_language_info

from rightsdesk.content.rendering import site_menu


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name_local: str
    bidi: bool
    # Through the language choice (which remembers it), then to ``direct_url``.
    url: str
    # The same page in this language, as search engines should find it (hreflang).
    direct_url: str
    current: bool
    # How complete the page's translation into this language is; None where that means nothing.
    figure: int | None = None


@lru_cache(maxsize=2048)
def language_links(full_path: str, current: str) -> tuple[LanguageLink, ...]:
    """The same page in every shipped language. Resolving the path once per language is the
    costliest part of rendering a small page, and the answer only depends on the path."""
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        direct = translate_url(full_path, code)
        choose = reverse("language", kwargs={"code": code})
        links.append(
            LanguageLink(
                code=code,
                name_local=info["name_local"],
                bidi=info["bidi"],
                url=f"{choose}?{urlencode({'next': direct})}",
                direct_url=direct,
                current=code == current,
            )
        )
    return tuple(links)


def with_figures(
    links: tuple[LanguageLink, ...], figures: Mapping[str, int], source_language: str
) -> tuple[LanguageLink, ...]:
    """The language links of a content page, each with the page's figure in that language (the
    page's own language has none)."""
    return tuple(
        link if link.code == source_language else replace(link, figure=figures.get(link.code, 0))
        for link in links
    )


def site(request: HttpRequest) -> dict[str, Any]:
    """What every page needs: the site name, the quick-exit target and the language links."""
    current = get_language() or settings.LANGUAGE_CODE
    return {
        "site_name": settings.SITE_NAME,
        "quick_exit_url": settings.QUICK_EXIT_URL,
        "language_links": language_links(request.get_full_path(), current),
        "public_url": settings.PUBLIC_URL,
        # Read only by the templates that show the site menu.
        "site_menu": partial(site_menu, current),
    }
