from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info


def site(request: HttpRequest) -> dict[str, Any]:
    """What every page needs: the site name, the quick-exit target and the language links."""
    current = get_language() or settings.LANGUAGE_CODE
    languages = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        languages.append(
            {
                "code": code,
                "name_local": info["name_local"],
                "bidi": info["bidi"],
                "url": translate_url(request.get_full_path(), code),
                "current": code == current,
            }
        )
    return {
        "site_name": settings.SITE_NAME,
        "quick_exit_url": settings.QUICK_EXIT_URL,
        "language_links": languages,
    }
