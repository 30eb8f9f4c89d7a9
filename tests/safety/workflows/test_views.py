"""Reading a workflow: the list, one page per node, the path in the address, the language."""

from __future__ import annotations

import re

import pytest
from django.core.cache import caches
from django.test import Client

from rightsdesk.content.models import Unit
from rightsdesk.content.services import translation_save
from tests.content.pages import make_page
from tests.safety.workflows.samples import SMALL, make_workflow

pytestmark = pytest.mark.django_db

BASE = "/en/safety/emergency/doxxed/"


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())


def main(response) -> str:
    page = html(response)
    return page[page.index("<main") : page.index("</main>")]


def answer_links(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<a class="workflow-answer" href="([^"]*)">([^<]*)</a>', page)


def hidden_path(page: str) -> str:
    found = re.search(r'<input type="hidden" name="path"(?: value="([^"]*)")? id="id_path">', page)
    assert found is not None
    return found.group(1) or ""


def back_link(page: str) -> str | None:
    found = re.search(r'<a href="([^"]*)" class="workflow-moves__back">', page)
    return found.group(1).replace("&amp;", "&") if found else None


def test_the_list_shows_workflows_in_their_order(client: Client, workflows):
    page = main(client.get("/en/safety/emergency/"))
    assert page.index("My account was taken") < page.index("I am being doxxed")
    assert '<a href="/en/safety/emergency/doxxed/">I am being doxxed</a>' in page
    assert "What to do when your details are published." in page


def test_unpublished_workflows_and_other_pages_are_not_listed(client: Client, workflows):
    make_workflow("hidden", SMALL, title="Not ready", published=False)
    make_page("about", "Text.", title="About us")
    page = main(client.get("/en/safety/emergency/"))
    assert "Not ready" not in page
    assert "About us" not in page
    assert client.get("/en/safety/emergency/hidden/").status_code == 404
    assert client.get("/en/safety/emergency/about/").status_code == 404


def test_the_start_node_shows_its_heading_text_and_answers(client: Client, workflows):
    response = client.get(BASE)
    page = main(response)
    assert "<h1>Where did it appear?</h1>" in page
    assert "{#" not in page
    assert "<p>Take a breath. We go through this together.</p>" in page
    assert answer_links(page) == [
        ("/en/safety/emergency/doxxed/on-wiki/?path=start", "On a wiki page"),
        ("/en/safety/emergency/account-lost/", "My account was taken over as well"),
    ]
    assert back_link(page) is None
    assert "Start again" not in page
    assert "Ask the team" not in page
    # The same for everyone: it may be cached.
    assert "no-store" not in response.get("Cache-Control", "")


def test_a_node_reached_by_a_path_links_on_and_back(client: Client, workflows):
    response = client.get(f"{BASE}on-wiki/?path=start")
    page = main(response)
    assert "<h1>Ask for the edits to be hidden</h1>" in page
    assert answer_links(page) == [
        ("/en/safety/emergency/doxxed/done/?path=start.on-wiki", "Done"),
        ("/en/safety/emergency/doxxed/?path=start.on-wiki", "Start from the beginning"),
    ]
    assert back_link(page) == BASE
    assert f'<a href="{BASE}">Start again</a>' in page
    assert response["Cache-Control"] == "no-store"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in html(response)


def test_an_end_node_offers_partners_and_asking_the_team(client: Client, workflows):
    page = main(client.get(f"{BASE}done/?path=start.on-wiki"))
    assert answer_links(page) == []
    assert '<a href="/en/partners/">Find legal help</a>' in page
    assert "<strong>Legal help</strong>" in page
    assert "Lawyers who know the law where you live" in page
    assert '<a href="/en/partners/">Talk to someone</a>' in page
    assert "<strong>Emotional support</strong>" in page
    assert f'action="{BASE}done/ask/"' in page
    assert hidden_path(page) == "start.on-wiki"
    # Unticked until the reader ticks it.
    assert re.search(r'<input type="checkbox" name="include_steps" id="id_include_steps">', page)
    assert "Include the steps I took in my report" in page
    assert back_link(page) == f"{BASE}on-wiki/?path=start"


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("start.on-wiki", "start.on-wiki"),
        # A walk must begin at the start.
        ("on-wiki", ""),
        # The start has no answer leading to "done".
        ("start.done", ""),
        # Whatever follows the first broken step is dropped.
        ("start.on-wiki.nowhere.start", "start.on-wiki"),
        ("start.on-wiki.start.on-wiki", "start.on-wiki.start.on-wiki"),
        ("start..on-wiki", ""),
        ('"><script>alert(1)</script>', ""),
        ("START.ON-WIKI", ""),
    ],
)
def test_a_tampered_path_keeps_only_its_valid_start(client: Client, workflows, raw, kept):
    page = main(client.get(f"{BASE}done/", {"path": raw}))
    assert hidden_path(page) == kept
    assert "<script>alert" not in page
    previous = kept.rpartition(".")[0]
    if kept:
        assert back_link(page) == f"{BASE}on-wiki/" + (f"?path={previous}" if previous else "")
    else:
        assert back_link(page) is None


def test_a_long_path_is_capped(client: Client, workflows):
    walk = ".".join(["start", "on-wiki"] * 100)
    page = main(client.get(f"{BASE}done/", {"path": walk}))
    assert hidden_path(page) == ".".join(["start", "on-wiki"] * 20)
    # Beyond the cap, answers start a fresh record rather than a longer one.
    page = main(client.get(BASE, {"path": ".".join(["start", "on-wiki"] * 20)}))
    assert answer_links(page)[0] == (f"{BASE}on-wiki/", "On a wiki page")


