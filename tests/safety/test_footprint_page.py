"""The public footprint check page: forms, results, errors, rate limits, and nothing kept."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from pytest_httpserver import HTTPServer

from rightsdesk.safety import ratelimit
from rightsdesk.safety.footprint import report
from rightsdesk.safety.forms import MAX_WIKITEXT_BYTES
from tests.safety.api import recorded, serve

pytestmark = pytest.mark.django_db

# The messages are checked in English; the Persian page is checked for its direction and wiki.
URL = "/en/safety/footprint/"
PERSIAN_URL = "/fa/safety/footprint/"
PERSIAN_PAGE = """{{جعبه کاربر شروع}}
{{کاربر ساکن تهران}}
{{جعبه کاربر پایان}}
[[پرونده:Me.jpg|بندانگشتی|من]]
سلام! از سال ۱۳۹۵ در ویکی‌پدیا ویرایش می‌کنم.
"""


@pytest.fixture(autouse=True)
def one_minute(monkeypatch):
    """Budgets count per clock minute; a test that crossed into the next would get a fresh one."""
    minute = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    monkeypatch.setattr(ratelimit, "now", lambda: minute)


@pytest.fixture(autouse=True)
def fresh_rate_limit_and_language():
    """Each test starts with a fresh budget; the Persian pages' language does not outlive it."""
    language = translation.get_language()
    caches["default"].clear()
    yield
    caches["default"].clear()
    translation.activate(language)


def check_user(client: Client, username: str, wiki: str = "fa.wikipedia.org", url: str = URL):
    return client.post(
        url,
        {"check": "user", "user-username": username, "user-wiki": wiki},
        REMOTE_ADDR="192.0.2.7",
    )


def check_text(client: Client, text: str, username: str = "", **extra: Any):
    return client.post(
        URL,
        {"check": "wikitext", "wikitext-wikitext": text, "wikitext-username": username},
        **extra,
    )


def text_of(response) -> str:
    return str(response.content.decode())


# The form.


def test_the_page_shows_both_forms_with_the_wiki_of_the_page_language(client: Client):
    persian = text_of(client.get(PERSIAN_URL))
    assert 'dir="rtl"' in persian
    assert 'value="fa.wikipedia.org"' in persian
    response = client.get(URL)
    assert response.status_code == 200
    page = text_of(response)
    assert 'name="user-wiki"' in page
    assert 'name="wikitext-wikitext"' in page
    assert 'enctype="multipart/form-data"' in page
    assert page.count("csrfmiddlewaretoken") == 2
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert response["Cache-Control"] == "no-store"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "Nothing you type here is stored" in page


@pytest.mark.parametrize(
    ("language", "host"), [("en", "en.wikipedia.org"), ("zh-hans", "zh.wikipedia.org")]
)
def test_the_default_wiki_follows_the_language(client: Client, language: str, host: str):
    assert f'value="{host}"' in text_of(client.get(f"/{language}/safety/footprint/"))


def test_a_get_never_reaches_a_wiki(client: Client, monkeypatch):
    def refuse(*args: object, **kwargs: object):
        raise AssertionError("a GET reached out to a wiki")

    monkeypatch.setattr(report, "WikiClient", refuse)
    assert client.get(URL + "?user-username=Parisa&user-wiki=fa.wikipedia.org").status_code == 200


