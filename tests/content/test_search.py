from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from rightsdesk.content.models import Page, SearchDocument, Unit
from rightsdesk.content.search import (
    MAX_QUERY_LENGTH,
    SQLITE_FTS_TABLE,
    SnippetPart,
    _token_spans,
    index_page,
    make_snippet,
    normalise,
    query_phrases,
    reindex_all,
    search_pages,
)
from rightsdesk.content.services import translation_save
from tests.content.pages import make_page

# --- Normalisation (no database) ---------------------------------------------------------------


def test_french_accents_and_case_fold_away():
    assert normalise("Élève, ÉTÉ à l'école") == "eleve ete a l ecole"
    assert normalise("ﬁnancement Straße") == "financement strasse"


def test_persian_yeh_and_kaf_are_one_letter_whichever_keyboard_typed_them():
    persian = "یک کتاب"  # Persian yeh and keheh
    arabic_keyboard = "\u064a\u0643 \u0643\u062a\u0627\u0628"  # Arabic yeh and kaf
    assert normalise(arabic_keyboard) == normalise(persian) == "یک کتاب"
    assert normalise("\u0645\u0648\u0633\u0649") == normalise("موسی")  # alef maksura


def test_arabic_harakat_tatweel_and_hamza_forms_are_ignored():
    assert normalise("حُقُوقُ الإِنْسَانِ") == normalise("حقوق الانسان")
    assert normalise("حـــقوق") == "حقوق"
    assert normalise("أمن") == normalise("امن") == normalise("إمن")
    assert normalise("مدرسة") == normalise("مدرسه")


def test_persian_half_space_and_digits():
    assert normalise("می\u200cخواهم") == "میخواهم"
    assert normalise("۱۴۰۳ ٢٠٢٤ １２") == "1403 2024 12"
    assert normalise("خانۀ ما") == normalise("خانه ما")


def test_cjk_runs_are_cut_into_characters():
    assert normalise("保护人权捍卫者。") == "保 护 人 权 捍 卫 者"
    assert normalise("人权defenders") == "人 权 defenders"
    assert normalise("ひらがなとカタカナ") == "ひ ら が な と カ タ カ ナ"
    assert normalise("인권") == "인 권"


def test_kana_keeps_its_voicing_marks():
    assert normalise("が") == "が"
    assert normalise("が") != normalise("か")


def test_punctuation_and_query_syntax_become_spaces():
    assert normalise('"AND" OR (NEAR*) -x ^y {z}: a.b') == "and or near x y z a b"


def test_each_typed_word_is_a_phrase_of_its_normalised_words():
    assert query_phrases("人权 defenders") == [["人", "权"], ["defenders"]]
    assert query_phrases("l'homme") == [["l", "homme"]]
    assert query_phrases(' "" * ( ) - ') == []


@pytest.mark.parametrize(
    "text",
    [
        "Élève, ÉTÉ à l'école",
        "حُقُوقُ الإِنْسَانِ و حـــقوق",
        "می\u200cخواهم ۱۴۰۳ یک كتاب",
        "保护人权捍卫者。人权defenders",
        "ﬁnancement ① Straße",
        "e\u0301te\u0301 café",
    ],
)
def test_snippet_offsets_find_the_same_words_as_the_index(text: str):
    assert [word for word, _start, _end in _token_spans(text)] == normalise(text).split()


# --- Snippets ----------------------------------------------------------------------------------


def test_snippet_marks_the_match_in_the_original_spelling():
    body = "Nous aidons les élèves. Les ÉLÈVES ont des droits."
    parts = make_snippet(body, query_phrases("eleves"))
    assert [part.text for part in parts if part.match] == ["élèves", "ÉLÈVES"]
    assert "".join(part.text for part in parts) == body


def test_snippet_marks_a_chinese_word_inside_a_run():
    parts = make_snippet("我们保护人权捍卫者。", query_phrases("人权"))
    assert parts == (
        SnippetPart("我们保护"),
        SnippetPart("人权", match=True),
        SnippetPart("捍卫者。"),
    )


def test_snippet_is_cut_around_a_late_match():
    body = " ".join(["filler"] * 200) + " target " + " ".join(["tail"] * 200)
    parts = make_snippet(body, [["target"]])
    assert parts[0].text == "…"
    assert parts[-1].text == "…"
    assert [part.text for part in parts if part.match] == ["target"]
    assert sum(len(part.text) for part in parts) < 260


