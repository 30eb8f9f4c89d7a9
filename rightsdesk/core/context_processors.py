from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name_local: str
    bidi: bool
    url: str
    current: bool


@lru_cache(maxsize=2048)
def language_links(full_path: str, current: str) -> tuple[LanguageLink, ...]:
    """The same page in every shipped language. Resolving the path once per language is the
    costliest part of rendering a small page, and the answer only depends on the path."""
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append(
            LanguageLink(
                code=code,
                name_local=info["name_local"],
                bidi=info["bidi"],
                url=translate_url(full_path, code),
                current=code == current,
            )
        )
    return tuple(links)


def site(request: HttpRequest) -> dict[str, Any]:
    """What every page needs: the site name, the quick-exit target and the language links."""
    current = get_language() or settings.LANGUAGE_CODE
    return {
        "site_name": settings.SITE_NAME,
        "quick_exit_url": settings.QUICK_EXIT_URL,
        "language_links": language_links(request.get_full_path(), current),
    }