def test_the_form_needs_its_csrf_token(wiki: HTTPServer):
    serve(wiki, "fa_user.json")
    client = Client(enforce_csrf_checks=True)
    data = {"check": "user", "user-username": "Parisa", "user-wiki": "fa.wikipedia.org"}
    assert client.post(URL, data).status_code == 403
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text_of(client.get(URL)))
    assert token is not None
    response = client.post(URL, data | {"csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 200
    assert "What the check found" in text_of(response)


# Checking a user page.


def test_a_user_check_shows_findings_by_severity_and_the_other_wikis(client: Client, wiki):
    serve(wiki, "fa_user.json")
    response = check_user(client, "Parisa")
    page = text_of(response)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "Reveals a lot: look at these first" in page
    assert "footprint-finding--photo" in page
    assert "footprint-finding--email" in page
    assert '<q dir="auto" class="user-text">[[پرونده:Parisa at home.jpg' in page
    assert "User talk:Parisa" in page
    # Each finding leads to the lesson about it.
    assert '<a href="/en/safety/learn/user-page/beginner/">What to do about it</a>' in page
    assert '<a href="/en/safety/learn/doxxing/beginner/">What to do about it</a>' in page
    assert '<a href="/en/safety/learn/user-page/intermediate/">What to do about it</a>' in page
    assert "Your account also exists on 3 other wikis" in page
    for host in ("commons.wikimedia.org", "en.wikipedia.org", "www.wikidata.org"):
        assert f'<li dir="ltr">{host}</li>' in page
    assert "Nothing was stored" in page
    # The high group comes before the others.
    groups = re.findall(r"footprint-group--(high|medium|low)", page)
    assert groups[0] == "high"
    assert groups == sorted(groups, key=["high", "medium", "low"].index)
    # What was typed stays in the form.
    assert 'value="Parisa"' in page


def test_an_account_with_empty_pages_finds_nothing(client: Client, wiki):
    serve(wiki, "fa_user_without_pages.json", "globaluserinfo_missing.json")
    page = text_of(check_user(client, "Quiet editor"))
    assert "The check found nothing on the page that points to you" in page
    assert "Your account exists on no other wiki." in page


def test_an_unknown_user_gets_a_clear_message(client: Client, wiki):
    serve(wiki, "fa_unknown_user.json")
    response = check_user(client, "No such volunteer")
    page = text_of(response)
    assert response.status_code == 200
    assert "No such user" in page
    assert "There is no account called" in page
    assert "No such volunteer" in page
    assert "What the check found" not in page


@pytest.mark.parametrize("answer", ["maxlag.json", "api_error.json", 500])
def test_a_wiki_that_cannot_answer_gets_a_retry_hint(client: Client, wiki, answer):
    if isinstance(answer, int):
        wiki.expect_request("/w/api.php").respond_with_data("down", status=answer)
    else:
        wiki.expect_request("/w/api.php").respond_with_json(recorded(answer))
    page = text_of(check_user(client, "Parisa"))
    assert "The wiki did not answer" in page
    assert "Try again in a few minutes" in page
    assert 'value="Parisa"' in page


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "fa.wikipedia.org:8080",
        "me@fa.wikipedia.org",
        "evil.com/wikipedia.org",
        "wikipedia.org.evil.com",
        "http://fa.wikipedia.org",
    ],
)
def test_a_host_outside_wikimedia_is_refused_before_any_request(client: Client, monkeypatch, host):
    def refuse(*args: object, **kwargs: object):
        raise AssertionError("an unchecked host reached the client")

    monkeypatch.setattr(report, "WikiClient", refuse)
    response = check_user(client, "Parisa", wiki=host)
    page = text_of(response)
    assert response.status_code == 200
    assert "Enter the address of a Wikimedia wiki" in page
    assert "Nothing you typed was lost" in page
    assert 'value="Parisa"' in page


def test_an_impossible_user_name_is_refused(client: Client):
    page = text_of(check_user(client, "a|b"))
    assert "This cannot be a wiki user name" in page
    assert 'value="a|b"' in page


# Pasting wikitext.


def test_pasted_persian_wikitext_shows_a_photo_and_a_location(client: Client):
    response = check_text(client, PERSIAN_PAGE, username="Parisa")
    page = text_of(response)
    assert response.status_code == 200
    assert "footprint-finding--photo" in page
    assert "footprint-finding--location" in page
    assert "[[پرونده:Me.jpg|بندانگشتی|من]]" in page
    assert "{{کاربر ساکن تهران}}" in page
    assert "Found in the text you pasted" in page
    assert "Your user name on other wikis" not in page