def test_snippet_without_a_match_in_the_body_shows_its_start():
    parts = make_snippet("A short body.", [["title", "only"]])
    assert parts == (SnippetPart("A short body."),)


# --- The corpus, on whichever database the tests run on ----------------------------------------

ABOUT = """
We support volunteers of the open knowledge community who are threatened.

Human rights defenders deserve protection.
"""
SAFETY = """
Digital safety for volunteers: strong passwords and two-factor sign-in.

Volunteers should keep their devices updated. Volunteers can ask us.
"""


def translate(page: Page, key: str, language: str, text: str) -> None:
    translation_save(unit=page.units.get(key=key), language=language, text=text, actor=None)


@pytest.fixture
def corpus(db: None) -> dict[str, Page]:
    about = make_page("about", ABOUT, title="Who we are")
    safety = make_page("safety", SAFETY, title="Digital safety")
    translate(about, "title", "fa", "ما که هستیم")
    # Typed on an Arabic keyboard: Arabic yeh and kaf.
    translate(
        about, "1", "fa", "ما از داوطلبان جامعه دانش آزاد كه تهديد مي\u200cشوند حمايت مي\u200cكنيم."
    )
    translate(about, "2", "fa", "مدافعان حقوق بشر سزاوار حمایت هستند.")
    translate(about, "title", "zh-hans", "我们是谁")
    translate(about, "1", "zh-hans", "我们支持受到威胁的开放知识社区志愿者。")
    translate(about, "2", "zh-hans", "保护人权捍卫者是我们的工作。")
    translate(safety, "title", "zh-hans", "数字安全")
    translate(about, "1", "ar", "نَحْنُ نَدْعَمُ المُتَطَوِّعِينَ.")
    return {"about": about, "safety": safety}


def slugs(query: str, language: str) -> list[str]:
    return [hit.slug for hit in search_pages(query, language)]


# The same corpus gives the same answers on SQLite and on PostgreSQL: the suite runs on both.
EXPECTED = [
    ("volunteers", "en", ["safety", "about"]),
    ("VOLUNTEERS threatened", "en", ["about"]),
    ("volunteers nowhere", "en", []),
    ("human rights", "en", ["about"]),
    ("rights human", "en", ["about"]),
    ("two-factor", "en", ["safety"]),
    ("factor-two", "en", []),
    # Persian typed with Persian letters finds text typed with Arabic ones, and the other way.
    ("داوطلبان", "fa", ["about"]),
    ("كه تهديد", "fa", ["about"]),
    ("میشوند", "fa", ["about"]),
    ("حقوق بشر", "fa", ["about"]),
    # Untranslated units are searched in the source text, in every language.
    ("passwords", "fa", ["safety"]),
    ("volunteers", "zh-hans", ["safety"]),
    # A two-character word inside a longer run, and only in that order.
    ("人权", "zh-hans", ["about"]),
    ("志愿者", "zh-hans", ["about"]),
    ("权人", "zh-hans", []),
    ("数字安全", "zh-hans", ["safety"]),
    ("人权", "en", []),
    # Arabic with and without harakat.
    ("المتطوعين", "ar", ["about"]),
    ("المُتَطَوِّعِينَ", "ar", ["about"]),
    ("Sécurité", "fr", []),
    ("digital SAFETY", "fr", ["safety"]),
]


@pytest.mark.parametrize(("query", "language", "expected"), EXPECTED)
def test_search_finds_the_same_pages_on_every_database(
    corpus: dict[str, Page], query: str, language: str, expected: list[str]
):
    assert slugs(query, language) == expected


def test_hits_carry_title_snippet_and_rank(corpus: dict[str, Page]):
    [hit] = search_pages("人权", "zh-hans")
    assert hit.title == "我们是谁"
    assert [part.text for part in hit.snippet if part.match] == ["人权"]
    assert hit.rank > 0
    [hit] = search_pages("ميشوند", "fa")
    assert hit.title == "ما که هستیم"
    assert [part.text for part in hit.snippet if part.match] == ["مي\u200cشوند"]


def test_the_page_that_says_it_more_often_ranks_first(corpus: dict[str, Page]):
    hits = search_pages("volunteers", "en")
    assert [hit.slug for hit in hits] == ["safety", "about"]
    assert hits[0].rank > hits[1].rank


