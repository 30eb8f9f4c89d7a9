"""A volunteer files a report with JavaScript off, in English and in Persian."""

import pytest
from playwright.sync_api import Page, expect

from rightsdesk.accounts import services as account_services
from rightsdesk.accounts.permissions import Role
from rightsdesk.cases import services as case_services
from rightsdesk.cases.models import Case, Urgency
from rightsdesk.cases.selectors import case_exists_for_receipt
from tests.browser.conftest import screenshot
from tests.factories import make_staff
from tests.intake.samples import jpeg_with_location

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def team(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    account_services.escrow_initialise(shares=3, threshold=2)
    make_staff(Role.COORDINATOR)


def click_next(page: Page) -> None:
    page.locator("button[name=next]").click()


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_report_with_javascript_off(page: Page, live_server, language: str, tmp_path):
    page.goto(f"{live_server.url}/{language}/")
    page.locator("main a.button--primary").first.click()
    expect(page).to_have_url(f"{live_server.url}/{language}/report/")
    page.locator("main form button[type=submit]").click()

    page.locator("input[name=danger][value=no]").check()
    click_next(page)
    page.locator("input[name=scope][value=threat]").check()
    click_next(page)

    page.locator("input[name=category][value=doxxing]").check()
    page.locator("#id_what_happened").fill("x" * 50_001)
    click_next(page)
    expect(page.get_by_role("alert")).to_be_visible()
    assert len(page.locator("#id_what_happened").input_value()) == 50_001
    narrative = (
        "کسی نشانی خانه‌ام را منتشر کرد." if language == "fa" else "Someone posted my address."
    )
    page.locator("#id_what_happened").fill(narrative)
    page.locator("#id_projects").fill("fa.wikipedia.org")
    click_next(page)

    # A photo that gives away where it was taken: the reporter is warned and cleans it.
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(jpeg_with_location())
    page.locator("#id_files").set_input_files(str(photo))
    page.locator("button[name=upload]").click()
    warning = page.locator(".files .notice--urgent")
    expect(warning).to_be_visible()
    warning.locator("button[name=strip]").click()
    expect(page.locator(".files .notice--urgent")).to_have_count(0)
    screenshot(page, f"report-files-{language}")
    click_next(page)

    page.locator("input[name=contact_method][value=none]").check()
    page.locator("input[name=consent][value=ask]").check()
    # Going back and forth keeps what was typed.
    page.locator("button[name=back]").click()
    page.locator("button[name=back]").click()
    expect(page.locator("#id_what_happened")).to_have_value(narrative)
    click_next(page)
    click_next(page)
    click_next(page)

    expect(page.locator("main")).to_contain_text(narrative)
    screenshot(page, f"report-review-{language}")
    page.locator("main form button.button--primary").click()

    receipt = page.locator(".receipt").inner_text()
    screenshot(page, f"report-receipt-{language}")
    assert case_exists_for_receipt(receipt)
    case = Case.objects.get()
    assert case.urgency == Urgency.NORMAL
    assert case.files.count() == 1
    # No cookie is left behind once the receipt is shown.
    assert page.context.cookies() == []
    page.reload()
    expect(page.locator(".receipt")).to_have_count(0)


def test_immediate_danger_goes_straight_to_help(page: Page, live_server):
    page.goto(f"{live_server.url}/ar/report/")
    page.locator("main form button[type=submit]").click()
    page.locator("input[name=danger][value=yes]").check()
    click_next(page)
    expect(page.locator(".notice--urgent")).to_contain_text("emergency@wikimedia.org")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    screenshot(page, "report-emergency-ar")


def test_the_reporter_comes_back_reads_a_reply_and_answers(page: Page, live_server):
    coordinator = make_staff(Role.COORDINATOR)
    created = case_services.case_create(
        category="doxxing",
        urgency="normal",
        language="fa",
        report={"what_happened": "نشانی من منتشر شد.", "danger": False},
    )
    case_services.case_team_reply(
        case=created.case, author=coordinator.member, text="ما اینجا هستیم. چه زمانی شروع شد؟"
    )
    page.goto(f"{live_server.url}/fa/report/followup/")
    persian_receipt = created.receipt.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    page.locator("#id_receipt").fill(persian_receipt)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("ما اینجا هستیم. چه زمانی شروع شد؟")
    page.locator("#id_text").fill("از هفتهٔ پیش.")
    page.locator("form[action$='/reply/'] button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("از هفتهٔ پیش.")
    screenshot(page, "followup-fa")
    page.locator("form[action$='/leave/'] button[type=submit]").click()
    cookies = {cookie["name"] for cookie in page.context.cookies()}
    assert "rightsdesk_followup" not in cookies
