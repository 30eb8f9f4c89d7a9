"""The wiki footprint check in a real browser with JavaScript off, and its accessibility."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERSIAN_PAGE = (
    Path(__file__).resolve().parents[1] / "safety" / "wikitext" / "persian.wiki"
).read_text(encoding="utf-8")


def paste_and_check(page: Page, text: str) -> None:
    page.locator("#id_wikitext-wikitext").fill(text)
    page.locator("button[name=check][value=wikitext]").click()


def test_a_pasted_persian_user_page_shows_its_photo_and_location(page: Page, live_server):
    page.goto(f"{live_server.url}/fa/safety/footprint/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#id_user-wiki")).to_have_value("fa.wikipedia.org")
    paste_and_check(page, PERSIAN_PAGE)
    expect(page).to_have_url(f"{live_server.url}/fa/safety/footprint/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    results = page.locator(".footprint-results")
    expect(results).to_be_visible()
    photo = results.locator(".footprint-finding--photo").first
    expect(photo).to_be_visible()
    expect(photo.locator("q")).to_contain_text("پرونده:علی رضایی در همایش ویکی‌پدیا.jpg")
    location = results.locator(".footprint-finding--location").first
    expect(location).to_be_visible()
    expect(location.locator("q")).to_have_attribute("dir", "auto")
    # Every finding links to the lesson.
    expect(photo.get_by_role("link")).to_have_attribute(
        "href", "/fa/safety/learn/user-page/beginner/"
    )
    # The pasted text stays in its box for another look.
    expect(page.locator("#id_wikitext-wikitext")).to_have_value(PERSIAN_PAGE.replace("\r", ""))
    screenshot(page, "safety-footprint-fa")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_footprint_page_has_no_wcag_violations(audited_page: Page, live_server, language):
    audited_page.goto(f"{live_server.url}/{language}/safety/footprint/")
    assert violations(audited_page) == [], "form"
    audited_page.locator("#id_user-wiki").fill("http://127.0.0.1")
    audited_page.locator("#id_user-username").fill("Someone")
    audited_page.locator("button[name=check][value=user]").click()
    expect(audited_page.locator(".field__error")).to_be_visible()
    assert violations(audited_page) == [], "form with an error"
    paste_and_check(audited_page, PERSIAN_PAGE)
    expect(audited_page.locator(".footprint-results")).to_be_visible()
    assert violations(audited_page) == [], "results"