def test_limit(corpus: dict[str, Page]):
    assert len(search_pages("volunteers", "en", limit=1)) == 1
    assert search_pages("volunteers", "en", limit=0) == []


def test_a_source_edit_is_searchable_at_once(corpus: dict[str, Page]):
    make_page("about", "Our team answers every message.", title="Who we are")
    assert slugs("threatened", "en") == []
    assert slugs("answers message", "en") == ["about"]
    # Persian readers still see the (now outdated) translation of the changed unit; the removed
    # unit's translation went with it.
    assert slugs("داوطلبان", "fa") == ["about"]
    assert slugs("حقوق", "fa") == []
    assert slugs("answers", "fa") == []
    assert slugs("answers", "es") == ["about"]


def test_a_translation_is_searchable_at_once_and_stays_while_outdated(corpus: dict[str, Page]):
    safety = corpus["safety"]
    translate(safety, "1", "fa", "امنیت دیجیتال برای داوطلبان: گذرواژه‌های قوی.")
    assert sorted(slugs("داوطلبان", "fa")) == ["about", "safety"]
    assert slugs("passwords", "fa") == []
    edited = SAFETY.replace("strong passwords", "long passphrases")
    make_page("safety", edited, title="Digital safety")
    # The changed unit's Persian translation is outdated now, but still what Persian readers see.
    unit = Unit.objects.get(page=safety, key="1")
    assert unit.translations.get(language="fa").outdated
    assert sorted(slugs("داوطلبان", "fa")) == ["about", "safety"]
    assert slugs("passphrases", "en") == ["safety"]
    translate(safety, "1", "fa", "")
    assert slugs("passphrases", "fa") == ["safety"]


def test_unpublished_pages_vanish_from_search(corpus: dict[str, Page]):
    make_page("safety", SAFETY, title="Digital safety", published=False)
    assert slugs("volunteers", "en") == ["about"]
    assert not SearchDocument.objects.filter(page__slug="safety").exists()
    make_page("safety", SAFETY, title="Digital safety", published=True)
    assert sorted(slugs("volunteers", "en")) == ["about", "safety"]


def test_a_deleted_page_leaves_the_index(corpus: dict[str, Page]):
    corpus["safety"].delete()
    assert slugs("volunteers", "en") == ["about"]
    assert_index_in_step()


def test_every_language_has_a_document_and_reindexing_changes_nothing(corpus: dict[str, Page]):
    before = sorted(SearchDocument.objects.values_list("page__slug", "language", "terms"))
    assert len(before) == 2 * 7
    SearchDocument.objects.all().delete()
    assert reindex_all() == 2
    assert sorted(SearchDocument.objects.values_list("page__slug", "language", "terms")) == before
    index_page(corpus["about"])
    assert_index_in_step()


def test_placeholders_are_searched_by_their_values(db: None, settings):
    settings.TEAM_EMAIL = "help@example.org"
    make_page("contact", "Write to {{team_email}}.", title="Contact {{site_name}}")
    [hit] = search_pages("help@example.org", "en")
    assert hit.title == f"Contact {settings.SITE_NAME}"
    assert slugs("team_email", "en") == []


