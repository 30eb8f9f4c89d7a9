"""Automated WCAG 2.2 AA checks (axe-core) on the key pages, left-to-right and right-to-left.

The pages themselves carry no JavaScript; axe runs in a separate, script-enabled context only to
inspect them.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from rightsdesk.accounts.permissions import Role
from rightsdesk.cases import linking, services, sla
from rightsdesk.cases.models import Case
from tests.browser.conftest import confirm_recovery_key, violations
from tests.cases.casework import Team, fresh, make_case, make_team, private_key
from tests.factories import StaffLogin, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
    audited_page.click("main form button[type=submit]")
    assert violations(audited_page) == [], "enrolment page"
    audited_page.fill("#id_code", login.code())
    audited_page.click("main form button[type=submit] >> nth=-1")
    assert audited_page.url.endswith(f"/{language}/staff/account/recovery-key/")
    assert violations(audited_page) == [], "recovery key page"
    confirm_recovery_key(audited_page)
    assert audited_page.url.endswith(f"/{language}/staff/")
    assert violations(audited_page) == [], "dashboard"
    audited_page.goto(f"{live_server.url}/{language}/staff/members/")
    assert violations(audited_page) == [], "members"


def staff_sign_in(page: Page, base: str, login: StaffLogin, language: str) -> None:
    page.goto(f"{base}/{language}/staff/sign-in/")
    page.fill("#id_username", login.member.username)
    page.fill("#id_password", login.password)
    page.fill("#id_code", login.code())
    page.click("main form button[type=submit]")
    assert page.url.endswith(f"/{language}/staff/")


def worked_case(team: Team) -> Case:
    """A case with something of everything on its page: notes, replies, status changes, an
    assignment, tags, a file, a link to another case and a pending request for access."""
    coordinator = team.coordinator.member
    case = make_case(urgency="high", category="threats")
    other = make_case()
    services.case_reporter_reply(case=case, text="reporter-canary")
    services.case_team_reply(case=case, author=coordinator, text="reply-canary")
    services.case_add_note(case=case, author=coordinator, text="note-canary")
    for status in ("triage", "active"):
        services.case_change_status(
            case=fresh(case), actor=coordinator, status=status, expected_version=fresh(case).version
        )
    services.case_set_tags(
        case=fresh(case),
        actor=coordinator,
        tags=["tag-canary"],
        expected_version=fresh(case).version,
    )
    services.case_assign(
        case=fresh(case),
        actor=coordinator,
        actor_private=private_key(team.coordinator),
        assignee=team.handler.member,
        expected_version=fresh(case).version,
    )
    services.case_attach_file(
        case=case,
        name="photo-canary.jpg",
        content=b"\xff\xd8 jpeg",
        inspection={
            "content_type": "image/jpeg",
            "kind": "image",
            "inspected": True,
            "problem": "",
            "metadata": {"device": "camera-canary", "location": "52.5, 13.4"},
            "has_location": True,
        },
    )
    linking.case_link(actor=coordinator, case=case, other_reference=other.reference)
    services.access_request_create(case=case, actor=make_staff(Role.COORDINATOR).member)
    return fresh(case)


@pytest.mark.parametrize("language", ["en", "fa"])
def test_case_workspace_pages_have_no_wcag_violations(
    audited_page: Page, live_server, language: str
):
    team = make_team()
    case = worked_case(team)
    overdue = make_case(urgency="critical")
    # Nobody answered the critical case in time: its row and page carry the breach badge, and
    # the coordinator has escalation notifications.
    sla.sla_check(now=timezone.now() + timedelta(days=30))
    assert fresh(overdue).sla_breached_at is not None
    base = f"{live_server.url}/{language}/staff"
    staff_sign_in(audited_page, live_server.url, team.coordinator, language)
    for path, what in (
        ("cases/", "queue"),
        ("cases/?urgency=high&breached=on", "filtered queue, no match"),
        (f"cases/{case.reference}/", "case page"),
        (f"cases/{case.reference}/?template=initial_reply", "case page with a template"),
        (f"cases/{overdue.reference}/", "case page past its deadline"),
        ("cases/search/", "search"),
        ("cases/search/?words=canary", "search results"),
        (f"cases/{case.reference}/export/", "export"),
        ("notifications/", "notifications"),
        ("notifications/preferences/", "notification preferences"),
    ):
        response = audited_page.goto(f"{base}/{path}")
        assert response is not None
        assert response.status == 200, what
        assert audited_page.locator("html").get_attribute("lang") == language
        assert violations(audited_page) == [], what

    audited_page.goto(f"{base}/cases/")
    breached = audited_page.locator(".queue__row--breached", has_text=overdue.reference)
    expect(breached.locator(".badge--breach")).to_have_count(1)

    # Errors and conflicts, as a person meets them.
    audited_page.goto(f"{base}/cases/{case.reference}/")
    audited_page.click("section.writing--note button[type=submit]")
    expect(audited_page.locator("section.writing--note .field__error")).to_have_count(1)
    assert violations(audited_page) == [], "case page with an error"
    services.case_set_due_date(
        case=fresh(case),
        actor=team.coordinator.member,
        due_on=None,
        expected_version=fresh(case).version,
    )
    audited_page.fill("#id_tags", "changed meanwhile")
    audited_page.click("form[action$='/tags/'] button[type=submit]")
    expect(audited_page.locator(".notice--conflict")).to_have_count(1)
    assert violations(audited_page) == [], "case page after a conflict"


@pytest.mark.parametrize("language", ["en", "fa"])
def test_handler_audit_and_recovery_pages_have_no_wcag_violations(
    browser: Browser, live_server, language: str
):
    team = make_team()
    case = worked_case(team)
    auditor, admin = make_staff(Role.AUDITOR), make_staff(Role.ADMIN)
    base = f"{live_server.url}/{language}/staff"
    pages = (
        (team.handler, ["cases/", f"cases/{case.reference}/", "notifications/"]),
        (auditor, ["audit/", f"audit/?case_reference={case.reference}"]),
        (
            admin,
            [
                "members/",
                f"members/{team.handler.member.username}/reset-key/",
                f"members/{team.handler.member.username}/escrow-restore/",
            ],
        ),
    )
    for login, paths in pages:
        context = browser.new_context(java_script_enabled=True)
        page = context.new_page()
        try:
            staff_sign_in(page, live_server.url, login, language)
            for path in paths:
                response = page.goto(f"{base}/{path}")
                assert response is not None
                assert response.status == 200, path
                assert violations(page) == [], path
        finally:
            context.close()
