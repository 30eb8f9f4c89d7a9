import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RTL = {"ar", "fa"}


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_home_page_in_every_language(page: Page, live_server, language: str):
    page.goto(f"{live_server.url}/{language}/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", "rtl" if language in RTL else "ltr")
    expect(page.locator("h1")).to_be_visible()
    exit_link = page.locator("a.quick-exit")
    expect(exit_link).to_be_visible()
    expect(exit_link).to_have_attribute("href", settings.QUICK_EXIT_URL)
    screenshot(page, f"home-{language}")


def test_language_switcher_and_skip_link_work_without_javascript(page: Page, live_server):
    page.goto(f"{live_server.url}/en/cover-your-tracks/")
    page.get_by_role("link", name="فارسی").click()
    expect(page).to_have_url(f"{live_server.url}/fa/cover-your-tracks/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/fa/cover-your-tracks/#main")


def test_the_quick_exit_link_is_the_first_thing_after_the_skip_link(page: Page, live_server):
    page.goto(f"{live_server.url}/ar/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator("a.quick-exit")).to_be_focused()