HOSTILE = [
    '"',
    '""',
    '"unclosed',
    "'",
    "AND",
    "OR",
    "NOT",
    "NEAR",
    "volunteers AND",
    "OR volunteers",
    "NEAR(volunteers about, 2)",
    "volunteers NOT about",
    "*",
    "volun*",
    "-volunteers",
    "- -",
    "(",
    ")",
    "((volunteers)",
    "terms:volunteers",
    "{terms}: x",
    "^volunteers",
    "a & b | !c <-> d",
    "'; DROP TABLE content_page; --",
    "\x00",
    "\u200f\u200c",
    "x" * MAX_QUERY_LENGTH,
    "人" * MAX_QUERY_LENGTH,
    "a " * (MAX_QUERY_LENGTH // 2),
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_raise(corpus: dict[str, Page], query: str):
    assert isinstance(search_pages(query, "en"), list)


def test_query_syntax_words_are_searched_as_words(corpus: dict[str, Page]):
    assert slugs('"volunteers" AND (threatened)', "en") == []  # "and" is not on the page
    assert slugs('"volunteers" (threatened)*', "en") == ["about"]


def test_empty_and_too_long_queries_find_nothing(corpus: dict[str, Page]):
    assert search_pages("", "en") == []
    assert search_pages("   ", "en") == []
    assert search_pages("volunteers " + "x" * 5000, "en") == []
    assert search_pages("v" * (MAX_QUERY_LENGTH + 1), "en") == []


def assert_index_in_step() -> None:
    """The database's own index agrees with the documents."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # Raises when the FTS5 index and its content table disagree.
            cursor.execute(
                f"INSERT INTO {SQLITE_FTS_TABLE}({SQLITE_FTS_TABLE}) VALUES ('integrity-check')"  # noqa: S608
            )
        else:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'content_search_terms_fts'"
            )
            [(definition,)] = cursor.fetchall()
            assert "to_tsvector('simple'::regconfig, terms)" in definition


@pytest.mark.django_db(transaction=True)
def test_the_index_migration_is_reversible():
    make_page("about", ABOUT, title="Who we are")
    try:
        call_command("migrate", "content", "0001", verbosity=0)
        with connection.cursor() as cursor:
            tables = connection.introspection.table_names(cursor)
        assert SQLITE_FTS_TABLE not in tables
    finally:
        call_command("migrate", "content", verbosity=0)
    # Going forward again indexes the documents that are already there.
    assert slugs("volunteers", "en") == ["about"]
    assert_index_in_step()


# --- The page ----------------------------------------------------------------------------------


def search_url(language: str = "en") -> str:
    with translation.override(language):
        return reverse("content:search")


def test_the_empty_search_page_is_a_form_and_may_be_cached(client: Client, db: None):
    response = client.get(search_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="q"' in body
    assert 'type="search"' in body
    assert '<label for="id_q">' in body
    assert "no-store" not in response.get("Cache-Control", "")
    assert 'class="site-search"' not in body  # no second search form in the header


def test_results_link_to_the_pages_in_the_readers_language(client: Client, corpus):
    response = client.get(search_url("zh-hans"), {"q": "人权"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    assert f'href="{reverse_page("about", "zh-hans")}"' in body
    assert "<mark>人权</mark>" in body
    assert 'content="noindex, follow"' in body


def reverse_page(slug: str, language: str) -> str:
    with translation.override(language):
        return reverse("content:page", kwargs={"slug": slug})


def test_no_results_says_so(client: Client, corpus):
    response = client.get(search_url(), {"q": "nothing-like-this"})
    assert response.status_code == 200
    assert "No page contains all of these words." in response.content.decode()


def test_a_too_long_query_is_refused_clearly_and_kept(client: Client, corpus):
    query = "volunteers " * 50
    response = client.get(search_url(), {"q": query})
    body = response.content.decode()
    assert response.status_code == 200
    assert f"Use at most {MAX_QUERY_LENGTH} characters" in body
    assert query.strip() in body  # what was typed is still in the box
    assert "<mark>" not in body


def test_an_empty_query_asks_for_words(client: Client, corpus):
    response = client.get(search_url(), {"q": "  "})
    assert "Type one or more words to search for." in response.content.decode()


@pytest.mark.parametrize("query", ['"', "NEAR(", "*", "<script>alert(1)</script>", "x" * 5000])
def test_hostile_queries_on_the_page(client: Client, corpus, query: str):
    response = client.get(search_url(), {"q": query})
    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()


def test_page_text_is_escaped_in_results(client: Client, db: None):
    make_page("code", "Type `<b>bold</b>` to see volunteers.", title="<i>Tags</i>")
    body = client.get(search_url(), {"q": "bold"}).content.decode()
    assert "&lt;i&gt;Tags&lt;/i&gt;" in body
    assert "<mark>bold</mark>" in body
    assert "&lt;b&gt;" in body


def test_search_page_in_a_right_to_left_language(client: Client, corpus):
    response = client.get(search_url("fa"), {"q": "حقوق"})
    body = response.content.decode()
    assert 'dir="rtl"' in body
    assert f'href="{reverse_page("about", "fa")}"' in body


def test_the_header_has_a_search_form(client: Client, db: None):
    with translation.override("en"):
        home = reverse("core:home")
    body = client.get(home).content.decode()
    assert f'action="{search_url()}"' in body
    assert 'type="search"' in body
    assert 'name="q"' in body


def test_search_is_not_a_page_slug(db: None):
    with translation.override("en"):
        assert reverse("content:search") == "/en/search/"
