"""An emergency workflow walked with JavaScript off to "Ask the team", and its accessibility."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot, violations
from tests.safety.workflows.samples import OTHER, SMALL, make_workflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def workflows(settings, tmp_path) -> None:
    settings.DATA_DIR = tmp_path
    make_workflow("doxxed", SMALL, position=1, summary="When your details are published.")
    make_workflow("account-lost", OTHER, title="My account was taken", position=2)


def test_walking_to_the_end_opens_the_report_with_the_steps(page: Page, live_server):
    page.goto(f"{live_server.url}/en/safety/emergency/")
    page.get_by_role("link", name="I am being doxxed").click()
    expect(page.locator("h1")).to_have_text("Where did it appear?")
    page.get_by_role("link", name="On a wiki page").click()
    expect(page.locator("h1")).to_have_text("Ask for the edits to be hidden")
    # Back, and on again: the path stays right.
    page.get_by_role("link", name="Back").click()
    expect(page.locator("h1")).to_have_text("Where did it appear?")
    page.get_by_role("link", name="On a wiki page").click()
    page.get_by_role("link", name="Done").click()
    expect(page.locator("h1")).to_have_text("You are not alone")
    expect(page).to_have_url(
        f"{live_server.url}/en/safety/emergency/doxxed/done/?path=start.on-wiki"
    )
    expect(page.get_by_role("link", name="Find legal help")).to_be_visible()
    checkbox = page.get_by_label("Include the steps I took in my report")
    expect(checkbox).not_to_be_checked()
    checkbox.check()
    screenshot(page, "safety-workflow-end")
    page.get_by_role("button", name="Ask the team").click()

    expect(page).to_have_url(f"{live_server.url}/en/report/danger/")
    page.locator("input[name=danger][value=no]").check()
    page.locator("button[name=next]").click()
    page.locator("input[name=scope][value=threat]").check()
    page.locator("button[name=next]").click()
    expect(page).to_have_url(f"{live_server.url}/en/report/what/")
    expect(page.locator(".guide-note")).to_be_visible()
    expect(page.locator("#id_what_happened")).to_have_value(
        "Steps I took in the guide “I am being doxxed”:\n"
        "1. Where did it appear? → On a wiki page\n"
        "2. Ask for the edits to be hidden → Done\n"
        "3. You are not alone\n"
        "[doxxed: start \u203a on-wiki \u203a done]"
    )
    screenshot(page, "safety-workflow-report")


def test_without_ticking_the_box_the_report_opens_empty(page: Page, live_server):
    page.goto(f"{live_server.url}/en/safety/emergency/doxxed/done/?path=start.on-wiki")
    page.get_by_role("button", name="Ask the team").click()
    page.locator("input[name=danger][value=no]").check()
    page.locator("button[name=next]").click()
    page.locator("input[name=scope][value=threat]").check()
    page.locator("button[name=next]").click()
    expect(page.locator("#id_what_happened")).to_have_value("")
    expect(page.locator(".guide-note")).to_have_count(0)


@pytest.mark.parametrize("language", ["en", "fa"])
def test_workflow_pages_have_no_wcag_violations(audited_page: Page, live_server, language):
    base = f"{live_server.url}/{language}/safety/emergency/"
    for url in (base, f"{base}doxxed/", f"{base}doxxed/done/?path=start.on-wiki"):
        audited_page.goto(url)
        assert violations(audited_page) == [], url
