"""The safety self-check in a real browser with JavaScript off, in Chinese, and its
accessibility in Chinese and Persian."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEVEL_ONE = {
    "different_passwords": "no",
    "wiki_2fa": "unsure",
    "email_2fa": "yes",
    "recognise_phishing": "yes",
    "photo_on_user_page": "yes",
    "username_real_name": "yes",
    "user_page_details": "no",
    "device_updates": "yes",
    "sensitive_topics": "yes",
    "risky_country": "no",
    "harassed": "no",
}


def choose(page: Page, answers: dict[str, str]) -> None:
    for statement, value in answers.items():
        page.locator(f"input[name='answer-{statement}'][value='{value}']").check()


def choose_all(page: Page, value: str) -> None:
    """Answers every statement the page asks that has no answer yet."""
    for radio in page.locator(f".checkup__form input[type=radio][value='{value}']").all():
        name = radio.get_attribute("name")
        if not page.locator(f"input[name='{name}']:checked").count():
            radio.check()


def submit(page: Page) -> None:
    page.locator(".checkup__form button[type=submit]").click()


def test_someone_takes_the_self_check_in_chinese_and_gets_a_plan(page: Page, live_server):
    url = f"{live_server.url}/zh-hans/safety/checkup/"
    page.goto(url)
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator(".checkup__form fieldset")).to_have_count(len(LEVEL_ONE))
    # One statement left out: the same part comes back with the error and the answers kept.
    choose(page, {key: value for key, value in LEVEL_ONE.items() if key != "harassed"})
    submit(page)
    expect(page).to_have_url(url)
    expect(page.locator(".form-error")).to_be_visible()
    expect(page.locator(".field--error")).to_have_count(1)
    expect(page.locator("input[name='answer-photo_on_user_page'][value='yes']")).to_be_checked()
    choose(page, {"harassed": "no"})
    submit(page)
    # Part 2: sensitive topics bring the Tor question; no harassment, no talk of support.
    expect(page.locator("input[name='level']")).to_have_value("2")
    expect(page.locator("input[name='answer-uses_tor']")).to_have_count(3)
    expect(page.locator("input[name='answer-someone_to_talk_to']")).to_have_count(0)
    choose_all(page, "no")
    submit(page)
    expect(page.locator("input[name='level']")).to_have_value("3")
    choose_all(page, "unsure")
    submit(page)
    # The plan, as the answer to the last post: nothing in the address.
    expect(page).to_have_url(url)
    plan = page.locator(".checkup-plan")
    expect(plan.locator(".checkup-step").first).to_be_visible()
    lesson = plan.locator(".checkup-step__links a[href*='/zh-hans/safety/learn/']").first
    expect(lesson).to_have_attribute("href", re.compile(r"^/zh-hans/safety/learn/[a-z-]+/[a-z]+/$"))
    link = page.locator(".checkup-keep__link")
    href = link.get_attribute("href")
    assert href is not None
    assert re.fullmatch(r"/zh-hans/safety/checkup/plan/\?plan=[a-z0-9.]+", href)
    screenshot(page, "safety-checkup-plan-zh-hans")
    steps = plan.locator(".checkup-step h3").all_inner_texts()
    # Change my answers goes back to the first part with every answer chosen.
    page.locator("button[name=go][value=change]").click()
    expect(page.locator("input[name='level']")).to_have_value("1")
    expect(page.locator("input[name='answer-different_passwords'][value='no']")).to_be_checked()
    expect(page.locator("input[name='answer-harassed'][value='no']")).to_be_checked()
    # The plan link opens the same plan on its own, without the answers.
    page.goto(f"{live_server.url}{href}")
    assert page.locator(".checkup-step h3").all_inner_texts() == steps
    expect(page.locator("button[name=go]")).to_have_count(0)


@pytest.mark.parametrize("language", ["zh-hans", "fa"])
def test_the_self_check_has_no_wcag_violations(audited_page: Page, live_server, language):
    page = audited_page
    page.goto(f"{live_server.url}/{language}/safety/checkup/")
    assert violations(page) == [], "first part"
    submit(page)
    expect(page.locator(".field--error").first).to_be_visible()
    assert violations(page) == [], "first part with errors"
    choose(page, LEVEL_ONE | {"harassed": "yes"})
    submit(page)
    expect(page.locator("input[name='level']")).to_have_value("2")
    assert violations(page) == [], "second part"
    choose_all(page, "no")
    submit(page)
    if page.locator(".checkup__form").count():
        choose_all(page, "no")
        submit(page)
    expect(page.locator(".checkup-step").first).to_be_visible()
    assert violations(page) == [], "plan"
    page.goto(f"{live_server.url}/{language}/safety/checkup/plan/?plan=zz.up.ph")
    expect(page.locator(".notice")).to_be_visible()
    assert violations(page) == [], "plan from a link"
