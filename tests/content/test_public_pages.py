"""Public content pages as readers get them, in every language, and the home page."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.test import Client
from django.utils import translation
from django.utils.formats import date_format

from rightsdesk.content import rendering
from rightsdesk.content.models import Page, PageLanguageStats, Unit
from rightsdesk.content.services import page_banner_set, translation_save
from tests.content.pages import make_page

pytestmark = pytest.mark.django_db

OVERVIEW = """
    ## Whom we support

    Anyone who is harassed for good-faith contributions.

    ## What we do

    We listen, assess the risk with you and act.
"""


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    caches["pages"].clear()
    yield
    cache.clear()
    caches["pages"].clear()


@pytest.fixture
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60


def translate(page: Page, key: str, language: str, text: str) -> None:
    translation_save(unit=page.units.get(key=key), language=language, text=text, actor=None)


def overview_partly_in_chinese() -> Page:
    """Six units; the title and the first heading translated: 33%."""
    page = make_page("overview", OVERVIEW, title="Who we are", summary="A human-rights team.")
    page = Page.objects.get(slug="overview")
    translate(page, "title", "zh-hans", "我们是谁")
    translate(page, "1", "zh-hans", "## 我们支持谁")
    return page


def body(html: str) -> str:
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def test_a_partly_translated_page_marks_its_english_fallback(client: Client):
    overview_partly_in_chinese()
    response = client.get("/zh-hans/overview/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans" dir="ltr">' in html
    main = body(html)
    assert "<h1>我们是谁</h1>" in main
    assert "<h2>我们支持谁</h2>" in main
    # The untranslated units keep English's language and direction, under a visible mark.
    fallback = re.search(
        r'<div class="unit-run unit-run--fallback">\s*<p class="unit-mark">[^<]+</p>'
        r'\s*<div lang="en" dir="ltr">(.*?)</div>',
        main,
        re.S,
    )
    assert fallback is not None
    assert "Anyone who is harassed" in fallback.group(1)
    assert "<h2>What we do</h2>" in fallback.group(1)
    # The summary has no translation either.
    assert '<p class="lead" lang="en" dir="ltr">A human-rights team.</p>' in main
    # Above the content: what this page is, and how complete.
    notice = re.search(r'<p class="translation-notice">(.*?)</p>', main, re.S)
    assert notice is not None
    assert 'href="/en/overview/"' in notice.group(1)
    assert '<a href="/en/overview/" hreflang="en">' in notice.group(1)
    assert '<span lang="en" dir="ltr">Who we are</span>' in notice.group(1)
    assert "33%" in notice.group(1)
    assert main.index("translation-notice") < main.index("unit-run--fallback")


def test_editing_a_source_unit_lowers_the_figure_and_marks_the_translation_outdated(
    client: Client,
):
    page = overview_partly_in_chinese()
    translate(page, "2", "zh-hans", "任何因善意贡献而受到骚扰的人。")
    assert "50%" in client.get("/zh-hans/overview/").content.decode()
    make_page(
        "overview",
        OVERVIEW.replace("Anyone who is harassed", "Anyone who is harassed or threatened"),
        title="Who we are",
        summary="A human-rights team.",
    )
    html = body(client.get("/zh-hans/overview/").content.decode())
    assert "33%" in html
    outdated = re.search(
        r'<div class="unit-run unit-run--outdated">\s*<p class="unit-mark unit-mark--outdated">'
        r"<strong>[^<]+</strong>(.*?)</p>(.*?)</div>",
        html,
        re.S,
    )
    assert outdated is not None
    assert "任何因善意贡献而受到骚扰的人。" in outdated.group(2)
    assert PageLanguageStats.objects.get(page=page, language="zh-hans").percent == 33


def test_the_language_list_shows_each_languages_figure(client: Client):
    page = make_page("overview", OVERVIEW, title="Who we are")
    for key, text in (("title", "ما که هستیم"), ("1", "## از چه کسی"), ("2", "هر کسی.")):
        translate(page, key, "fa", text)
    html = client.get("/en/overview/").content.decode()
    links = html.split('<nav class="languages"', 1)[1].split("</nav>", 1)[0]
    assert 'aria-current="true">English</a>' in links
    assert 'dir="rtl">فارسی <span class="language-figure">(60%)</span></a>' in links
    assert 'dir="ltr">简体中文 <span class="language-figure">(0%)</span></a>' in links
    assert "/language/fa/?next=%2Ffa%2Foverview%2F" in links


def test_a_page_is_cached_and_an_edit_shows_at_once(client: Client, page_cache: None):
    page = make_page("overview", OVERVIEW, title="Who we are")
    first = client.get("/es/overview/").content.decode()
    assert "0%" in first
    assert client.get("/es/overview/").content.decode() == first
    translate(page, "title", "es", "Quiénes somos")
    second = client.get("/es/overview/").content.decode()
    assert "<h1>Quiénes somos</h1>" in second
    assert "20%" in second


def test_visitors_with_only_the_language_cookie_share_the_cached_page(
    client: Client, page_cache: None, monkeypatch: pytest.MonkeyPatch
):
    make_page("overview", OVERVIEW, title="Who we are")
    calls: list[str] = []
    real = rendering.render_page

    def counting(page, language):
        calls.append(language)
        return real(page, language)

    monkeypatch.setattr("rightsdesk.content.views.render_page", counting)
    client.get("/ru/overview/")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    client.get("/ru/overview/")
    assert calls == ["ru"]
    client.cookies["rightsdesk_session"] = "anything"
    client.get("/ru/overview/")
    assert calls == ["ru", "ru"]


def test_unknown_and_unpublished_pages_are_not_found(client: Client):
    make_page("draft", "Not yet.", title="Draft", published=False)
    assert client.get("/en/no-such-page/").status_code == 404
    assert client.get("/fa/draft/").status_code == 404
    assert client.get("/en/draft/").status_code == 404


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("fa", "rtl"), ("ru", "ltr")])
def test_right_to_left_languages(client: Client, language: str, direction: str):
    make_page("overview", OVERVIEW, title="Who we are")
    html = client.get(f"/{language}/overview/").content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html
    # The English fallback runs left to right inside the page.
    assert '<div lang="en" dir="ltr">' in html
    assert '<h1 lang="en" dir="ltr">Who we are</h1>' in html


def test_the_source_page_has_no_translation_notice_and_no_marks(client: Client):
    make_page("overview", OVERVIEW, title="Who we are")
    html = client.get("/en/overview/").content.decode()
    assert "translation-notice" not in html
    assert "unit-mark" not in html
    assert "<h1>Who we are</h1>" in html


def test_every_page_says_when_it_was_last_updated(client: Client):
    page = make_page("overview", OVERVIEW, title="Who we are")
    stats = PageLanguageStats.objects.get(page=page, language="fr")
    html = client.get("/fr/overview/").content.decode()
    with translation.override("fr"):
        shown = date_format(stats.updated_at, "DATE_FORMAT")
    assert f'<time datetime="{stats.updated_at:%Y-%m-%d}">{shown}</time>' in html
    assert "Last updated:" in client.get("/en/overview/").content.decode()


def test_a_crisis_page_shows_its_region(client: Client):
    page = make_page(
        "flood", "Stay safe.", title="Floods", kind="crisis", region="Northern valleys"
    )
    translate(page, "region", "ar", "الوديان الشمالية")
    html = client.get("/ar/flood/").content.decode()
    assert "content-page--crisis" in html
    assert '<span lang="ar" dir="rtl">الوديان الشمالية</span>' in html
    assert "Region:" in client.get("/en/flood/").content.decode()


def test_the_home_page_shows_the_overview_the_call_to_action_and_the_emergency_notice(
    client: Client,
):
    overview_partly_in_chinese()
    html = body(client.get("/zh-hans/").content.decode())
    assert "<h1>我们是谁</h1>" in html
    assert "33%" in html
    assert '<div lang="en" dir="ltr">' in html
    assert 'href="/zh-hans/report/"' in html
    assert 'id="danger-heading"' in html
    full = client.get("/zh-hans/").content.decode()
    assert 'aria-current="true">简体中文 <span class="language-figure">(33%)</span>' in full


def test_the_home_page_keeps_its_own_text_before_content_is_loaded(client: Client):
    html = client.get("/en/").content.decode()
    assert "<h1>Support for volunteers at risk</h1>" in html
    assert 'href="/en/report/"' in html
    assert "translation-notice" not in html


def test_crisis_banners_on_the_home_page(client: Client):
    flood = make_page(
        "flood",
        "Stay safe.",
        title="Floods",
        summary="Where to get help.",
        kind="crisis",
        banner=True,
    )
    translate(flood, "title", "fa", "سیل")
    make_page("quiet", "Calm.", title="Quiet", kind="crisis")
    html = client.get("/fa/").content.decode()
    banners = html.split('<section class="crisis-banners"', 1)[1].split("</section>", 1)[0]
    assert 'href="/fa/flood/"><span lang="fa" dir="rtl">سیل</span></a>' in banners
    assert 'lang="en" dir="ltr">Where to get help.</p>' in banners
    assert "Quiet" not in banners
    page_banner_set(page=flood, on=False, actor=None)
    assert "crisis-banners" not in client.get("/fa/").content.decode()


def test_the_site_menu(client: Client):
    about = make_page("about", "About.", title="About us", menu=2)
    make_page("overview", OVERVIEW, title="Who we are", menu=1)
    translate(about, "title", "fr", "À propos")
    html = client.get("/fr/about/").content.decode()
    menu = html.split('<nav class="site-menu"', 1)[1].split("</nav>", 1)[0]
    assert menu.index("/fr/overview/") < menu.index("/fr/about/")
    assert '<a href="/fr/about/" aria-current="page">À propos</a>' in menu
    assert '<a href="/fr/overview/" lang="en" dir="ltr">Who we are</a>' in menu


def test_alternate_languages_are_announced_with_direct_addresses(client: Client):
    make_page("overview", OVERVIEW, title="Who we are")
    html = client.get("/en/overview/").content.decode()
    head = html.split("</head>", 1)[0]
    for code, _name in settings.LANGUAGES:
        address = f"{settings.PUBLIC_URL}/{code}/overview/"
        assert f'<link rel="alternate" hreflang="{code}" href="{address}">' in head


def test_unsafe_markup_in_a_page_is_not_served(client: Client):
    make_page(
        "risky",
        "<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>",
        title="<b>Risky</b>",
    )
    html = client.get("/en/risky/").content.decode()
    assert "<script" not in html
    assert "onerror" not in html
    assert 'href="javascript' not in html
    assert "<h1>&lt;b&gt;Risky&lt;/b&gt;</h1>" in html


def test_placeholders_in_a_translation_are_filled_in(client: Client, settings):
    settings.TEAM_EMAIL = "team@example.org"
    page = make_page("contact", "Write to [us](mailto:{{team_email}}).", title="Contact")
    translate(page, "1", "es", "Escríbenos a [nosotros](mailto:{{team_email}}).")
    html = client.get("/es/contact/").content.decode()
    assert '<a href="mailto:team@example.org" rel="noopener noreferrer">nosotros</a>' in html
    assert Unit.objects.filter(page=page).count() == 2
