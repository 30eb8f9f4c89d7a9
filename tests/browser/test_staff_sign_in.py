import io
import time

import pyotp
import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from rightsdesk.accounts import totp
from tests.browser.conftest import confirm_recovery_key, screenshot
from tests.factories import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fresh_code(seed: str) -> str:
    """A code from a time step nobody used yet (the demo data never signed in)."""
    return pyotp.TOTP(seed).now()


def test_demo_member_signs_in_with_password_and_code_without_javascript(page: Page, live_server):
    out = io.StringIO()
    call_command("demo", stdout=out)
    uri = next(
        line.split("authenticator: ")[1]
        for line in out.getvalue().splitlines()
        if "authenticator: otpauth://totp/rightsdesk:demo-coordinator?" in line
    )
    page.goto(f"{live_server.url}/en/staff/")
    expect(page).to_have_url(f"{live_server.url}/en/staff/sign-in/?next=%2Fen%2Fstaff%2F")

    page.get_by_label("Username").fill("demo-coordinator")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_label("Six-digit code").fill("123456")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("The username, password or code is not correct.")
    expect(page.get_by_label("Username")).to_have_value("demo-coordinator")

    page.get_by_label("Password").fill("coordinator-insecure-demo")
    page.get_by_label("Six-digit code").fill(fresh_code(pyotp.parse_uri(uri).secret))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your recovery key")).to_be_visible()
    confirm_recovery_key(page)
    expect(page).to_have_url(f"{live_server.url}/en/staff/")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_text("Your role: Coordinator.")).to_be_visible()
    screenshot(page, "staff-dashboard")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    page.goto(f"{live_server.url}/en/staff/")
    expect(page.get_by_role("heading", name="Staff sign-in")).to_be_visible()


def test_first_sign_in_enrols_an_authenticator_from_the_page(page: Page, live_server):
    login = make_staff(enrolled=False, username="newcomer")
    page.goto(f"{live_server.url}/fa/staff/sign-in/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.locator("#id_username").fill("newcomer")
    page.locator("#id_password").fill(login.password)
    page.locator("main form button[type=submit]").click()

    expect(page.locator("svg[role=img] path")).to_have_count(1)
    shown_key = page.locator("code.secret").inner_text().replace(" ", "")
    assert shown_key == login.seed
    screenshot(page, "enrolment-fa")
    # A code typed with Persian digits, as a phone keyboard in Persian would produce.
    code = pyotp.TOTP(shown_key).at(time.time() + totp.PERIOD)
    page.locator("#id_code").fill(code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")))
    page.locator("main form button[type=submit]").last.click()
    expect(page).to_have_url(f"{live_server.url}/fa/staff/account/recovery-key/")
    screenshot(page, "recovery-key-fa")
    confirm_recovery_key(page)
    expect(page).to_have_url(f"{live_server.url}/fa/staff/")
    expect(page.locator("h1")).to_be_visible()
    screenshot(page, "dashboard-fa")
