"""The translator's and editor's pages in Chromium: WCAG 2.2 AA in both directions, and
translating a unit without JavaScript."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from rightsdesk.accounts.permissions import Role
from rightsdesk.content.models import Translation
from rightsdesk.content.services import translation_save
from tests.browser.conftest import violations
from tests.browser.test_audit_log import open_page, sign_in
from tests.content.pages import make_page
from tests.factories import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = """
    ## Whom we support

    Write to {{team_email}} or read [the disclaimer](page:disclaimer).
"""


@pytest.fixture
def scripted(browser: Browser) -> Iterator[Page]:
    yield from open_page(browser, javascript=True)


@pytest.fixture
def plain(browser: Browser) -> Iterator[Page]:
    yield from open_page(browser, javascript=False)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_content_pages_have_no_wcag_violations(scripted: Page, live_server, language: str):
    page = make_page("about", BODY, title="Who we are")
    translation_save(unit=page.units.get(key="1"), language="fa", text="## چه کسانی", actor=None)
    make_page("about", BODY.replace("support", "protect"), title="Who we are")
    make_page("flood", "Where to get help.", title="Floods", kind="crisis", region="North")
    sign_in(scripted, live_server.url, make_staff(Role.CONTENT_EDITOR), language)
    base = f"{live_server.url}/{language}/staff/content"
    scripted.goto(f"{base}/?language=fa")
    assert violations(scripted) == [], "overview"
    scripted.goto(f"{base}/translate/about/fa/")
    assert violations(scripted) == [], "translate"
    scripted.fill("#id_unit-2-text", "بدون نشانی")
    scripted.click("#unit-2 button[value=save]")
    assert violations(scripted) == [], "translate with a refused save"
    scripted.goto(f"{base}/po/")
    assert violations(scripted) == [], "PO files"
    scripted.goto(f"{base}/pages/flood/")
    assert violations(scripted) == [], "edit a crisis page"
    scripted.fill("#id_body", "<!--T:1-->\n<!--T:2-->\nText.\n")
    scripted.click("main form:last-of-type button[type=submit]")
    assert violations(scripted) == [], "edit with a source error"


def test_translating_a_unit_without_javascript(plain: Page, live_server):
    page = make_page("about", BODY, title="Who we are")
    sign_in(plain, live_server.url, make_staff(Role.TRANSLATOR))
    plain.click("nav.staff-nav >> text=Public pages")
    plain.select_option("#id_language", "fa")
    plain.click("form.audit-filters button[type=submit]")
    plain.click(f"a[href$='/translate/{page.slug}/fa/']")
    plain.fill("#id_unit-1-text", "## چه کسانی")
    plain.click("#unit-1 button[value=save]")
    assert plain.url.endswith("/en/staff/content/translate/about/fa/#unit-1")
    assert "The translation was saved." in plain.locator(".messages").inner_text()
    assert Translation.objects.get(unit__key="1", language="fa").text == "## چه کسانی"
