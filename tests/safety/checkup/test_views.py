"""The self-check pages: the whole flow as a browser posts it, errors, tampering, and nothing
kept."""

from __future__ import annotations

import logging
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from rightsdesk.safety.checkup.definition import CHECKUP

pytestmark = pytest.mark.django_db

URL = "/en/safety/checkup/"
PLAN_URL = "/en/safety/checkup/plan/"
LEVEL_ONE = [statement.id for statement in CHECKUP.levels[0].statements]
# Level 1 as someone who already does everything it asks about.
ALL_GOOD = {
    "different_passwords": "yes",
    "wiki_2fa": "yes",
    "email_2fa": "yes",
    "recognise_phishing": "yes",
    "photo_on_user_page": "no",
    "username_real_name": "no",
    "user_page_details": "no",
    "device_updates": "yes",
    "sensitive_topics": "no",
    "risky_country": "no",
    "harassed": "no",
}


@pytest.fixture(autouse=True)
def language_restored():
    language = translation.get_language()
    yield
    translation.activate(language)


class FormReader(HTMLParser):
    """The fields of the self-check form as a browser would send them: hidden fields, and the
    radio buttons with which of them are checked."""

    def __init__(self, form_class: str) -> None:
        super().__init__()
        self.form_class = form_class
        self.inside = False
        self.hidden: dict[str, str] = {}
        self.radios: dict[str, list[str]] = {}
        self.checked: dict[str, str] = {}
        self.action = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form" and self.form_class in attributes.get("class", "").split():
            self.inside = True
            self.action = attributes.get("action", "")
        elif tag == "input" and self.inside:
            name, value = attributes.get("name", ""), attributes.get("value", "")
            if attributes.get("type") == "hidden":
                self.hidden[name] = value
            elif attributes.get("type") == "radio":
                self.radios.setdefault(name, []).append(value)
                if "checked" in attributes:
                    self.checked[name] = value

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


def read_form(response, form_class: str = "checkup__form") -> FormReader:
    reader = FormReader(form_class)
    reader.feed(response.content.decode())
    return reader


def shown(response) -> list[str]:
    """The statement ids the page asks, in order."""
    return [name.removeprefix("answer-") for name in read_form(response).radios]


def answer(client: Client, response, answers: dict[str, str]):
    """Posts the page's form as a browser would: its hidden fields and checked radio buttons,
    with the given choices made."""
    form = read_form(response)
    data = form.hidden | form.checked
    data |= {f"answer-{key}": value for key, value in answers.items()}
    return client.post(form.action, data)


def text_of(response) -> str:
    return str(response.content.decode())


def private(response) -> None:
    assert response["Cache-Control"] == "no-store"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in text_of(response)


# The first page.


def test_the_first_page_introduces_the_check_and_asks_level_one(client: Client):
    response = client.get(URL)
    assert response.status_code == 200
    private(response)
    page = text_of(response)
    assert "It takes about five minutes" in page
    assert "Your answers are never stored and never sent anywhere else" in page
    assert 'method="post"' in page
    assert "csrfmiddlewaretoken" in page
    form = read_form(response)
    assert form.action == URL
    assert form.hidden["level"] == "1"
    assert shown(response) == LEVEL_ONE
    assert all(values == ["yes", "no", "unsure"] for values in form.radios.values())
    assert page.count("<fieldset") == len(LEVEL_ONE)
    assert "<legend>I use a different password for every account.</legend>" in page
    assert "<legend>There is a photo of me on my user page.</legend>" in page
    assert "<legend>My user name is my real name, or close to it.</legend>" in page
    assert "I&#x27;m not sure" in page
    assert "Part 1 of 3: The basics" in page


# The whole flow.


