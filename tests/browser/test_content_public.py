"""Public content pages in a real browser: accessibility with every kind of unit, and the
remembered choice of language."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from rightsdesk.content.models import Page as ContentPage
from rightsdesk.content.services import translation_save
from tests.browser.conftest import violations
from tests.content.pages import make_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERVIEW = """
    ## Whom we support

    Anyone who is harassed for good-faith contributions.

    | Channel | When |
    |---|---|
    | [Report](url:intake:start) | Threats |

    ## What we do

    We listen, assess the risk with you and act.
"""


def translate(page: ContentPage, key: str, language: str, text: str) -> None:
    translation_save(unit=page.units.get(key=key), language=language, text=text, actor=None)


def content() -> None:
    """An overview with translated, outdated and untranslated units, and a crisis banner."""
    page = make_page("overview", OVERVIEW, title="Who we are", summary="A team.", menu=1)
    translate(page, "title", "ar", "من نحن")
    translate(page, "1", "ar", "## من ندعم")
    translate(page, "2", "ar", "كل من يتعرض للمضايقة.")
    make_page(
        "overview",
        OVERVIEW.replace("Anyone who is harassed", "Anyone harassed or threatened"),
        title="Who we are",
        summary="A team.",
        menu=1,
    )
    make_page(
        "flood",
        "Stay safe.",
        title="Floods",
        summary="Where to get help.",
        region="Northern valleys",
        kind="crisis",
        banner=True,
        menu=2,
    )


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("path", ["", "overview/", "flood/"])
def test_content_pages_have_no_wcag_violations(
    audited_page: Page, live_server, language: str, path: str
):
    content()
    audited_page.goto(f"{live_server.url}/{language}/{path}")
    assert violations(audited_page) == []


def test_fallback_and_outdated_text_is_marked(page: Page, live_server):
    content()
    page.goto(f"{live_server.url}/ar/overview/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator(".unit-run--outdated .unit-mark")).to_be_visible()
    fallback = page.locator(".unit-run--fallback > div").first
    expect(fallback).to_have_attribute("lang", "en")
    expect(fallback).to_have_attribute("dir", "ltr")
    expect(page.locator(".translation-notice")).to_contain_text("28%")


def test_a_chosen_language_is_remembered_for_the_next_visit(page: Page, live_server):
    content()
    page.goto(f"{live_server.url}/en/overview/")
    page.locator(".languages a[lang=ar]").click()
    expect(page).to_have_url(f"{live_server.url}/ar/overview/")
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/ar/")
    expect(page.locator("h1")).to_have_text("من نحن")