def test_the_start_node_has_one_address(client: Client, workflows):
    response = client.get(f"{BASE}start/?path=start.on-wiki")
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}?path=start.on-wiki"
    assert client.get(f"{BASE}start/")["Location"] == BASE


def test_coming_back_to_the_start_keeps_the_path(client: Client, workflows):
    page = main(client.get(BASE, {"path": "start.on-wiki"}))
    assert back_link(page) == f"{BASE}on-wiki/?path=start"
    assert answer_links(page)[0] == (
        f"{BASE}on-wiki/?path=start.on-wiki.start",
        "On a wiki page",
    )


def test_an_edited_workflow_is_walked_as_edited(client: Client, workflows):
    """Trees are parsed once per source text: a changed source is read afresh."""
    assert len(answer_links(main(client.get(f"{BASE}on-wiki/?path=start")))) == 2
    make_workflow("doxxed", SMALL.replace("    - [Start from the beginning](#start)\n", ""))
    assert answer_links(main(client.get(f"{BASE}on-wiki/?path=start"))) == [
        ("/en/safety/emergency/doxxed/done/?path=start.on-wiki", "Done")
    ]


def test_unknown_workflows_and_nodes_are_not_found(client: Client, workflows):
    assert client.get("/en/safety/emergency/nothing/").status_code == 404
    assert client.get(f"{BASE}nowhere/").status_code == 404
    assert client.get(f"{BASE}nowhere/?path=start").status_code == 404
    assert client.post(BASE).status_code == 405


def test_pages_with_a_path_stay_out_of_the_shared_cache(client: Client, workflows, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    cache = caches["pages"]
    client.get(BASE)
    client.get(f"{BASE}on-wiki/?path=start")
    client.get(f"{BASE}done/?path=start.on-wiki")
    keys = list(cache._cache.keys())  # type: ignore[attr-defined]
    assert any(BASE in key and "path" not in key for key in keys)
    assert not any("path=" in key for key in keys)


def translate(page_slug: str, key: str, language: str, text: str) -> None:
    unit = Unit.objects.get(page__slug=page_slug, key=key)
    translation_save(unit=unit, language=language, text=text, actor=None)


@pytest.fixture
def persian(workflows) -> None:
    translate("doxxed", "title", "fa", "اطلاعاتم منتشر شده است")
    translate("doxxed", "1", "fa", "## کجا منتشر شد؟ {#start}")
    translate(
        "doxxed",
        "3",
        "fa",
        "- [در یک صفحهٔ ویکی](#on-wiki)\n- [حسابم هم گرفته شد](workflow:account-lost)",
    )
    # Translators may drop the id: ids come from the source.
    translate("doxxed", "4", "fa", "## درخواست پنهان‌سازی ویرایش‌ها")


def test_a_node_reads_in_persian_right_to_left(client: Client, persian):
    response = client.get("/fa/safety/emergency/doxxed/")
    document = html(response)
    assert '<html lang="fa" dir="rtl">' in document
    page = main(response)
    assert "<h1>کجا منتشر شد؟</h1>" in page
    assert answer_links(page) == [
        ("/fa/safety/emergency/doxxed/on-wiki/?path=start", "در یک صفحهٔ ویکی"),
        ("/fa/safety/emergency/account-lost/", "حسابم هم گرفته شد"),
    ]
    assert ">اطلاعاتم منتشر شده است</a>" in page
    # The untranslated paragraph is the English source, marked and running left to right.
    assert 'class="unit-run unit-run--fallback"' in page
    assert '<div lang="en" dir="ltr">\n<p>Take a breath.' in page
    page = main(client.get("/fa/safety/emergency/doxxed/on-wiki/?path=start"))
    assert "<h1>درخواست پنهان‌سازی ویرایش‌ها</h1>" in page


def test_an_untranslated_heading_is_shown_in_english_and_marked(client: Client, persian):
    page = main(client.get("/fa/safety/emergency/doxxed/done/"))
    assert '<h1 lang="en" dir="ltr">You are not alone</h1>' in page
    assert '<p class="unit-mark">' in page
    # Partner services are named in the reader's language (English here: no catalogue entry).
    assert 'href="/fa/partners/"' in page


def test_an_answer_the_translation_lost_keeps_its_source_label(client: Client, persian):
    # The source gains an answer: the Persian list is now outdated and lacks it.
    source = SMALL.replace(
        "- [On a wiki page](#on-wiki)\n", "- [On a wiki page](#on-wiki)\n    - [Elsewhere](#done)\n"
    )
    make_workflow("doxxed", source, position=2)
    page = main(client.get("/fa/safety/emergency/doxxed/"))
    assert "unit-mark--outdated" in page
    assert (
        '<li lang="en" dir="ltr"><a class="workflow-answer" '
        'href="/fa/safety/emergency/doxxed/done/?path=start">Elsewhere</a></li>' in page
    )
    assert ("/fa/safety/emergency/doxxed/on-wiki/?path=start", "در یک صفحهٔ ویکی") in answer_links(
        page
    )


def test_workflow_links_in_any_page_lead_to_the_workflow(client: Client, workflows):
    make_page("help", "Read [the guide](workflow:doxxed) or [ask partners](partners:legal-aid).")
    page = main(client.get("/en/help/"))
    assert '<a href="/en/safety/emergency/doxxed/" rel="noopener noreferrer">the guide</a>' in page
    assert '<a href="/en/partners/" rel="noopener noreferrer">ask partners</a>' in page
    # A workflow's plain address in the content system leads to its place in the safety centre.
    response = client.get("/en/doxxed/")
    assert response.status_code == 302
    assert response["Location"] == BASE
