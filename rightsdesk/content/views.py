"""Public content pages, and the language links every page shows."""

from __future__ import annotations

from typing import Any, Literal, cast

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from rightsdesk.content.kinds import has_own_place, page_url
from rightsdesk.content.models import Page
from rightsdesk.content.rendering import (
    RenderedPage,
    crisis_banners,
    language_figures,
    render_page,
)
from rightsdesk.core.context_processors import language_links, with_figures
from rightsdesk.core.page_cache import cached_public_page

# The page whose content the home page shows.
OVERVIEW_SLUG = "overview"


def reader_language() -> str:
    """The language the current request is answered in."""
    return translation.get_language() or settings.LANGUAGE_CODE


def page_context(request: HttpRequest, page: Page, rendered: RenderedPage) -> dict[str, Any]:
    """What a template needs to show a rendered page: the page, the link to its source and the
    language links with each language's completeness figure."""
    source_url = page_url(page.slug, page.kind, page.details, page.source_language)
    figures = language_figures(page)
    links = language_links(request.get_full_path(), rendered.language)
    return {
        "rendered": rendered,
        "source_url": source_url,
        "language_links": with_figures(links, figures, page.source_language),
    }


def home_context(request: HttpRequest) -> dict[str, Any]:
    """The home page's content: the ``overview`` page (when it was loaded) and crisis banners."""
    language = reader_language()
    context: dict[str, Any] = {"crisis_banners": crisis_banners(language)}
    overview = Page.objects.filter(slug=OVERVIEW_SLUG, published=True).first()
    if overview is not None:
        context |= page_context(request, overview, render_page(overview, language))
    return context


@require_GET
@cached_public_page
def page(request: HttpRequest, slug: str) -> HttpResponse:
    found = Page.objects.filter(slug=slug, published=True).first()
    if found is None:
        raise Http404(slug)
    language = reader_language()
    if has_own_place(found.kind):
        # A lesson or a workflow is read in the safety centre; ``page:`` links and search
        # results may still lead here.
        target = page_url(found.slug, found.kind, found.details, language)
        if target is None:
            raise Http404(slug)
        return HttpResponseRedirect(target)
    rendered = render_page(found, language)
    return render(request, "content/page.html", page_context(request, found, rendered))


def _same_site_path(candidate: str, request: HttpRequest) -> bool:
    return (
        candidate.startswith("/")
        and not candidate.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    )


@require_GET
def choose_language(request: HttpRequest, code: str) -> HttpResponse:
    """Remember an explicit choice of language and go to the same page in that language.

    The cookie holds the language code and nothing else; it is what ``/`` consults (before the
    browser's Accept-Language) on later visits. ``next`` must be a path on this site.
    """
    if code not in dict(settings.LANGUAGES):
        raise Http404(code)
    wanted = request.GET.get("next", "")
    target = ""
    if _same_site_path(wanted, request):
        # The path resolves only under its own language's prefix.
        with translation.override(translation.get_language_from_path(wanted) or code):
            target = translate_url(wanted, code)
    if not target.startswith(f"/{code}/"):
        # Not a page that exists in every language: that language's home page instead.
        with translation.override(code):
            target = reverse("core:home")
    response = HttpResponseRedirect(target, status=303)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=cast(Literal["Lax", "Strict", "None"], settings.LANGUAGE_COOKIE_SAMESITE),
    )
    add_never_cache_headers(response)
    return response
