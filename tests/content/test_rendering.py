"""A page as read in one language: unit states, languages and directions, figures, the cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rightsdesk.content.models import Page, PageLanguageStats, Unit
from rightsdesk.content.rendering import crisis_banners, plain_text, render_page, site_menu
from rightsdesk.content.services import page_banner_set, translation_save
from tests.content.pages import make_page

BODY = """
    ## Whom we support

    Anyone harassed for their contributions.

    Write to [the team](mailto:{{team_email}}).
"""

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def unit(page: Page, key: str) -> Unit:
    return page.units.get(key=key)


def states(rendered) -> list[tuple[str, str, str, str]]:
    return [(u.key, u.state, u.language, u.dir) for u in rendered.units]


def test_the_source_language_reads_the_source():
    page = make_page("about", BODY, title="Who we are", summary="A team.")
    rendered = render_page(page, "en")
    assert rendered.title == "Who we are"
    assert rendered.summary is not None
    assert rendered.summary.html == "A team."
    assert states(rendered) == [
        ("1", "source", "en", "ltr"),
        ("2", "source", "en", "ltr"),
        ("3", "source", "en", "ltr"),
    ]
    assert rendered.percent is None
    assert not rendered.translated
    assert rendered.updated_at == page.updated_at
    assert rendered.units[0].html == "<h2>Whom we support</h2>\n"


def test_translated_outdated_and_fallback_units():
    page = make_page("about", BODY, title="Who we are")
    translation_save(unit=unit(page, "title"), language="fa", text="ما که هستیم", actor=None)
    translation_save(unit=unit(page, "1"), language="fa", text="## از چه کسی", actor=None)
    translation_save(unit=unit(page, "2"), language="fa", text="هر کسی.", actor=None)
    page = make_page(
        "about", BODY.replace("Anyone harassed", "Anyone threatened"), title="Who we are"
    )
    rendered = render_page(page, "fa")
    assert rendered.title == "ما که هستیم"
    assert (rendered.title_unit.state, rendered.title_unit.language) == ("translated", "fa")
    assert rendered.source_title == "Who we are"
    assert states(rendered) == [
        ("1", "translated", "fa", "rtl"),
        ("2", "outdated", "fa", "rtl"),
        ("3", "fallback", "en", "ltr"),
    ]
    assert rendered.units[1].html == "<p>هر کسی.</p>\n"
    assert "Write to" in rendered.units[2].html
    # Completeness: the title and unit 1 of four units.
    assert rendered.percent == 50
    assert rendered.translated
    # Neighbouring units in the same state are grouped, so each stretch is marked once.
    assert [(run.state, len(run.units)) for run in rendered.runs] == [
        ("translated", 1),
        ("outdated", 1),
        ("fallback", 1),
    ]


def test_an_untranslated_page_falls_back_to_the_source_in_its_direction():
    page = make_page("about", BODY, title="Who we are")
    rendered = render_page(page, "ar")
    assert rendered.title == "Who we are"
    assert (rendered.title_unit.state, rendered.title_unit.dir) == ("fallback", "ltr")
    assert {u.state for u in rendered.units} == {"fallback"}
    assert [(run.state, run.language, run.dir, len(run.units)) for run in rendered.runs] == [
        ("fallback", "en", "ltr", 3)
    ]
    assert rendered.percent == 0


def test_a_page_written_in_a_right_to_left_language_falls_back_right_to_left():
    page = make_page("khabar", "سلام.", title="خبر", language="fa")
    rendered = render_page(page, "en")
    assert (rendered.units[0].state, rendered.units[0].language, rendered.units[0].dir) == (
        "fallback",
        "fa",
        "rtl",
    )
    assert rendered.source_dir == "rtl"


def test_the_figure_and_date_come_from_the_stored_statistics():
    page = make_page("about", BODY, title="Who we are")
    PageLanguageStats.objects.filter(page=page, language="es").update(percent=77)
    rendered = render_page(page, "es")
    assert rendered.percent == 77
    stored = PageLanguageStats.objects.get(page=page, language="es")
    assert rendered.updated_at == stored.updated_at


def test_a_rendering_is_cached_and_an_edit_invalidates_it():
    page = make_page("about", BODY, title="Who we are")
    first = render_page(page, "fr")
    with CaptureQueriesContext(connection) as queries:
        again = render_page(page, "fr")
    # Only the content generation is read.
    assert len(queries) == 1
    assert again == first
    translation_save(unit=unit(page, "1"), language="fr", text="## Qui nous aidons", actor=None)
    page.refresh_from_db()
    edited = render_page(page, "fr")
    assert edited.units[0].state == "translated"
    assert edited.percent == 25


def test_a_page_read_before_an_edit_elsewhere_still_renders_the_edit():
    """Another process may hold a Page read before the edit (its old revision): the content
    generation in the key still tells it that its cached rendering is stale."""
    page = make_page("about", BODY, title="Who we are")
    stale = type(page).objects.get(pk=page.pk)
    assert render_page(stale, "ru").units[0].state == "fallback"
    translation_save(unit=unit(page, "1"), language="ru", text="## Кому мы помогаем", actor=None)
    assert stale.revision != type(page).objects.get(pk=page.pk).revision
    assert render_page(stale, "ru").units[0].state == "translated"


def test_menu_lists_pages_in_order_with_titles_in_the_readers_language():
    second = make_page("second", "Two.", title="Second", menu=2)
    make_page("first", "One.", title="First", menu=1)
    make_page("hidden", "Three.", title="Hidden", menu=3, published=False)
    make_page("unlisted", "Four.", title="Unlisted")
    translation_save(unit=unit(second, "title"), language="ar", text="الثاني", actor=None)
    menu = site_menu("ar")
    assert [(item.slug, item.title, item.language, item.dir) for item in menu] == [
        ("first", "First", "en", "ltr"),
        ("second", "الثاني", "ar", "rtl"),
    ]


def test_crisis_banners_are_the_published_crisis_pages_with_the_banner_on():
    shown = make_page("flood", "Help.", title="Flood", kind="crisis", banner=True, region="North")
    make_page("quiet", "Help.", title="Quiet", kind="crisis")
    make_page("plain", "Help.", title="Plain", banner=True)
    make_page("draft", "Help.", title="Draft", kind="crisis", banner=True, published=False)
    banners = crisis_banners("en")
    assert [banner.slug for banner in banners] == ["flood"]
    assert banners[0].region is not None
    assert banners[0].region.html == "North"
    page_banner_set(page=shown, on=False, actor=None)
    assert crisis_banners("en") == ()


def test_plain_text_is_offered_for_search():
    assert plain_text("## A *b*\n\nc [d](page:x)") == "A b c d"
