"""The auditor's page in Chromium: WCAG 2.2 AA in both directions, and usable without JavaScript."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from rightsdesk.accounts.permissions import Role
from rightsdesk.audit.models import Action, AuditEntry
from rightsdesk.audit.services import audit_record
from tests.browser.conftest import violations
from tests.factories import StaffLogin, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_page(browser: Browser, *, javascript: bool) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=javascript, locale="en-US")
    yield context.new_page()
    context.close()


@pytest.fixture
def scripted(browser: Browser) -> Iterator[Page]:
    """JavaScript on, only so that axe can inspect the page."""
    yield from open_page(browser, javascript=True)


@pytest.fixture
def plain(browser: Browser) -> Iterator[Page]:
    yield from open_page(browser, javascript=False)


def sign_in(page: Page, base: str, login: StaffLogin, language: str = "en") -> None:
    page.goto(f"{base}/{language}/staff/sign-in/")
    page.fill("#id_username", login.member.username)
    page.fill("#id_password", login.password)
    page.fill("#id_code", login.code())
    page.click("main form button[type=submit]")
    assert page.url.endswith(f"/{language}/staff/")


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_log_has_no_wcag_violations(scripted: Page, live_server, language: str):
    audit_record(action=Action.CASE_READ, actor="amira", case_reference="RD-AAAA-BBBB")
    sign_in(scripted, live_server.url, make_staff(Role.AUDITOR), language)
    scripted.goto(f"{live_server.url}/{language}/staff/audit/")
    assert violations(scripted) == [], "log"
    scripted.click(".audit-verify button")
    assert violations(scripted) == [], "log with the chain checked"
    scripted.goto(f"{live_server.url}/{language}/staff/audit/?date_from=yesterday")
    assert violations(scripted) == [], "log with a filter error"


def test_filtering_and_checking_work_without_javascript(plain: Page, live_server):
    audit_record(action=Action.GRANT, actor="amira", case_reference="RD-AAAA-BBBB")
    audit_record(action=Action.EXPORT, actor="jonas", case_reference="RD-CCCC-DDDD")
    sign_in(plain, live_server.url, make_staff(Role.AUDITOR))
    plain.click("nav.staff-nav >> text=Audit log")
    plain.select_option("#id_action", Action.EXPORT)
    plain.click(".audit-filters button[type=submit]")
    rows = plain.locator("table.audit-log tbody tr")
    assert rows.count() == 1
    assert "RD-CCCC-DDDD" in rows.inner_text()
    plain.click(".audit-verify button")
    assert "The chain is intact." in plain.locator(".audit-verify").inner_text()
    # The filtered view is kept while the chain is checked.
    assert plain.locator("table.audit-log tbody tr").count() == 1
    AuditEntry.objects.filter(sequence=1).update(actor="mallory")
    plain.click(".audit-verify button")
    assert "broken at entry #1" in plain.locator(".audit-verify").inner_text()
