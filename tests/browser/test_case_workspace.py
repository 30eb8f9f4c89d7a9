"""The staff case workspace in Chromium with JavaScript off: the queue, writing on a case, moving it
through its statuses, and two people changing the same case at once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from rightsdesk.cases.models import Case, Status
from tests.browser.conftest import screenshot
from tests.cases.casework import SECRET, fresh, grant_to, make_case, make_team
from tests.factories import StaffLogin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONFLICT = "Someone else changed this case while you were looking"


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    opened = browser.new_context(java_script_enabled=False, locale="en-US")
    yield opened
    opened.close()


def sign_in(page: Page, base: str, login: StaffLogin) -> None:
    page.goto(f"{base}/en/staff/sign-in/")
    page.get_by_label("Username").fill(login.member.username)
    page.get_by_label("Password").fill(login.password)
    page.get_by_label("Six-digit code").fill(login.code())
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base}/en/staff/")


def tab_to(page: Page, target: str, *, limit: int = 80) -> None:
    """Press Tab until the link named ``target`` has the focus, as a keyboard user would."""
    link = page.get_by_role("link", name=target, exact=True)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if link.evaluate("element => element === document.activeElement"):
            # The focus can be seen, not only reached (WCAG 2.4.7).
            assert link.evaluate("element => getComputedStyle(element).outlineStyle") != "none"
            return
    raise AssertionError(f"{target} cannot be reached with the Tab key")


def timeline(page: Page):
    return page.locator("ol.timeline")


def test_the_queue_filters_by_urgency_and_opens_a_case_from_the_keyboard(context, live_server):
    team = make_team()
    critical = make_case(urgency="critical", category="threats")
    make_case(urgency="high")
    make_case(urgency="normal")
    make_case(urgency="normal", language="fa")
    page = context.new_page()
    sign_in(page, live_server.url, team.coordinator)

    page.get_by_role("navigation", name="Staff").get_by_role(
        "link", name="Cases", exact=True
    ).click()
    expect(page.get_by_role("heading", name="Cases", level=1)).to_be_visible()
    queue = page.get_by_role("table")
    expect(queue.locator("caption")).to_contain_text("4 cases")
    # The counts are next to each choice, so the person sees what a filter will leave.
    urgency = page.get_by_label("Urgency")
    expect(urgency.locator("option")).to_have_text(
        ["Any", "Critical (1)", "High (1)", "Normal (2)"]
    )
    expect(page.get_by_label("Language").locator("option")).to_have_text(
        ["Any", "en (3)", "fa (1)"]
    )

    urgency.select_option(label="Critical (1)")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(
        f"{live_server.url}/en/staff/cases/?status=open&urgency=critical&category=&language="
    )
    expect(queue.locator("caption")).to_contain_text("1 case,")
    expect(queue.locator("tbody tr")).to_have_count(1)
    expect(queue.locator("tbody tr").first).to_contain_text("Critical")
    expect(page.get_by_label("Urgency")).to_have_value("critical")
    expect(page.get_by_role("link", name="Clear filters")).to_be_visible()
    screenshot(page, "queue-filtered")

    tab_to(page, critical.reference)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/en/staff/cases/{critical.reference}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {critical.reference}")
    expect(timeline(page)).to_contain_text(SECRET)


def test_an_empty_filter_result_says_so_and_clears(context, live_server):
    team = make_team()
    make_case(urgency="normal")
    page = context.new_page()
    sign_in(page, live_server.url, team.coordinator)
    page.goto(f"{live_server.url}/en/staff/cases/")
    page.get_by_label("Urgency").select_option("critical")
    page.get_by_label("Past the response deadline").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("No cases match these filters.")).to_be_visible()
    expect(page.get_by_label("Past the response deadline")).to_be_checked()
    page.get_by_role("link", name="Clear filters").click()
    expect(page.get_by_role("table").locator("tbody tr")).to_have_count(1)


def test_a_case_is_written_on_moved_along_and_handed_to_a_handler(browser, live_server):
    team = make_team()
    case = make_case()
    coordinator_context = browser.new_context(java_script_enabled=False, locale="en-US")
    handler_context = browser.new_context(java_script_enabled=False, locale="en-US")
    try:
        page = coordinator_context.new_page()
        sign_in(page, live_server.url, team.coordinator)
        page.goto(f"{live_server.url}/en/staff/cases/{case.reference}/")

        # Two ways to write, told apart by heading, warning and button.
        reply = page.locator("section.writing--reporter")
        note = page.locator("section.writing--note")
        expect(reply.get_by_role("heading")).to_have_text("Write to the reporter")
        expect(reply).to_contain_text("The reporter will read this.")
        expect(note.get_by_role("heading")).to_have_text("Write an internal note")
        expect(note).to_contain_text("Only the team sees notes; the reporter never does.")

        note.get_by_role("textbox").fill("note-canary: check the reporter's older reports")
        note.get_by_role("button", name="Add the note for the team").click()
        expect(
            page.get_by_text("Your note was added. The reporter does not see it.")
        ).to_be_visible()

        reply = page.locator("section.writing--reporter")
        reply.get_by_role("textbox").fill("reply-canary: we have your report and are on it")
        reply.get_by_role("button", name="Send to the reporter").click()
        expect(
            page.get_by_text("Your message will be shown to the reporter when they come back.")
        ).to_be_visible()

        for label, reason in (("In triage", "reading it"), ("Active", "a real threat")):
            page.get_by_label("New status").select_option(label=label)
            page.get_by_label("Reason").fill(reason)
            page.get_by_role("button", name="Change the status").click()
            expect(page.get_by_text("The status was changed.")).to_be_visible()
        expect(page.locator("dl.facts")).to_contain_text("Active")

        page.get_by_label("Assign to").select_option(label=team.handler.member.username)
        page.get_by_role("button", name="Save the assignment").click()
        expect(page.get_by_text("The assignment was saved.")).to_be_visible()
        expect(page.locator("ul.holders")).to_contain_text(f"{team.handler.member} (assignee)")

        entries = timeline(page).locator("article")
        # Oldest first: the report, the note, the reply, two status changes, the assignment.
        expect(entries).to_have_count(6)
        expect(entries.nth(0)).to_contain_text(SECRET)
        expect(entries.nth(1)).to_have_class("entry entry--note")
        expect(entries.nth(1)).to_contain_text("note-canary")
        expect(entries.nth(2)).to_have_class("entry entry--team-message")
        expect(entries.nth(2)).to_contain_text("reply-canary")
        expect(entries.nth(3)).to_contain_text("From “New” to “In triage”")
        expect(entries.nth(3)).to_contain_text("reading it")
        expect(entries.nth(4)).to_contain_text("From “In triage” to “Active”")
        expect(entries.nth(5)).to_contain_text(f"Assigned to {team.handler.member}")
        screenshot(page, "case-worked-on")
        # The note and the reply do not look alike.
        note_look = entries.nth(1).evaluate("e => getComputedStyle(e).borderInlineStartColor")
        reply_look = entries.nth(2).evaluate("e => getComputedStyle(e).borderInlineStartColor")
        assert note_look != reply_look

        handler = handler_context.new_page()
        sign_in(handler, live_server.url, team.handler)
        handler.goto(f"{live_server.url}/en/staff/cases/?mine=on")
        tab_to(handler, case.reference)
        handler.keyboard.press("Enter")
        expect(timeline(handler)).to_contain_text("note-canary")
        expect(timeline(handler)).to_contain_text("reply-canary")
        handler.locator("section.writing--note").get_by_role("textbox").fill("handler-canary")
        handler.get_by_role("button", name="Add the note for the team").click()
        expect(timeline(handler).locator("article").last).to_contain_text("handler-canary")
        # A handler does not assign: the form is not offered.
        expect(handler.get_by_label("Assign to")).to_have_count(0)
        handler.get_by_label("New status").select_option(label="Waiting for the reporter")
        handler.get_by_role("button", name="Change the status").click()
        expect(handler.locator("dl.facts")).to_contain_text("Waiting for the reporter")
    finally:
        coordinator_context.close()
        handler_context.close()
    assert fresh(case).status == Status.WAITING_REPORTER


def test_an_empty_note_is_refused_with_a_clear_message(context, live_server):
    team = make_team()
    case = make_case()
    page = context.new_page()
    sign_in(page, live_server.url, team.coordinator)
    page.goto(f"{live_server.url}/en/staff/cases/{case.reference}/")
    page.get_by_role("button", name="Add the note for the team").click()
    note = page.locator("section.writing--note")
    expect(note.locator(".field__error")).to_have_text("This field is required.")
    # The reply box is untouched by the note's error.
    expect(page.locator("section.writing--reporter .field__error")).to_have_count(0)


DUPLICATE_IDS = """() => {
    const seen = {};
    for (const element of document.querySelectorAll("[id]")) {
        seen[element.id] = (seen[element.id] || 0) + 1;
    }
    return Object.keys(seen).filter(id => seen[id] > 1);
}"""


def test_each_box_on_the_case_page_is_named_by_its_own_label(context, live_server):
    """The reply and the note have a field of the same name; clicking "Internal note" must
    never put the cursor in the message the reporter will read."""
    team = make_team()
    case = make_case()
    page = context.new_page()
    sign_in(page, live_server.url, team.coordinator)
    page.goto(f"{live_server.url}/en/staff/cases/{case.reference}/")
    assert page.evaluate(DUPLICATE_IDS) == []
    for label, section in (
        ("Internal note", "writing--note"),
        ("Message to the reporter", "writing--reporter"),
    ):
        page.locator("label").get_by_text(label, exact=True).click()
        focused = page.evaluate("() => document.activeElement.closest('section').className")
        assert section in focused.split(), label
        expect(page.locator(f"section.{section}").get_by_role("textbox")).to_be_focused()
        expect(page.get_by_role("textbox", name=label, exact=True)).to_have_count(1)

    # With an error shown, the note's box still carries its label, help and error.
    page.locator("section.writing--note").get_by_role("button").click()
    note = page.get_by_role("textbox", name="Internal note", exact=True)
    expect(note).to_have_attribute("aria-invalid", "true")
    expect(note).to_have_accessible_description(
        "Only the team sees notes; the reporter never does. This field is required."
    )
    assert page.evaluate(DUPLICATE_IDS) == []


def open_twice(context: BrowserContext, base: str, case: Case) -> tuple[Page, Page]:
    first, second = context.new_page(), context.new_page()
    for page in (first, second):
        page.goto(f"{base}/en/staff/cases/{case.reference}/")
    return first, second


def test_a_change_made_meanwhile_is_shown_and_the_typed_reason_kept(context, live_server):
    team = make_team()
    case = make_case()
    mine = context.new_page()
    sign_in(mine, live_server.url, team.coordinator)
    theirs, late = open_twice(context, live_server.url, case)

    theirs.get_by_label("New status").select_option(label="In triage")
    theirs.get_by_role("button", name="Change the status").click()
    expect(theirs.get_by_text("The status was changed.")).to_be_visible()

    reason = "A duplicate of a report we already work on, from the same account."
    late.get_by_label("New status").select_option(label="Rejected")
    late.get_by_label("Reason").fill(reason)
    late.get_by_role("button", name="Change the status").click()

    alert = late.get_by_role("alert")
    expect(alert).to_contain_text(CONFLICT)
    expect(alert).to_contain_text("What you typed is still in the form.")
    expect(late.get_by_label("Reason")).to_have_value(reason)
    expect(late.get_by_label("New status")).to_have_value("rejected")
    # The page now shows the case as it is: the other person's change is there.
    expect(late.locator("dl.facts")).to_contain_text("In triage")
    expect(timeline(late)).to_contain_text("From “New” to “In triage”")
    screenshot(late, "case-conflict")
    assert fresh(case).status == Status.TRIAGE

    # Having checked, the person sends the same form again, and now it goes through.
    late.get_by_role("button", name="Change the status").click()
    expect(late.get_by_text("The status was changed.")).to_be_visible()
    expect(timeline(late)).to_contain_text(reason)
    assert fresh(case).status == Status.REJECTED


def test_a_due_date_set_meanwhile_does_not_lose_the_tags_typed(context, live_server):
    team = make_team()
    case = make_case()
    page = context.new_page()
    sign_in(page, live_server.url, team.coordinator)
    first, second = open_twice(context, live_server.url, case)

    first.get_by_label("Due date (optional)").fill("2031-05-17")
    first.get_by_role("button", name="Save the due date").click()
    expect(first.get_by_text("The due date was saved.")).to_be_visible()

    second.get_by_label("Tags (optional)").fill("impersonation, urgent-legal")
    second.get_by_role("button", name="Save the tags").click()
    expect(second.get_by_role("alert")).to_contain_text(CONFLICT)
    expect(second.get_by_label("Tags (optional)")).to_have_value("impersonation, urgent-legal")
    expect(second.get_by_label("Due date (optional)")).to_have_value("2031-05-17")


def test_a_handler_sees_only_the_cases_given_to_them(context, live_server):
    team = make_team()
    given = make_case(urgency="high")
    hidden = make_case(urgency="critical")
    grant_to(team, given, team.handler)
    page = context.new_page()
    sign_in(page, live_server.url, team.handler)
    page.goto(f"{live_server.url}/en/staff/cases/")
    rows = page.get_by_role("table").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(given.reference)
    expect(page.get_by_label("Urgency").locator("option")).to_have_text(
        ["Any", "Critical (0)", "High (1)", "Normal (0)"]
    )
    response = page.goto(f"{live_server.url}/en/staff/cases/{hidden.reference}/")
    assert response is not None
    assert response.status == 404
