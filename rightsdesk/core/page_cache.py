"""A short-lived, per-process cache of public pages for anonymous visitors.

Public pages are read far more than they change, often by many people at once during a crisis.
A page is served from the cache only when the request carries no cookie at all (so there is no
session, no message and no signed-in member that could show on it) and stored only when the
response sets no cookie. Security headers are still added by the middleware on every response.

A page with a form carries one per-visitor value, the CSRF token: it is stored as a placeholder
and a fresh token is put in its place for each visitor.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

View = Callable[..., HttpResponse]
CACHE_ALIAS = "pages"
CSRF_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
PLACEHOLDER = b"\x00csrf-token\x00"


def _key(request: HttpRequest) -> str:
    return f"page:{get_language()}:{request.get_full_path()}"


def _from_cache(request: HttpRequest, content: bytes, content_type: str) -> HttpResponse:
    if PLACEHOLDER in content:
        content = content.replace(PLACEHOLDER, get_token(request).encode("ascii"))
    return HttpResponse(content, content_type=content_type)


def cached_public_page(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        if not seconds or request.method not in {"GET", "HEAD"} or request.COOKIES:
            return view(request, *args, **kwargs)
        cache = caches[CACHE_ALIAS]
        stored = cache.get(_key(request))
        if stored is not None:
            return _from_cache(request, *stored)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.cookies and not response.streaming:
            content = CSRF_FIELD.sub(rb"\1" + PLACEHOLDER + rb"\2", response.content)
            cache.set(_key(request), (content, response["Content-Type"]), seconds)
        return response

    return wrapper
