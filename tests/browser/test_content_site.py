"""The public site as shipped, read and translated as its people would, with JavaScript off.

The repository's own ``content/`` tree is loaded with ``content sync``: every page it holds must
pass axe's WCAG 2.2 AA rules in English and in Arabic, and the Chinese overview must follow an
editor's change and come back through a PO round-trip made by a translator.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import polib  # type: ignore[import-untyped]
import pytest
from django.core.cache import caches
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from rightsdesk.accounts.permissions import Role
from rightsdesk.content.models import Page as ContentPage
from tests.browser.conftest import violations
from tests.browser.test_accessibility import staff_sign_in
from tests.factories import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PARAGRAPH = "We also answer questions about safety from partner organisations."


@pytest.fixture
def shipped_content() -> list[str]:
    """The slugs of every page in the repository's content tree, loaded as ``make run`` does."""
    for alias in ("default", "pages"):
        caches[alias].clear()
    call_command("content", "-v0", "sync")
    return list(ContentPage.objects.order_by("slug").values_list("slug", flat=True))


@pytest.fixture
def reader(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=False, accept_downloads=True)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_shipped_page_has_no_wcag_violations(
    audited_page: Page, live_server, shipped_content: list[str], language: str
):
    assert len(shipped_content) >= 11
    paths = ["", "search/?q=tor", *(f"{slug}/" for slug in shipped_content)]
    found = {}
    for path in paths:
        audited_page.goto(f"{live_server.url}/{language}/{path}")
        expect(audited_page.locator("h1")).to_have_count(1)
        problems = violations(audited_page)
        if problems:
            found[path] = problems
    assert found == {}


def overview_percent(page: Page, base: str) -> int:
    page.goto(f"{base}/zh-hans/")
    notice = page.locator(".translation-notice")
    expect(notice).to_be_visible()
    match = re.search(r"(\d+)\s*%", notice.inner_text())
    assert match, notice.inner_text()
    return int(match.group(1))


def test_the_chinese_overview_follows_an_edit_and_a_po_round_trip(
    reader: Page, live_server, shipped_content: list[str], tmp_path: Path
):
    base = live_server.url
    # The overview is fully translated into Chinese; partly translated pages fall back to English.
    assert overview_percent(reader, base) == 100
    expect(reader.locator(".unit-run--fallback")).to_have_count(0)
    reader.goto(f"{base}/zh-hans/human-rights/")
    fallback = reader.locator(".unit-run--fallback [lang=en]").first
    expect(fallback).to_have_attribute("dir", "ltr")
    expect(reader.locator("nav.languages a[hreflang=zh-hans]")).to_contain_text("%")

    # An editor rewrites one English paragraph and adds another, on the site.
    editor = make_staff(Role.CONTENT_EDITOR)
    staff_sign_in(reader, base, editor, "en")
    reader.goto(f"{base}/en/staff/content/pages/overview/")
    body = reader.locator("textarea[name=body]")
    source = body.input_value()
    assert "You do not need a special role" in source
    body.fill(
        source.replace("You do not need a special role", "You need no special role")
        + f"\n\n{NEW_PARAGRAPH}\n"
    )
    reader.click("main form button.button--primary >> text=Save the page")
    expect(reader.locator("textarea[name=body]")).to_contain_text("<!--T:15-->")

    lowered = overview_percent(reader, base)
    assert lowered < 100
    expect(reader.locator(".unit-run--outdated")).to_have_count(1)
    # The old Chinese sentence stays, marked as outdated, until a translator looks at it.
    expect(reader.locator(".unit-run--outdated")).not_to_contain_text("special role")
    expect(reader.locator(".unit-run--fallback [lang=en]")).to_contain_text(NEW_PARAGRAPH)

    # A translator downloads the Chinese catalogue, translates in a PO editor and uploads it.
    translator = make_staff(Role.TRANSLATOR)
    reader.context.clear_cookies()
    staff_sign_in(reader, base, translator, "en")
    reader.goto(f"{base}/en/staff/content/po/")
    with reader.expect_download() as download:
        reader.click("a[href$='/po/zh-hans/']")
    exported = tmp_path / "zh-hans.po"
    download.value.save_as(exported)
    catalogue = polib.pofile(str(exported))
    outdated = catalogue.find("overview/3", by="msgctxt")
    assert outdated is not None
    assert "fuzzy" in outdated.flags
    # The translator judges the Chinese sentence still right and clears the fuzzy mark.
    outdated.flags.remove("fuzzy")
    outdated.previous_msgid = None
    added = catalogue.find("overview/15", by="msgctxt")
    assert added is not None
    assert added.msgstr == ""
    added.msgstr = "我们也回答合作组织提出的安全问题。"
    catalogue.save(str(exported))
    reader.select_option("select[name=language]", "zh-hans")
    reader.set_input_files("input[name=catalogue]", str(exported))
    reader.click("main form button.button--primary")
    expect(reader.locator("#report-heading")).to_be_visible()
    expect(reader.locator("main [role=status]")).to_contain_text("2 translations imported")

    assert overview_percent(reader, base) == 100
    expect(reader.locator(".unit-run--outdated")).to_have_count(0)
    expect(reader.locator(".unit-run--fallback")).to_have_count(0)
    expect(reader.locator("main")).to_contain_text("我们也回答合作组织提出的安全问题。")
