"""Automated WCAG 2.2 AA checks (axe-core) on the key pages, left-to-right and right-to-left.

The pages themselves carry no JavaScript; axe runs in a separate, script-enabled context only to
inspect them.
"""

from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from tests.browser.conftest import confirm_recovery_key
from tests.factories import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture
def audited_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=True)
    yield context.new_page()
    context.close()


def violations(page: Page) -> list[str]:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    return [
        f"{item['id']} ({item['impact']}): {[node['target'] for node in item['nodes']]}"
        for item in results.response["violations"]
    ]


@pytest.mark.parametrize("language", ["en", "fa", "ar", "zh-hans"])
@pytest.mark.parametrize("path", ["", "cover-your-tracks/", "staff/sign-in/", "no-such-page/"])
def test_public_pages_have_no_wcag_violations(audited_page: Page, live_server, language, path):
    audited_page.goto(f"{live_server.url}/{language}/{path}")
    assert violations(audited_page) == []


@pytest.mark.parametrize("language", ["en", "fa"])
def test_staff_pages_have_no_wcag_violations(audited_page: Page, live_server, language: str):
    login = make_staff("admin", enrolled=False)
    audited_page.goto(f"{live_server.url}/{language}/staff/sign-in/")
    audited_page.fill("#id_username", login.member.username)
    audited_page.fill("#id_password", login.password)
    audited_page.click("form button[type=submit]")
    assert violations(audited_page) == [], "enrolment page"
    audited_page.fill("#id_code", login.code())
    audited_page.click("form button[type=submit] >> nth=-1")
    assert audited_page.url.endswith(f"/{language}/staff/account/recovery-key/")
    assert violations(audited_page) == [], "recovery key page"
    confirm_recovery_key(audited_page)
    assert audited_page.url.endswith(f"/{language}/staff/")
    assert violations(audited_page) == [], "dashboard"
    audited_page.goto(f"{live_server.url}/{language}/staff/members/")
    assert violations(audited_page) == [], "members"
