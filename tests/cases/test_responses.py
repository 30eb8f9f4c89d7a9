"""Response templates: translated with the interface, filled in, offered on the case page."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from rightsdesk.accounts import services as account_services
from rightsdesk.accounts.permissions import Role
from rightsdesk.cases import responses, services
from rightsdesk.cases.models import Case
from tests.conftest import sign_in
from tests.factories import StaffLogin, make_staff


@pytest.fixture
def coordinator(db) -> StaffLogin:
    account_services.escrow_initialise(shares=3, threshold=2)
    login = make_staff(Role.COORDINATOR)
    login.member.display_name = "Samira"
    login.member.save(update_fields=["display_name"])
    return login


def new_case(language: str = "fa") -> Case:
    return services.case_create(
        category="other", urgency="normal", language=language, report={"what_happened": "x"}
    ).case


def test_every_template_is_filled_in_for_the_case_and_handler(coordinator, settings):
    settings.SITE_NAME = "Volunteer Support Team"
    case = new_case()
    templates = responses.response_templates(language="en", case=case, handler=coordinator.member)
    assert [template.key for template in templates] == [
        "initial_reply",
        "out_of_mandate",
        "referral_follow_up",
        "safety_advice",
    ]
    for template in templates:
        assert case.reference in template.text
        assert "Samira, Volunteer Support Team" in template.text
        assert "{" not in template.text
        assert template.title
        assert template.language == "en"


def test_templates_are_rendered_in_the_language_asked_for(coordinator, monkeypatch):
    case = new_case()
    seen: list[str] = []
    real = responses._filled

    def spy(body, values, source):
        from django.utils import translation

        seen.append(translation.get_language())
        return real(body, values, source)

    monkeypatch.setattr(responses, "_filled", spy)
    templates = responses.response_templates(language="ar", case=case, handler=coordinator.member)
    assert {template.language for template in templates} == {"ar"}
    assert set(seen) == {"ar"}


def test_a_broken_translation_falls_back_to_the_source_text():
    values = {"reference": "RD-AAAA-BBBB"}
    assert responses._filled("{reference", values, "See {reference}") == "See RD-AAAA-BBBB"
    # A misspelt placeholder is left as it is rather than failing.
    assert responses._filled("{referenz} {reference}", values, "") == "{referenz} RD-AAAA-BBBB"


def test_the_reply_language_defaults_to_the_case_language(coordinator):
    case = new_case("fa")
    assert responses.reply_language(case) == "fa"
    assert responses.reply_language(case, "es") == "es"
    assert responses.reply_language(case, "xx") == "fa"
    assert responses.reply_language(new_case("xx")) == "en"


def test_prefilled_reply_reads_the_template_form(coordinator):
    case = new_case()
    factory = RequestFactory()
    chosen = factory.get("/", {"template": "safety_advice", "template_language": "en"})
    text = responses.prefilled_reply(chosen, case, coordinator.member)
    assert "a few steps can make you safer" in text
    assert case.reference in text
    assert responses.prefilled_reply(factory.get("/"), case, coordinator.member) == ""
    unknown = factory.get("/", {"template": "../../etc"})
    assert responses.prefilled_reply(unknown, case, coordinator.member) == ""


def test_the_case_page_offers_the_templates(client: Client, coordinator):
    case = new_case("fr")
    sign_in(client, coordinator)
    page = client.get(f"/en/staff/cases/{case.reference}/").content.decode()
    assert "Start from a template" in page
    assert '<option value="fr" selected>' in page
    chosen = client.get(
        f"/en/staff/cases/{case.reference}/",
        {"template": "out_of_mandate", "template_language": "es"},
    ).content.decode()
    assert '<option value="out_of_mandate" selected>' in chosen
    assert '<option value="es" selected>' in chosen
    assert "The template is in the reply box." in chosen


def test_the_picker_is_shown_in_a_right_to_left_language(client: Client, coordinator):
    case = new_case("ar")
    sign_in(client, coordinator)
    page = client.get(f"/ar/staff/cases/{case.reference}/").content.decode()
    assert 'dir="rtl"' in page
    assert 'name="template"' in page


def test_a_handler_without_the_case_sees_no_templates(client: Client, coordinator):
    case = new_case()
    sign_in(client, make_staff(Role.HANDLER))
    assert client.get(f"/en/staff/cases/{case.reference}/").status_code == 404


def test_choosing_a_template_fills_the_reply_box(client: Client, coordinator):
    case = new_case("fr")
    sign_in(client, coordinator)
    page = client.get(
        f"/en/staff/cases/{case.reference}/",
        {"template": "safety_advice", "template_language": "en"},
    ).content.decode()
    reply_box = page.split('name="text"', 1)[1].split("</textarea>", 1)[0]
    assert "a few steps can make you safer" in reply_box
    assert case.reference in reply_box
    # Only the reply box has it: a template is a message to the reporter, never a note.
    assert page.count("a few steps can make you safer") == 1
