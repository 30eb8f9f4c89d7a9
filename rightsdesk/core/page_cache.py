"""A short-lived, per-process cache of public pages for anonymous visitors.

Public pages are read far more than they change, often by many people at once during a crisis.
A page is served from the cache only when the request carries no cookie but the language cookie
(so there is no session, no message and no signed-in member that could show on it; the language
cookie changes nothing on a page whose address already names its language) and stored only when
the response sets no cookie. Security headers are still added by the middleware on every response.

Every process keeps its own cache, so an edit made through another process must still be seen at
once: the key holds the content generation, a counter every change to public content bumps in the
database (``rightsdesk.content.services.content_generation``, one read by primary key). After an
edit every process looks for new keys and renders afresh; the old entries are never read again
and expire on their own.

A page with a form carries one per-visitor value, the CSRF token: it is stored as a placeholder
and a fresh token is put in its place for each visitor.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from rightsdesk.content.services import content_generation

View = Callable[..., HttpResponse]
CACHE_ALIAS = "pages"
CSRF_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
PLACEHOLDER = b"\x00csrf-token\x00"


def _generation(request: HttpRequest) -> int:
    """The content generation, read once per request: a page with a form misses the front cache
    and then looks in the view's, and both keys hold it."""
    if not hasattr(request, "content_generation"):
        request.content_generation = content_generation()  # type: ignore[attr-defined]
    return request.content_generation  # type: ignore[attr-defined,no-any-return]


def _key(request: HttpRequest) -> str:
    return f"page:{_generation(request)}:{get_language()}:{request.get_full_path()}"


def _anonymous(request: HttpRequest) -> bool:
    return not set(request.COOKIES) - {settings.LANGUAGE_COOKIE_NAME}


def _from_cache(request: HttpRequest, content: bytes, content_type: str) -> HttpResponse:
    if PLACEHOLDER in content:
        content = content.replace(PLACEHOLDER, get_token(request).encode("ascii"))
    return HttpResponse(content, content_type=content_type)


def kept_private(response: HttpResponse) -> HttpResponse:
    """Mark a page that shows what one visitor chose or typed: neither this cache, the browser's
    cache nor a search engine keeps it."""
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _storable(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.cookies
        and not response.streaming
        and "no-store" not in response.get("Cache-Control", "")
    )


def _cacheable(request: HttpRequest) -> bool:
    return (
        bool(settings.PUBLIC_PAGE_CACHE_SECONDS)
        and request.method in {"GET", "HEAD"}
        and _anonymous(request)
    )


def cached_public_page(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        request.public_page = True  # type: ignore[attr-defined]
        cache = caches[CACHE_ALIAS]
        key = _key(request)
        stored = cache.get(key)
        if stored is not None:
            return _from_cache(request, *stored)
        response = view(request, *args, **kwargs)
        if _storable(response):
            content = CSRF_FIELD.sub(rb"\1" + PLACEHOLDER + rb"\2", response.content)
            cache.set(key, (content, response["Content-Type"]), seconds)
        return response

    return wrapper


class PublicPageFrontCache:
    """Answers a repeat request for a cached public page before the rest of the stack runs.

    Placed right after the security and static-file middleware. A page a view marked as public
    (through :func:`cached_public_page`) is stored here whole, with the headers every middleware
    below added to it (security policy, language, privacy), and replayed byte for byte; sessions,
    language negotiation, URL resolving and the view are skipped. Pages that carry a CSRF token
    are left to the view's own cache, which puts a fresh token in each copy. The key holds the
    content generation, like the view's, so an edit shows at once in every process.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _cacheable(request):
            return self.get_response(request)
        try:
            request.get_host()
        except DisallowedHost:
            return self.get_response(request)
        cache = caches[CACHE_ALIAS]
        key = f"front:{_generation(request)}:{request.get_full_path()}"
        stored = cache.get(key)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content)
            for name, value in headers:
                response.headers[name] = value
            response.headers["Content-Length"] = str(len(content))
            return response
        response = self.get_response(request)
        if (
            getattr(request, "public_page", False)
            and _storable(response)
            and CSRF_FIELD.search(response.content) is None
        ):
            headers = [
                (name, value)
                for name, value in response.headers.items()
                if name.lower() not in {"content-length", "date"}
            ]
            cache.set(key, (response.content, headers), settings.PUBLIC_PAGE_CACHE_SECONDS)
        return response
