"""The safety centre's lessons as a volunteer uses them, with JavaScript off, on the shipped
content: from the centre's home to a lesson, its glossary links and its checklist."""

from __future__ import annotations

import re

import pytest
from django.core.cache import caches
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.browser.conftest import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shipped_content() -> None:
    for alias in ("default", "pages"):
        caches[alias].clear()
    call_command("content", "-v0", "sync")


def test_a_volunteer_reads_a_lesson_follows_a_glossary_link_and_ticks_the_checklist(
    audited_page: Page, live_server, shipped_content: None
):
    page = audited_page
    page.goto(f"{live_server.url}/en/safety/")
    assert violations(page) == []
    page.get_by_role("link", name="Lessons", exact=True).first.click()
    expect(page.locator("h1")).to_have_text("Lessons")
    assert violations(page) == []
    page.get_by_role("link", name="Passwords and password managers").click()
    assert violations(page) == []
    page.locator(".lesson-card h3 a").first.click()
    expect(page).to_have_url(re.compile(r"/en/safety/learn/passwords/beginner/$"))
    assert violations(page) == []

    # The first mention of a glossary term links to its entry.
    term = page.locator("a.glossary-term").first
    expect(term).to_be_visible()
    anchor = term.get_attribute("href") or ""
    assert re.match(r"^/en/glossary/#[a-z0-9-]+$", anchor), anchor
    term.click()
    entry = page.locator(f"#{anchor.rsplit('#', 1)[1]}")
    expect(entry).to_be_visible()
    expect(entry.locator("strong").first).not_to_be_empty()
    page.go_back()

    # Ticks are saved in this browser and shown again.
    boxes = page.locator(".checklist input[type=checkbox]")
    total = boxes.count()
    assert 3 <= total <= 8
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.locator("#checklist form button[type=submit]").click()
    expect(page.get_by_role("status")).to_have_text("Saved in this browser.")
    expect(page.locator(".checklist input[type=checkbox]:checked")).to_have_count(2)
    page.goto(f"{live_server.url}/en/safety/learn/passwords/")
    expect(page.locator(".lesson-card").first).to_contain_text(f"2 of {total} ticked")
    assert violations(page) == []

    # And forgotten on request.
    page.goto(f"{live_server.url}/en/safety/learn/")
    page.get_by_role("button", name="Forget my progress in this browser").click()
    expect(page.get_by_role("status")).to_contain_text("forgotten")
    page.goto(f"{live_server.url}/en/safety/learn/passwords/beginner/")
    expect(page.locator(".checklist input[type=checkbox]:checked")).to_have_count(0)


def test_lessons_read_right_to_left_with_english_fallback_marked(
    audited_page: Page, live_server, shipped_content: None
):
    page = audited_page
    page.goto(f"{live_server.url}/ar/safety/learn/doxxing/beginner/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator(".lesson-segment").first).to_be_visible()
    assert violations(page) == []
    page.goto(f"{live_server.url}/ar/safety/")
    assert violations(page) == []
