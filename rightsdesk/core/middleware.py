"""Request-wide protections that do not depend on who is signed in."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import translation

Handler = Callable[[HttpRequest], HttpResponse]


def _request_too_large(request: HttpRequest) -> HttpResponse:
    # This runs before LocaleMiddleware, so pick the language from the URL ourselves.
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    with translation.override(language):
        response = render(
            request,
            "core/413.html",
            {"limit_megabytes": round(request_limit(request.path_info) / (1024 * 1024), 1)},
            status=413,
        )
    # The body was not read; the connection cannot be reused safely.
    response["Connection"] = "close"
    return response


def request_limit(path: str) -> int:
    """Evidence uploads may carry a whole report's files (and a little form data)."""
    if any(re.match(pattern, path) for pattern in settings.UPLOAD_PATHS):
        return int(settings.MAX_EVIDENCE_REPORT_BYTES) + settings.MAX_REQUEST_BYTES
    return int(settings.MAX_REQUEST_BYTES)


class RequestSizeLimitMiddleware:
    """Answers 413 with a translated page when a body is larger than MAX_REQUEST_BYTES.

    The declared length is checked before anything reads the body; a body without a length that
    turns out too large is caught when Django raises RequestDataTooBig.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > request_limit(request.path_info):
            return _request_too_large(request)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RequestDataTooBig):
            return _request_too_large(request)
        return None


class PrivacyHeadersMiddleware:
    """Headers Django does not set itself: Permissions-Policy, and no caching of staff pages."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
        return response


LANGUAGE_PREFIX = re.compile(r"^/(?P<code>[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)(?P<rest>/.*)$")


# Top-level paths that look like a language code but are not one.
NOT_LANGUAGES = frozenset({"api"})


class UnknownLanguageMiddleware:
    """``/xx/page`` for a language we do not ship: redirect to the page in the default language.

    Placed before LocaleMiddleware, so it only sees what that middleware could not place.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 404:
            return response
        match = LANGUAGE_PREFIX.match(request.path_info)
        if match is None or match["code"].lower() in dict(settings.LANGUAGES):
            return response
        if match["code"].lower() in NOT_LANGUAGES:
            return response
        target = f"/{settings.LANGUAGE_CODE}{match['rest']}"
        try:
            resolve(target)
        except Resolver404:
            return response
        query = request.META.get("QUERY_STRING", "")
        return HttpResponseRedirect(f"{target}?{query}" if query else target)


class SameOriginFormMiddleware:
    """Lets same-origin form posts through Django's origin check despite ``no-referrer``.

    With ``Referrer-Policy: no-referrer`` browsers send ``Origin: null`` on every form post, and
    Django's CSRF check refuses that. ``Sec-Fetch-Site`` is set by the browser itself and cannot be
    forged by a page, so when it says ``same-origin`` the null origin is replaced by our own before
    the CSRF check runs. The CSRF token is still required; posts from other sites still fail.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        if meta.get("HTTP_ORIGIN") == "null" and meta.get("HTTP_SEC_FETCH_SITE") == "same-origin":
            meta["HTTP_ORIGIN"] = f"{request.scheme}://{request.get_host()}"
        return self.get_response(request)