def test_the_whole_flow_ends_in_a_ranked_plan(client: Client):
    first = client.get(URL)
    second = answer(
        client,
        first,
        ALL_GOOD
        | {
            "different_passwords": "no",
            "photo_on_user_page": "yes",
            "username_real_name": "yes",
            "sensitive_topics": "yes",
            "harassed": "yes",
        },
    )
    assert second.status_code == 200
    private(second)
    assert "Part 2 of 3" in text_of(second)
    assert "It takes about five minutes" not in text_of(second)
    assert shown(second) == [
        "uses_tor",
        "secure_messenger",
        "disk_encryption",
        "someone_to_talk_to",
    ]
    # Level 1's answers ride along in hidden fields, nowhere in a URL.
    form = read_form(second)
    assert form.hidden["level"] == "2"
    assert form.hidden["answer-harassed"] == "yes"
    assert form.hidden["answer-different_passwords"] == "no"
    assert "?" not in form.action
    third = answer(
        client,
        second,
        {
            "uses_tor": "no",
            "secure_messenger": "yes",
            "disk_encryption": "unsure",
            "someone_to_talk_to": "no",
        },
    )
    assert "Part 3 of 3: Last details" in text_of(third)
    assert shown(third) == ["edited_logged_out", "same_browser"]
    result = answer(client, third, {"edited_logged_out": "yes", "same_browser": "no"})
    assert result.status_code == 200
    private(result)
    page = text_of(result)
    assert "Your safety plan" in page
    # Grouped by area, the area of the highest-scoring action first, numbered down the page.
    areas = re.findall(r'<h2 id="checkup-area-([a-z]+)">', page)
    assert areas == ["wellbeing", "accounts", "identity", "browsing", "devices"]
    assert '<ol class="checkup-steps" start="1">' in page
    titles = re.findall(r"<h3>([^<]+)</h3>", page)
    # No one to talk to and harassed: 2 + 5 points, ahead of keeping a record (5).
    assert titles[0] == "Find someone you can talk to"
    assert titles[1] == "Keep a record of the harassment and get support"
    assert "Give every account its own password, starting with email and the wiki" in titles
    assert "Think again about the photo of you on your user page" in titles
    assert "Always log in before you edit" in titles
    # Each step links to its lesson, and to its emergency guide when it has one.
    assert 'href="/en/safety/learn/wellbeing/intermediate/"' in page
    assert "Lesson: Wellbeing under harassment (Intermediate)" in page
    assert 'href="/en/safety/emergency/threat-received/"' in page
    assert 'href="/en/safety/learn/user-page/beginner/"' in page
    # The link holds the plan's codes only.
    link = re.search(r'href="(/en/safety/checkup/plan/\?plan=([a-z0-9.]+))"', page)
    assert link is not None
    assert link.group(2).startswith("sp.hr.")
    assert "answer" not in link.group(1)
    assert "use your browser's Print command" in page
    assert "not your answers" in page
    # The same plan, from the link.
    from_link = client.get(link.group(1))
    private(from_link)
    assert re.findall(r"<h3>([^<]+)</h3>", text_of(from_link)) == titles
    assert "Change my answers" not in text_of(from_link)


def test_a_gated_statement_is_not_asked_when_its_requirement_fails(client: Client):
    second = answer(client, client.get(URL), ALL_GOOD)
    assert shown(second) == ["password_manager", "same_username_elsewhere"]
    assert "someone_to_talk_to" not in text_of(second)
    assert "uses_tor" not in text_of(second)


def test_levels_that_ask_nothing_are_skipped(client: Client):
    # Reused passwords and a real name: nothing of level 2 or 3 applies; the plan comes next.
    answers = ALL_GOOD | {"different_passwords": "no", "username_real_name": "yes"}
    result = answer(client, client.get(URL), answers)
    page = text_of(result)
    assert "Your safety plan" in page
    assert "Start using a password manager" in page


def test_someone_who_does_everything_gets_a_kind_message(client: Client):
    second = answer(client, client.get(URL), ALL_GOOD)
    result = answer(client, second, {"password_manager": "yes", "same_username_elsewhere": "no"})
    page = text_of(result)
    assert "You are already doing everything this self-check asks about" in page
    assert 'href="/en/safety/learn/"' in page
    assert "checkup-step" not in page
    assert "/en/safety/checkup/plan/?plan=" not in page


# Bad input.


