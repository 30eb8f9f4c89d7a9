"""Which language a reader gets: the address, the browser's preference, an explicit choice."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests.content.pages import make_page

pytestmark = pytest.mark.django_db

YEAR = 365 * 24 * 60 * 60


def test_the_first_visit_follows_the_browsers_language(client: Client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 302
    assert response["Location"] == "/fa/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")["Location"] == "/zh-hans/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de, ar;q=0.5")["Location"] == "/ar/"


def test_choosing_a_language_remembers_it_and_nothing_else(client: Client):
    response = client.get("/language/fa/", {"next": "/en/cover-your-tracks/"})
    assert response.status_code == 303
    assert response["Location"] == "/fa/cover-your-tracks/"
    assert list(response.cookies) == [settings.LANGUAGE_COOKIE_NAME]
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.key == "language"
    assert cookie.value == "fa"
    assert cookie["max-age"] == YEAR
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"] is True
    assert cookie["path"] == "/"
    assert "no-store" in response["Cache-Control"]


def test_a_remembered_choice_wins_over_the_browsers_language(client: Client):
    client.get("/language/ar/", {"next": "/en/"})
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fa")
    assert response["Location"] == "/ar/"
    # An address with a language in it is always served in that language.
    assert client.get("/ru/")["Content-Language"] == "ru"


def test_the_choice_leads_to_the_same_content_page_in_that_language(client: Client):
    make_page("overview", "Hello.", title="Who we are")
    response = client.get("/language/zh-hans/", {"next": "/fa/overview/?x=1"})
    assert response["Location"] == "/zh-hans/overview/?x=1"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http://testserver.evil.example/en/",
        "",
        "en/cover-your-tracks/",
        "/no/such/page/",
        "/healthz",
    ],
)
def test_anything_but_a_page_of_this_site_leads_to_the_languages_home(client: Client, target: str):
    response = client.get("/language/es/", {"next": target})
    assert response.status_code == 303
    assert response["Location"] == "/es/"


def test_without_next_the_choice_leads_home(client: Client):
    assert client.get("/language/ru/")["Location"] == "/ru/"


def test_an_unknown_language_is_not_found(client: Client):
    response = client.get("/language/xx/", {"next": "/en/"})
    assert response.status_code == 404
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_only_get_chooses(client: Client):
    assert client.post("/language/fa/", {"next": "/en/"}).status_code == 405


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("/en/report/", "/fa/report/"),
        ("/en/staff/sign-in/", "/fa/staff/sign-in/"),
        ("/en/cover-your-tracks/", "/fa/cover-your-tracks/"),
    ],
)
def test_language_links_keep_working_on_other_pages(client: Client, page: str, expected: str):
    html = client.get(page).content.decode()
    link = f"/language/fa/?next={expected.replace('/', '%2F')}"
    assert f'href="{link}"' in html
    assert client.get(link)["Location"] == expected
