"""Bad input gets a clear, translated message, and nothing typed is lost."""

import pytest
from django.test import Client

from tests.intake.conftest import Reporter


@pytest.fixture
def at_what(reporter: Reporter, escrow) -> Reporter:
    reporter.start()
    reporter.answer("danger", {"danger": "no"})
    reporter.answer("scope", {"scope": "threat"})
    return reporter


def test_narrative_over_the_limit_names_the_limit_and_keeps_the_text(
    at_what: Reporter, client: Client
):
    text = "x" * 50_001
    response = at_what.answer("what", {"category": "other", "what_happened": text})
    assert response.status_code == 200
    html = response.content.decode()
    assert "50000 characters at most (it has 50001)" in html
    assert text in html
    assert "Nothing you typed was lost" in html


def test_the_limit_message_is_translated(client: Client, escrow):
    reporter = Reporter(client, "fa")
    reporter.start()
    reporter.answer("danger", {"danger": "no"})
    reporter.answer("scope", {"scope": "threat"})
    html = reporter.answer(
        "what", {"category": "other", "what_happened": "x" * 50_001}
    ).content.decode()
    assert "characters at most" not in html
    assert "50001" in html or "۵۰۰۰۱" in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("what_happened", "bell\x07", "invisible control characters"),
        ("what_happened", "", "Please fill this in."),
        ("links", "javascript:alert(1)", "is not a web address"),
        ("links", "https://user:pw@example.org/", "contains a user name or password"),
        ("links", "\n".join(f"https://example.org/{n}" for n in range(51)), "at most 50 links"),
    ],
)
def test_bad_answers_are_explained(at_what: Reporter, field: str, value: str, message: str):
    data = {"category": "other", "what_happened": "Something happened."}
    data[field] = value
    response = at_what.answer("what", data)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_script_in_answers_is_shown_as_text(at_what: Reporter, client: Client):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    at_what.answer("what", {"category": "other", "what_happened": payload})
    at_what.answer(
        "contact", {"contact_method": "none", "preferred_language": "en", "consent": "ask"}
    )
    html = client.get(at_what.url("review")).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"contact_method": "email", "contact_value": "", "consent": "ask"},
            "Please tell us where to reach you",
        ),
        (
            {"contact_method": "email", "contact_value": "not-an-address", "consent": "ask"},
            "does not look like an email",
        ),
        ({"contact_method": "none", "consent": "yes"}, "Please choose at least one kind of help"),
    ],
)
def test_contact_answers_are_checked(at_what: Reporter, data: dict[str, str], message: str):
    at_what.answer("what", {"category": "other", "what_happened": "Something."})
    response = at_what.answer("contact", {"preferred_language": "en", **data})
    assert response.status_code == 200
    assert message in response.content.decode()