def test_a_missing_answer_asks_again_and_keeps_every_answer(client: Client):
    second = answer(client, client.get(URL), ALL_GOOD | {"harassed": "yes"})
    assert shown(second) == [
        "password_manager",
        "same_username_elsewhere",
        "secure_messenger",
        "disk_encryption",
        "someone_to_talk_to",
    ]
    partial = {
        "password_manager": "no",
        "same_username_elsewhere": "yes",
        "secure_messenger": "unsure",
    }
    again = answer(client, second, partial)
    assert again.status_code == 200
    private(again)
    page = text_of(again)
    assert "Some statements still need an answer. Everything you already answered is kept." in page
    assert page.count("Choose Yes, No or I&#x27;m not sure for this statement.") == 2
    assert shown(again) == shown(second)
    form = read_form(again)
    assert form.hidden["level"] == "2"
    assert form.checked == {f"answer-{key}": value for key, value in partial.items()}
    assert {k: v for k, v in form.hidden.items() if k.startswith("answer-")} == {
        f"answer-{key}": value for key, value in (ALL_GOOD | {"harassed": "yes"}).items()
    }
    # The error is on the statement that lacks an answer.
    error_block = re.search(r"<fieldset[^>]*field--error[^>]*>\s*<legend>([^<]+)</legend>", page)
    assert error_block is not None
    assert error_block.group(1) == "My phone and computer are encrypted."
    # Answering the rest continues where it left off.
    done = answer(client, again, {"disk_encryption": "yes", "someone_to_talk_to": "yes"})
    assert "Your safety plan" in text_of(done)


def test_an_empty_first_page_marks_every_statement(client: Client):
    response = client.post(URL, {"level": "1"})
    assert response.status_code == 200
    assert text_of(response).count("field--error") == len(LEVEL_ONE)


def test_change_my_answers_goes_back_with_everything_chosen(client: Client):
    second = answer(client, client.get(URL), ALL_GOOD | {"harassed": "yes"})
    level_two = {
        "password_manager": "yes",
        "same_username_elsewhere": "no",
        "secure_messenger": "yes",
    }
    level_two |= {"disk_encryption": "yes", "someone_to_talk_to": "yes"}
    result = answer(client, second, level_two)
    change = read_form(result, "checkup-plan__change")
    assert change.action == URL
    back = client.post(URL, change.hidden | {"go": "change"})
    private(back)
    form = read_form(back)
    assert form.hidden["level"] == "1"
    assert form.checked == {f"answer-{key}": value for key, value in ALL_GOOD.items()} | {
        "answer-harassed": "yes"
    }
    # Changing one answer drops the statement that depended on it, and the plan follows.
    again = answer(client, back, {"harassed": "no"})
    assert "someone_to_talk_to" not in shown(again)
    assert read_form(again).checked["answer-same_username_elsewhere"] == "no"
    final = answer(client, again, {})
    assert "Keep a record of the harassment" not in text_of(final)
    assert "Start again" in text_of(final)


def test_tampered_fields_are_reported_and_left_out(client: Client):
    data = {f"answer-{key}": value for key, value in ALL_GOOD.items()}
    data |= {"level": "1", "answer-made_up": "yes", "answer-harassed": "definitely"}
    response = client.post(URL, data)
    assert response.status_code == 200
    page = text_of(response)
    assert "2 answers in the form could not be read and were left out." in page
    # The bad answer is asked again; the good ones are kept.
    assert "field--error" in page
    assert read_form(response).checked["answer-wiki_2fa"] == "yes"
    assert "made_up" not in page
    assert "definitely" not in page


@pytest.mark.parametrize("level", ["", "0", "4", "two", "1; DROP TABLE", "９"])
def test_a_made_up_level_starts_again_with_what_could_be_read(client: Client, level: str):
    response = client.post(URL, {"level": level, "answer-wiki_2fa": "no"})
    assert response.status_code == 200
    form = read_form(response)
    assert form.hidden["level"] == "1"
    assert form.checked == {"answer-wiki_2fa": "no"}


def test_a_later_level_without_earlier_answers_goes_back(client: Client):
    response = client.post(
        URL, {"level": "3", "answer-uses_tor": "yes", "answer-ip_block_exemption": "no"}
    )
    assert response.status_code == 200
    assert read_form(response).hidden["level"] == "1"


def test_other_methods_are_refused(client: Client):
    assert client.put(URL).status_code == 405
    assert client.post(PLAN_URL).status_code == 405


# The plan page.


