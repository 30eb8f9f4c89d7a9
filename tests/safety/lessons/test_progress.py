"""Ticks kept in the reader's browser: saved, shown, forgotten, never stored on the server."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from rightsdesk.content.models import Page
from rightsdesk.safety.lessons.progress import (
    COOKIE,
    progress_encode,
    progress_read,
    progress_write,
)
from tests.safety.lessons.builders import make_glossary, make_lesson, make_topic

LESSON = "/en/safety/learn/passwords/beginner/"
PROGRESS = "/en/safety/learn/passwords/beginner/progress/"


@pytest.fixture
def lesson(db: None) -> Page:
    make_glossary()
    make_topic()
    return make_lesson()


def test_the_cookie_round_trips_and_ignores_what_does_not_parse() -> None:
    encoded = progress_encode({"passwords-beginner": {0, 2}, "devices-advanced": {1}})
    assert encoded == "devices-advanced:2.passwords-beginner:5"
    request = RequestFactory().get("/")
    request.COOKIES[COOKIE] = encoded + ".<script>:1.Bad-Slug:3.passwords-advanced:x.a:999999"
    assert progress_read(request) == {
        "devices-advanced": frozenset({1}),
        "passwords-beginner": frozenset({0, 2}),
    }


def test_an_empty_progress_removes_the_cookie() -> None:
    response = HttpResponse()
    progress_write(response, {"passwords-beginner": set()})
    assert response.cookies[COOKIE].value == ""
    assert response.cookies[COOKIE]["max-age"] == 0


def test_ticks_are_saved_in_a_cookie_and_shown(client: Client, lesson: Page) -> None:
    response = client.post(PROGRESS, {"item": ["0", "2"]})
    assert response.status_code == 303
    assert response["Location"] == f"{LESSON}?saved=1#checklist"
    cookie = response.cookies[COOKIE]
    assert cookie.value == "passwords-beginner:5"
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    page = client.get(f"{LESSON}?saved=1").content.decode()
    assert "Saved in this browser." in page
    assert 'value="0" id="item-0" checked' in page
    assert 'value="1" id="item-1">' in page
    assert 'value="2" id="item-2" checked' in page
    topic = client.get("/en/safety/learn/passwords/").content.decode()
    assert "2 of 3 ticked" in topic


def test_ticking_every_item_marks_the_lesson_done(client: Client, lesson: Page) -> None:
    client.post(PROGRESS, {"item": ["0", "1", "2"]})
    index = client.get("/en/safety/learn/").content.decode()
    assert '<span class="lesson-done">done</span>' in index
    assert "Forget my progress in this browser" in index


def test_other_lessons_keep_their_ticks(client: Client, lesson: Page) -> None:
    client.cookies[COOKIE] = "devices-beginner:3"
    response = client.post(PROGRESS, {"item": ["1"]})
    assert response.cookies[COOKIE].value == "devices-beginner:3.passwords-beginner:2"


def test_tampered_ticks_are_ignored(client: Client, lesson: Page) -> None:
    response = client.post(PROGRESS, {"item": ["-1", "x", "99", "1"]})
    assert response.cookies[COOKIE].value == "passwords-beginner:2"


def test_progress_can_be_forgotten(client: Client, lesson: Page) -> None:
    client.post(PROGRESS, {"item": ["0"]})
    response = client.post("/en/safety/learn/forget/")
    assert response.status_code == 303
    assert response.cookies[COOKIE]["max-age"] == 0
    page = client.get(response["Location"]).content.decode()
    assert "Your progress was forgotten in this browser." in page


def test_progress_needs_a_post_with_a_csrf_token(lesson: Page) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.get(PROGRESS).status_code == 405
    assert client.post(PROGRESS, {"item": ["0"]}).status_code == 403
    page = client.get(LESSON)
    token = page.cookies["csrftoken"].value
    response = client.post(PROGRESS, {"item": ["0"], "csrfmiddlewaretoken": token})
    assert response.status_code == 303


def test_progress_of_an_unknown_lesson_is_not_found(client: Client, lesson: Page) -> None:
    assert client.post("/en/safety/learn/nowhere/beginner/progress/").status_code == 404


def test_saving_progress_writes_nothing_to_the_database(
    client: Client, lesson: Page, django_assert_max_num_queries: object
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.post(PROGRESS, {"item": ["0"]})
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert writes == []
