from __future__ import annotations

from datetime import UTC, datetime
from xml.dom import minidom

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from rightsdesk.content.models import Page, PageLanguageStats
from rightsdesk.content.services import translation_save
from tests.content.pages import make_page

LANGUAGES = [code for code, _name in settings.LANGUAGES]
XHTML = "http://www.w3.org/1999/xhtml"


def absolute(name: str, language: str, **kwargs: str) -> str:
    with translation.override(language):
        return settings.PUBLIC_URL + reverse(name, kwargs=kwargs or None)


def fetch_sitemap(client: Client) -> dict[str, dict[str, object]]:
    """The sitemap's entries by URL: lastmod and hreflang → alternate URL."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    # Parsing rightsdesk's own output, not anything from outside.
    document = minidom.parseString(response.content)  # noqa: S318
    entries: dict[str, dict[str, object]] = {}
    for url in document.getElementsByTagName("url"):
        location = url.getElementsByTagName("loc")[0].firstChild.data  # type: ignore[union-attr]
        lastmods = url.getElementsByTagName("lastmod")
        entries[location] = {
            "lastmod": lastmods[0].firstChild.data if lastmods else None,  # type: ignore[union-attr]
            "alternates": {
                link.getAttribute("hreflang"): link.getAttribute("href")
                for link in url.getElementsByTagNameNS(XHTML, "link")
                if link.getAttribute("rel") == "alternate"
            },
        }
    return entries


@pytest.fixture
def pages(db: None) -> dict[str, Page]:
    about = make_page("about", "We support volunteers.", title="Who we are")
    hidden = make_page("draft", "Not ready.", title="Draft", published=False)
    translation_save(
        unit=about.units.get(key="1"), language="fa", text="ما حمایت می‌کنیم.", actor=None
    )
    return {"about": about, "draft": hidden}


def test_every_published_page_in_every_language_with_its_alternates(client: Client, pages):
    entries = fetch_sitemap(client)
    for language in LANGUAGES:
        location = absolute("content:page", language, slug="about")
        assert location in entries
        alternates = entries[location]["alternates"]
        assert alternates == {
            **{code: absolute("content:page", code, slug="about") for code in LANGUAGES},
            "x-default": absolute("content:page", "en", slug="about"),
        }
    assert not any("/draft/" in location for location in entries)


def test_lastmod_is_when_the_page_last_changed_in_that_language(client: Client, pages):
    about = pages["about"]
    PageLanguageStats.objects.filter(page=about, language="fa").update(
        updated_at=datetime(2031, 5, 6, 7, 8, 9, tzinfo=UTC)
    )
    Page.objects.filter(pk=about.pk).update(updated_at=datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC))
    entries = fetch_sitemap(client)
    assert entries[absolute("content:page", "fa", slug="about")]["lastmod"] == (
        "2031-05-06T07:08:09+00:00"
    )
    assert entries[absolute("content:page", "en", slug="about")]["lastmod"] == (
        "2030-01-02T03:04:05+00:00"
    )


def test_home_and_report_pages_are_listed(client: Client, db: None):
    entries = fetch_sitemap(client)
    for name in ("core:home", "intake:start"):
        for language in LANGUAGES:
            location = absolute(name, language)
            assert location in entries
            assert entries[location]["alternates"]["ar"] == absolute(name, "ar")  # type: ignore[index]


def test_urls_come_from_the_public_url_not_the_host_header(client: Client, pages, settings):
    settings.PUBLIC_URL = "https://rightsdesk.example"
    settings.ALLOWED_HOSTS = ["*"]
    response = client.get("/sitemap.xml", headers={"host": "attacker.example"})
    assert b"attacker.example" not in response.content
    assert b"<loc>https://rightsdesk.example/fa/about/</loc>" in response.content


def test_robots_txt(client: Client, db: None, settings):
    settings.PUBLIC_URL = "https://rightsdesk.example"
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /api/" in lines
    assert "Disallow: /*/staff/" in lines
    assert "Allow: /" in lines
    assert "Sitemap: https://rightsdesk.example/sitemap.xml" in lines


def test_a_new_page_appears_and_an_unpublished_one_leaves(client: Client, pages):
    make_page("about", "We support volunteers.", title="Who we are", published=False)
    make_page("draft", "Ready now.", title="Draft")
    entries = fetch_sitemap(client)
    assert absolute("content:page", "zh-hans", slug="draft") in entries
    assert absolute("content:page", "zh-hans", slug="about") not in entries
