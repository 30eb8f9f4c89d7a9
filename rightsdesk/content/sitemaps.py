"""``/sitemap.xml`` and ``/robots.txt``: how search engines find the public pages.

The sitemap lists every published page in every shipped language (untranslated parts fall back
to the source text, so each language has a page to show), each entry with the other languages as
``hreflang`` alternates and the date the page last changed as read in that language. URLs are made
from ``RIGHTSDESK_PUBLIC_URL``, never from the request's Host header.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from io import StringIO
from xml.sax.xmlreader import AttributesImpl

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.xmlutils import SimplerXMLGenerator
from django.views.decorators.http import require_GET

from rightsdesk.content.kinds import page_route
from rightsdesk.content.models import Page, PageLanguageStats

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
# Public pages that are not content pages, by URL name.
STATIC_PAGES = ("core:home", "core:cover-tracks", "intake:start")


@dataclass(frozen=True)
class SitemapEntry:
    location: str
    language: str
    # Every language version of the same page (this one included), language → URL.
    alternates: dict[str, str]
    # The language version search engines should show when none of the others fits.
    default: str
    lastmod: datetime | None = None


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _absolute(name: str, language: str, **kwargs: str) -> str:
    with translation.override(language):
        return settings.PUBLIC_URL + reverse(name, kwargs=kwargs or None)


def _versions(
    name: str, default_language: str, lastmods: dict[str, datetime | None], **kwargs: str
) -> list[SitemapEntry]:
    alternates = {language: _absolute(name, language, **kwargs) for language in _languages()}
    default = alternates.get(default_language, alternates[settings.LANGUAGE_CODE])
    return [
        SitemapEntry(location, language, alternates, default, lastmods.get(language))
        for language, location in alternates.items()
    ]


def sitemap_entries() -> list[SitemapEntry]:
    entries: list[SitemapEntry] = []
    for name in STATIC_PAGES:
        entries += _versions(name, settings.LANGUAGE_CODE, {})
    pages = list(Page.objects.filter(published=True).order_by("slug"))
    stats: dict[tuple[int, str], datetime] = {
        (page_id, language): updated_at
        for page_id, language, updated_at in PageLanguageStats.objects.filter(
            page__published=True
        ).values_list("page_id", "language", "updated_at")
    }
    for page in pages:
        lastmods: dict[str, datetime | None] = {
            language: stats.get((page.pk, language), page.updated_at) for language in _languages()
        }
        lastmods[page.source_language] = page.updated_at
        name, kwargs = page_route(page.slug, page.kind, page.details)
        entries += _versions(name, page.source_language, lastmods, **kwargs)
    return entries


def render_sitemap(entries: list[SitemapEntry]) -> str:
    out = StringIO()
    xml = SimplerXMLGenerator(out, "utf-8")
    xml.startDocument()
    xml.startElement("urlset", AttributesImpl({"xmlns": SITEMAP_NS, "xmlns:xhtml": XHTML_NS}))
    for entry in entries:
        xml.startElement("url", AttributesImpl({}))
        xml.addQuickElement("loc", entry.location)
        if entry.lastmod is not None:
            xml.addQuickElement("lastmod", entry.lastmod.isoformat(timespec="seconds"))
        links = [*entry.alternates.items(), ("x-default", entry.default)]
        for hreflang, href in links:
            xml.addQuickElement(
                "xhtml:link", attrs={"rel": "alternate", "hreflang": hreflang, "href": href}
            )
        xml.endElement("url")
    xml.endElement("urlset")
    xml.endDocument()
    return out.getvalue()


@require_GET
def sitemap(request: HttpRequest) -> HttpResponse:
    return HttpResponse(
        render_sitemap(sitemap_entries()), content_type="application/xml; charset=utf-8"
    )


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    # Staff pages and the API are no business of a crawler; nor are search results, an endless
    # space of pages that only repeat the content pages.
    lines = [
        "User-agent: *",
        "Disallow: /api/",
        "Disallow: /staff/",
        "Disallow: /*/staff/",
        "Disallow: /*/search/",
        "Allow: /",
        "",
        f"Sitemap: {settings.PUBLIC_URL}{reverse('sitemap')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