def test_evidence_is_escaped(client: Client):
    page = text_of(check_text(client, '[[File:<script>alert("x")</script>.jpg]] a@example.org'))
    assert "<script>alert" not in page


def test_a_clean_text_has_no_findings(client: Client):
    page = text_of(check_text(client, "I like editing articles about rivers."))
    assert "The check found nothing on the page that points to you" in page


def test_a_text_over_a_megabyte_is_refused_and_the_user_name_kept(client: Client):
    text = "ب" * (MAX_WIKITEXT_BYTES // 2 + 1)  # two bytes each in UTF-8
    response = check_text(client, text, username="Parisa")
    page = text_of(response)
    assert response.status_code == 200
    assert "This text is longer than 1 MB" in page
    assert 'value="Parisa"' in page
    assert "ببببببببب" not in page  # a megabyte is not sent back


def test_a_request_over_the_size_limit_gets_the_413_page(client: Client, settings):
    text = "x" * (settings.MAX_REQUEST_BYTES + 1)
    response = check_text(client, text)
    assert response.status_code == 413


def test_an_empty_paste_is_an_error(client: Client):
    page = text_of(check_text(client, "", username="Parisa"))
    assert "Nothing you typed was lost" in page
    assert 'value="Parisa"' in page


# Rate limits.


def test_each_client_has_a_budget_per_minute(client: Client, settings):
    settings.FOOTPRINT_CHECKS_PER_MINUTE = 2
    for _ in range(2):
        assert check_text(client, "text", REMOTE_ADDR="198.51.100.1").status_code == 200
    response = check_text(client, PERSIAN_PAGE, username="Parisa", REMOTE_ADDR="198.51.100.1")
    page = text_of(response)
    assert response.status_code == 429
    assert "Too many checks just now" in page
    assert "what you typed is still in the form" in page
    assert "{{کاربر ساکن تهران}}" in page  # kept in the text box
    assert "footprint-finding" not in page
    assert response["Cache-Control"] == "no-store"
    # Another client is not affected.
    assert check_text(client, "text", REMOTE_ADDR="198.51.100.2").status_code == 200


def test_invalid_forms_do_not_spend_the_budget(client: Client, settings):
    settings.FOOTPRINT_CHECKS_PER_MINUTE = 1
    for _ in range(3):
        check_text(client, "", REMOTE_ADDR="198.51.100.3")
    assert check_text(client, "text", REMOTE_ADDR="198.51.100.3").status_code == 200


def test_all_clients_together_have_a_cap(client: Client, settings):
    settings.FOOTPRINT_CHECKS_PER_MINUTE_ALL = 3
    for number in range(3):
        assert check_text(client, "text", REMOTE_ADDR=f"203.0.113.{number}").status_code == 200
    assert check_text(client, "text", REMOTE_ADDR="203.0.113.99").status_code == 429


def test_the_rate_limit_keeps_no_address(client: Client):
    check_text(client, "text", REMOTE_ADDR="203.0.113.250")
    keys = " ".join(str(key) for key in caches["default"]._cache)  # type: ignore[attr-defined]
    assert "footprint:client:" in keys
    assert "203.0.113.250" not in keys


# Nothing is kept.


def test_a_check_writes_nothing_to_the_database(client: Client, wiki):
    serve(wiki, "fa_user.json")
    with CaptureQueriesContext(connection) as queries:
        check_user(client, "Parisa")
        check_text(client, PERSIAN_PAGE, username="Parisa")
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert writes == []


def test_nothing_typed_reaches_the_log(client: Client, wiki, caplog):
    caplog.set_level(logging.DEBUG)
    serve(wiki, "fa_user.json")
    check_user(client, "Parisa")
    check_text(client, PERSIAN_PAGE, username="Secretname")
    serve(wiki, "fa_unknown_user.json")
    check_user(client, "Parisa")
    ours = [r.getMessage() for r in caplog.records if not r.name.startswith("werkzeug")]
    logged = "\n".join(ours)
    assert "Parisa" not in logged
    assert "Secretname" not in logged
    assert "پرونده" not in logged