def test_the_plan_page_shows_a_plan_from_its_code(client: Client):
    response = client.get(PLAN_URL, {"plan": "ph.up.2w"})
    assert response.status_code == 200
    private(response)
    page = text_of(response)
    assert re.findall(r'<h2 id="checkup-area-([a-z]+)">', page) == ["identity", "accounts"]
    assert re.findall(r"<h3>([^<]+)</h3>", page) == [
        "Think again about the photo of you on your user page",
        "Give every account its own password, starting with email and the wiki",
        "Turn on two-step verification for your wiki account",
    ]
    assert '<ol class="checkup-steps" start="2">' in page
    assert "The address of this page holds the plan" in page
    assert "Take the self-check" in page


def test_a_tampered_code_is_read_as_far_as_it_can_be(client: Client):
    response = client.get(PLAN_URL, {"plan": "up.<b>x</b>.zz.up"})
    page = text_of(response)
    assert response.status_code == 200
    assert "2 parts of this link could not be read and were left out." in page
    assert "<b>x</b>" not in page
    assert page.count('checkup-step"') == 1
    huge = client.get(PLAN_URL, {"plan": "up." * 10_000})
    assert huge.status_code == 200


@pytest.mark.parametrize("query", [{}, {"plan": ""}, {"plan": "zz"}])
def test_a_link_without_a_plan_offers_the_self_check(client: Client, query):
    response = client.get(PLAN_URL, query)
    assert response.status_code == 200
    private(response)
    page = text_of(response)
    assert "This link holds no plan." in page
    assert f'href="{URL}"' in page


# Privacy and safety.


def test_the_flow_writes_nothing_to_the_database(client: Client):
    with CaptureQueriesContext(connection) as queries:
        second = answer(
            client, client.get(URL), ALL_GOOD | {"harassed": "yes", "risky_country": "yes"}
        )
        third = answer(client, second, dict.fromkeys(shown(second), "no"))
        result = answer(client, third, dict.fromkeys(shown(third), "yes"))
        client.get(PLAN_URL, {"plan": "hr.up"})
    assert "Your safety plan" in text_of(result)
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert writes == []
    assert "rightsdesk_session" not in client.cookies


def test_nothing_answered_reaches_the_log(client: Client, caplog):
    caplog.set_level(logging.DEBUG)
    answer(client, client.get(URL), ALL_GOOD | {"harassed": "yes"})
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "harassed" not in logged
    assert "answer-" not in logged


def test_each_step_needs_its_csrf_token():
    client = Client(enforce_csrf_checks=True)
    data = {"level": "1"} | {f"answer-{key}": value for key, value in ALL_GOOD.items()}
    assert client.post(URL, data).status_code == 403
    first = client.get(URL)
    token = read_form(first).hidden["csrfmiddlewaretoken"]
    second = client.post(URL, data | {"csrfmiddlewaretoken": token})
    assert second.status_code == 200
    assert "Part 2 of 3" in text_of(second)
    # The next step's form carries a token of its own.
    third = answer(client, second, {"password_manager": "no", "same_username_elsewhere": "no"})
    assert third.status_code == 200
    assert "Start using a password manager" in text_of(third)


@pytest.mark.parametrize(
    ("language", "direction"), [("fa", "rtl"), ("ar", "rtl"), ("zh-hans", "ltr")]
)
def test_the_flow_renders_in_other_languages(client: Client, language: str, direction: str):
    url = f"/{language}/safety/checkup/"
    first = client.get(url)
    assert first.status_code == 200
    html_tag = f'<html lang="{language}" dir="{direction}">'
    assert html_tag in text_of(first)
    assert read_form(first).action == url
    second = answer(client, first, ALL_GOOD | {"sensitive_topics": "yes"})
    assert second.status_code == 200
    assert html_tag in text_of(second)
    third = answer(client, second, dict.fromkeys(shown(second), "no"))
    result = answer(client, third, dict.fromkeys(shown(third), "unsure")) if shown(third) else third
    assert result.status_code == 200
    page = text_of(result)
    assert html_tag in page
    assert f'href="/{language}/safety/learn/sensitive-topics/beginner/"' in page
    assert f"/{language}/safety/checkup/plan/?plan=" in page
