"""Playwright driving Debian's Chromium, with JavaScript off as on Tor Browser's "Safest" level."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = os.environ.get("RIGHTSDESK_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"
# The axe-core rule sets that make up WCAG 2.2 level AA.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    # Playwright's own event loop must not meet pytest-django's async-safety check.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=False, locale="en-US")
    opened = context.new_page()
    yield opened
    context.close()


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def confirm_recovery_key(page: Page) -> None:
    """A first sign-in shows the recovery key once; type it back as a careful person would."""
    shown = page.locator(".recovery-key code").inner_text()
    page.locator("#id_key").fill(shown)
    page.locator("main form button[type=submit]").last.click()


@pytest.fixture
def audited_page(browser: Browser) -> Iterator[Page]:
    """A page for axe, which needs scripts; the pages themselves carry none, so this changes
    nothing they do."""
    context = browser.new_context(java_script_enabled=True)
    yield context.new_page()
    context.close()


def violations(page: Page) -> list[str]:
    """axe's WCAG 2.2 AA violations on the page as it is now, one line each."""
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    return [
        f"{item['id']} ({item['impact']}): {[node['target'] for node in item['nodes']]}"
        for item in results.response["violations"]
    ]
