"""Topics and lessons as readers see them: segments, checklist, glossary links, languages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rightsdesk.content.models import Page, Unit
from rightsdesk.content.services import translation_save
from tests.safety.lessons.builders import make_glossary, make_lesson, make_topic

pytestmark = pytest.mark.django_db

LESSON = "/en/safety/learn/passwords/beginner/"


def unit(page: Page, key: str) -> Unit:
    return page.units.get(key=key)


def html(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.fixture
def lesson() -> Page:
    make_glossary()
    make_topic()
    make_lesson(level="advanced", title="Passwords for people at risk")
    return make_lesson()


def test_a_lesson_shows_its_segments_contents_and_checklist(client: Client, lesson: Page) -> None:
    page = html(client, LESSON)
    assert '<section class="lesson-segment" id="segment-1">' in page
    assert '<a href="#segment-2">One password for each account' in page
    assert 'id="checklist"' in page
    assert page.count('type="checkbox" name="item"') == 3
    assert '<label for="item-2">Turn on two-factor authentication.</label>' in page
    assert "Beginner" in page
    # The other level of the topic is offered.
    assert 'href="/en/safety/learn/passwords/advanced/"' in page
    assert "Passwords for people at risk" in page


def test_the_first_occurrence_of_a_term_links_to_the_glossary_and_only_that(
    client: Client, lesson: Page
) -> None:
    page = html(client, LESSON)
    link = 'href="/en/glossary/#password-manager" class="glossary-term"'
    assert page.count(link) == 1
    # Never inside an existing link: the phrase is the text of a link to a lesson.
    assert "#two-factor-authentication" not in page.split('id="checklist"')[0]
    # Never in a heading.
    assert "<h2>Why passwords matter</h2>" in page


def test_a_synonym_links_to_its_term_and_terms_in_headings_stay_plain(client: Client) -> None:
    make_glossary()
    make_topic()
    make_lesson(
        body="""
        ## Phishing and 2FA

        A phishing message may ask for your 2FA code. Phishing is common.

        ## More

        Text.

        - [ ] One.
        - [ ] Two.
        - [ ] Three.
        """
    )
    page = html(client, LESSON)
    assert "<h2>Phishing and 2FA</h2>" in page
    assert (
        '<a href="/en/glossary/#phishing" class="glossary-term" '
        'rel="noopener noreferrer">phishing</a>' in page
    )
    assert (
        '<a href="/en/glossary/#two-factor-authentication" class="glossary-term" '
        'rel="noopener noreferrer">2FA</a>' in page
    )
    assert page.count("#phishing") == 1


def test_a_word_containing_a_term_is_not_linked(client: Client) -> None:
    make_glossary(
        "**Tor** — Software that hides where you are.\n\n**Dox** — To publish private details."
    )
    make_topic()
    make_lesson(
        body="""
        ## Editors

        An editor who uses Tor. Doxxing and paradox.

        ## More

        Text.

        - [ ] One.
        - [ ] Two.
        - [ ] Three.
        """
    )
    page = html(client, LESSON)
    assert "An editor who uses <a" in page
    assert 'class="glossary-term" rel="noopener noreferrer">Tor</a>' in page
    assert "#dox" not in page


def test_a_translated_lesson_links_translated_terms_and_falls_back_to_english_ones(
    client: Client, lesson: Page
) -> None:
    glossary = Page.objects.get(slug="glossary")
    translation_save(
        unit=unit(glossary, "2"),
        language="fa",
        text=(
            "**مدیر گذرواژه** (همچنین: گاوصندوق گذرواژه) — "
            "برنامه‌ای که گذرواژه‌ها را به خاطر می‌سپارد."
        ),
        actor=None,
    )
    translation_save(
        unit=unit(lesson, "title"), language="fa", text="گذرواژه‌ها: مقدمات", actor=None
    )
    translation_save(
        unit=unit(lesson, "4"),
        language="fa",
        text="از یک مدیر گذرواژه استفاده کنید. برای هر حساب گذرواژه‌ای جدا به خاطر می‌سپارد.",
        actor=None,
    )
    page = html(client, "/fa/safety/learn/passwords/beginner/")
    assert 'lang="fa" dir="rtl"' in page
    assert (
        'از یک <a href="/fa/glossary/#password-manager" class="glossary-term" '
        'rel="noopener noreferrer">مدیر گذرواژه</a>' in page
    )
    # Untranslated units are shown in English, marked.
    assert 'lang="en" dir="ltr"' in page
    assert '<p class="unit-mark">' in page


def test_english_terms_of_an_untranslated_unit_link_to_the_reader_s_glossary(
    client: Client, lesson: Page
) -> None:
    page = html(client, "/fa/safety/learn/passwords/beginner/")
    assert (
        'Use a <a href="/fa/glossary/#password-manager" class="glossary-term" '
        'rel="noopener noreferrer">password manager</a>' in page
    )
    assert "/en/glossary/" not in page


def test_chinese_terms_are_found_without_spaces(client: Client, lesson: Page) -> None:
    glossary = Page.objects.get(slug="glossary")
    translation_save(
        unit=unit(glossary, "4"),
        language="zh-hans",
        text="**网络钓鱼**（也称：钓鱼）——冒充可信者的消息。",
        actor=None,
    )
    translation_save(
        unit=unit(lesson, "2"), language="zh-hans", text="钓鱼邮件会假装来自维基。", actor=None
    )
    page = html(client, "/zh-hans/safety/learn/passwords/beginner/")
    assert (
        '<a href="/zh-hans/glossary/#phishing" class="glossary-term" '
        'rel="noopener noreferrer">钓鱼</a>邮件会假装来自维基。' in page
    )


def test_topic_and_lessons_index(client: Client, lesson: Page) -> None:
    make_topic("devices", position=2, title="Device security", summary="Keep devices safe.")
    make_lesson("devices", title="Devices: the basics")
    index = html(client, "/en/safety/learn/")
    assert index.index("Passwords and password managers") < index.index("Device security")
    assert 'href="/en/safety/learn/devices/beginner/"' in index
    topic = html(client, "/en/safety/learn/passwords/")
    assert "Your password is the key to your account." in topic
    assert topic.index("Passwords: the basics") < topic.index("Passwords for people at risk")


def test_unknown_topics_and_levels_are_not_found(client: Client, lesson: Page) -> None:
    assert client.get("/en/safety/learn/nowhere/").status_code == 404
    assert client.get("/en/safety/learn/nowhere/beginner/").status_code == 404
    assert client.get("/en/safety/learn/passwords/intermediate/").status_code == 404
    assert client.get("/en/safety/learn/passwords/expert/").status_code == 404


def test_an_unpublished_lesson_is_not_shown(client: Client, lesson: Page) -> None:
    Page.objects.filter(pk=lesson.pk).update(published=False)
    assert client.get(LESSON).status_code == 404


def test_a_lesson_page_address_leads_to_the_lesson(client: Client, lesson: Page) -> None:
    response = client.get("/fa/passwords-beginner/")
    assert response.status_code == 302
    assert response["Location"] == "/fa/safety/learn/passwords/beginner/"


def test_reading_writes_nothing(client: Client, lesson: Page) -> None:
    html(client, LESSON)  # warm the caches
    with CaptureQueriesContext(connection) as queries:
        html(client, "/en/safety/learn/")
        html(client, LESSON)
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert writes == []


def test_search_leads_straight_to_a_lesson(client: Client, lesson: Page) -> None:
    results = html(client, "/en/search/?q=password+manager")
    assert 'href="/en/safety/learn/passwords/beginner/"' in results
    assert 'href="/en/passwords-beginner/"' not in results
