"""The translator's pages: completeness per page and language, translating unit by unit, and PO
download and upload."""

from __future__ import annotations

import re
from collections.abc import Callable

import polib  # type: ignore[import-untyped]
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from rightsdesk.accounts.permissions import Role
from rightsdesk.content.models import Page, Translation, Unit
from rightsdesk.content.selectors import word_diff
from rightsdesk.content.services import translation_save, translation_version
from tests.content.pages import make_page

pytestmark = pytest.mark.django_db

BODY = """
    ## Whom we support

    Write to {{team_email}} or read [the disclaimer](page:disclaimer).
"""


def unit(page: Page, key: str) -> Unit:
    return page.units.get(key=key)


def translate_url(page: Page, language: str = "fa") -> str:
    return reverse("content_staff:translate", kwargs={"slug": page.slug, "language": language})


def post_unit(client: Client, page: Page, key: str, text: str, *, action: str = "save", **extra):
    current = Translation.objects.filter(unit__page=page, unit__key=key, language="fa").first()
    data = {
        "unit": key,
        f"unit-{key}-text": text,
        f"unit-{key}-based_on": extra.pop("based_on", translation_version(current)),
        "action": action,
    }
    return client.post(translate_url(page), data)


def test_the_overview_lists_pages_least_complete_first_for_a_language(
    signed_in: Callable[..., Client],
) -> None:
    client = signed_in(Role.TRANSLATOR)
    full = make_page("full", "Hello.", title="Full")
    empty = make_page("empty", "Hello.", title="Empty")
    half = make_page("half", "Hello.", title="Half")
    for key in ("title", "1"):
        translation_save(unit=unit(full, key), language="fa", text="سلام", actor=None)
    translation_save(unit=unit(half, "title"), language="fa", text="نیم", actor=None)
    response = client.get(reverse("content_staff:pages"), {"language": "fa"})
    assert response.status_code == 200
    html = response.content.decode()
    assert [html.index(title) for title in ("Empty", "Half", "Full")] == sorted(
        html.index(title) for title in ("Empty", "Half", "Full")
    )
    assert "100%" in html
    assert "50%" in html
    assert reverse("content_staff:translate", args=["empty", "fa"]) in html
    # Without a filter every language has a column and the page's own language says so.
    response = client.get(reverse("content_staff:pages"))
    html = response.content.decode()
    assert "source" in html
    assert reverse("content_staff:translate", args=["half", "zh-hans"]) in html
    assert empty.slug in html


def test_the_overview_counts_outdated_units(signed_in: Callable[..., Client]) -> None:
    client = signed_in(Role.TRANSLATOR)
    page = make_page("about", "Hello.", title="About")
    translation_save(unit=unit(page, "1"), language="fa", text="سلام", actor=None)
    make_page("about", "Hello there.", title="About")
    html = client.get(reverse("content_staff:pages"), {"language": "fa"}).content.decode()
    assert "1 outdated" in html


def test_the_translate_page_shows_source_and_target_with_their_direction(
    signed_in: Callable[..., Client],
) -> None:
    client = signed_in(Role.TRANSLATOR)
    page = make_page("about", BODY, title="Who we are")
    translation_save(unit=unit(page, "title"), language="fa", text="ما که هستیم", actor=None)
    response = client.get(translate_url(page))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="unit-title"' in html
    assert 'id="unit-1"' in html
    assert 'lang="en" dir="ltr"' in html
    assert re.search(r'<textarea[^>]*lang="fa"[^>]*dir="rtl"|<textarea[^>]*dir="rtl"', html)
    assert "ما که هستیم" in html
    assert "Not translated" in html
    assert "Up to date" in html
    assert 'for="id_unit-1-text"' in html


def test_saving_a_unit_returns_to_its_anchor(signed_in: Callable[..., Client]) -> None:
    client = signed_in(Role.TRANSLATOR)
    page = make_page("about", BODY, title="Who we are")
    response = post_unit(client, page, "1", "## چه کسانی")
    assert response.status_code == 302
    assert response["Location"] == translate_url(page) + "#unit-1"
    translation = Translation.objects.get(unit=unit(page, "1"), language="fa")
    assert translation.text == "## چه کسانی"
    assert not translation.outdated
    follow = client.get(response["Location"])
    assert "The translation was saved." in follow.content.decode()


def test_a_rejected_save_shows_the_problems_and_keeps_the_text(
    signed_in: Callable[..., Client],
) -> None:
    client = signed_in(Role.TRANSLATOR)
    page = make_page("about", BODY, title="Who we are")
    typed = "به {{team_mail}} بنویسید."
    response = post_unit(client, page, "2", typed)
    assert response.status_code == 400
    html = response.content.decode()
    assert "This translation was not saved." in html
    assert "The placeholder {{team_email}} is missing." in html
    assert "The link to page:disclaimer is missing." in html
    assert typed in html
    assert not Translation.objects.exists()


def test_an_outdated_unit_shows_a_word_diff_and_can_be_confirmed(
    signed_in: Callable[..., Client],
) -> None:
    client = signed_in(Role.TRANSLATOR)
    page = make_page("about", BODY, title="Who we are")
    translation_save(unit=unit(page, "1"), language="fa", text="## چه کسانی", actor=None)
    page = make_page(
        "about", BODY.replace("Whom we support", "Whom we protect"), title="Who we are"
    )
    html = client.get(translate_url(page)).content.decode()
    assert "Outdated: the source changed" in html
    assert "support</del>" in html
    assert "protect</ins>" in html
    assert 'value="confirm"' in html

    response = post_unit(client, page, "1", "## چه کسانی", action="confirm")
    assert response.status_code == 302
    assert response["Location"].endswith("#unit-1")
    translation = Translation.objects.get(unit=unit(page, "1"), language="fa")
    assert not translation.outdated
    assert translation.source_text == "## Whom we protect"


def test_word_diff_marks_removed_and_added_words() -> None:
    parts = [
        (part.kind, part.text) for part in word_diff("Write to us today", "Write to them today")
    ]
    assert parts == [
        ("same", "Write to "),
        ("removed", "us"),
        ("added", "them"),
        ("same", " today"),
    ]


def test_a_stale_save_shows_both_versions_and_overwrites_nothing(
    signed_in: Callable[..., Client],
) -> None:
    client = signed_in(Role.TRANSLATOR)
    page = make_page("about", BODY, title="Who we are")
    first = translation_save(unit=unit(page, "title"), language="fa", text="نسخه یک", actor=None)
    seen = translation_version(first)
    translation_save(unit=unit(page, "title"), language="fa", text="نسخه دیگران", actor=None)
    response = post_unit(client, page, "title", "نسخه من", based_on=seen)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this translation" in html
    assert "نسخه دیگران" in html
    assert "نسخه من" in html
    assert Translation.objects.get(unit=unit(page, "title"), language="fa").text == "نسخه دیگران"
    # The form now carries the current version: saving again replaces theirs.
    current = Translation.objects.get(unit=unit(page, "title"), language="fa")
    assert f'value="{translation_version(current)}"' in html
    assert post_unit(client, page, "title", "نسخه من").status_code == 302
    assert Translation.objects.get(unit=unit(page, "title"), language="fa").text == "نسخه من"


def test_a_translation_removed_meanwhile_is_a_conflict_too(
    signed_in: Callable[..., Client],
) -> None:
    client = signed_in(Role.TRANSLATOR)
    page = make_page("about", BODY, title="Who we are")
    first = translation_save(unit=unit(page, "title"), language="fa", text="یک", actor=None)
    translation_save(unit=unit(page, "title"), language="fa", text="", actor=None)
    response = post_unit(client, page, "title", "دو", based_on=translation_version(first))
    assert response.status_code == 409
    assert "Someone else removed this translation" in response.content.decode()


def test_a_unit_removed_from_the_page_meanwhile(signed_in: Callable[..., Client]) -> None:
    client = signed_in(Role.TRANSLATOR)
    page = make_page("about", BODY, title="Who we are")
    response = post_unit(client, page, "9", "نه")
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert "This paragraph is no longer on the page." in follow.content.decode()


def test_the_source_language_and_unknown_languages_are_not_found(
    signed_in: Callable[..., Client],
) -> None:
    client = signed_in(Role.TRANSLATOR)
    page = make_page("about", BODY, title="Who we are")
    assert client.get(translate_url(page, "en")).status_code == 404
    assert client.get(translate_url(page, "xx")).status_code == 404
    url = reverse("content_staff:catalogue-export", kwargs={"language": "xx"})
    assert client.get(url).status_code == 404


def test_download_a_language_or_one_page(signed_in: Callable[..., Client]) -> None:
    client = signed_in(Role.TRANSLATOR)
    page = make_page("about", BODY, title="Who we are")
    make_page("other", "Text.", title="Other")
    translation_save(unit=unit(page, "title"), language="fa", text="ما", actor=None)
    url = reverse("content_staff:catalogue-export", kwargs={"language": "fa"})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="rightsdesk-fa.po"'
    entries = {entry.msgctxt: entry for entry in polib.pofile(response.content.decode())}
    assert entries["about/title"].msgstr == "ما"
    assert "other/title" in entries
    response = client.get(url, {"page": "about"})
    assert response["Content-Disposition"] == 'attachment; filename="about-fa.po"'
    assert {entry.msgctxt for entry in polib.pofile(response.content.decode())} == {
        "about/title",
        "about/1",
        "about/2",
    }
    assert client.get(url, {"page": "nothing"}).status_code == 404


def _upload(client: Client, text: str, *, keep: bool = True, language: str = "fa"):
    data = {
        "language": language,
        "catalogue": SimpleUploadedFile("fa.po", text.encode("utf-8")),
    }
    if keep:
        data["keep_site_edits"] = "on"
    return client.post(reverse("content_staff:catalogues"), data)


def test_upload_shows_the_report(signed_in: Callable[..., Client]) -> None:
    client = signed_in(Role.TRANSLATOR)
    page = make_page("about", BODY, title="Who we are")
    translation_save(unit=unit(page, "1"), language="fa", text="## الف", actor=None)
    download = client.get(reverse("content_staff:catalogue-export", kwargs={"language": "fa"}))
    # Someone edits a unit on the site after the download …
    translation_save(unit=unit(page, "1"), language="fa", text="## ب", actor=None)
    catalogue = polib.pofile(download.content.decode())
    for entry in catalogue:
        if entry.msgctxt == "about/title":
            entry.msgstr = "ما که هستیم"
        if entry.msgctxt == "about/1":
            entry.msgstr = "## ج"
        if entry.msgctxt == "about/2":
            entry.msgstr = "به {{team_mail}} بنویسید [سلب](page:disclaimer)."
    catalogue.append(polib.POEntry(msgctxt="about/77", msgid="x", msgstr="ی"))
    response = _upload(client, str(catalogue))
    assert response.status_code == 400
    html = response.content.decode()
    assert "1 translation imported." in html
    assert "changed on this site since the download was kept" in html
    assert "about/1" in html
    assert "2 entries were not imported" in html
    assert "about/77: there is no such unit." in html
    assert "about/2: The placeholder {{team_email}} is missing." in html
    # … and the upload keeps that edit.
    assert Translation.objects.get(unit=unit(page, "1"), language="fa").text == "## ب"
    assert Translation.objects.get(unit=unit(page, "title"), language="fa").text == "ما که هستیم"


def test_upload_without_keeping_site_edits_overwrites_them(
    signed_in: Callable[..., Client],
) -> None:
    client = signed_in(Role.TRANSLATOR)
    page = make_page("about", BODY, title="Who we are")
    translation_save(unit=unit(page, "1"), language="fa", text="## الف", actor=None)
    download = client.get(reverse("content_staff:catalogue-export", kwargs={"language": "fa"}))
    translation_save(unit=unit(page, "1"), language="fa", text="## ب", actor=None)
    text = download.content.decode().replace('msgstr "## الف"', 'msgstr "## ج"')
    response = _upload(client, text, keep=False)
    assert response.status_code == 200
    assert "1 translation imported." in response.content.decode()
    assert Translation.objects.get(unit=unit(page, "1"), language="fa").text == "## ج"


def test_an_unreadable_or_missing_upload_is_refused_with_a_message(
    signed_in: Callable[..., Client],
) -> None:
    client = signed_in(Role.TRANSLATOR)
    make_page("about", BODY, title="Who we are")
    response = _upload(client, "this is not a PO file\n")
    assert response.status_code == 400
    assert "The file could not be read as a PO catalogue" in response.content.decode()
    response = client.post(
        reverse("content_staff:catalogues"),
        {"language": "fa", "catalogue": SimpleUploadedFile("fa.po", b"\xff\xfe\x00bad")},
    )
    assert response.status_code == 400
    assert "not a text file in UTF-8" in response.content.decode()
    response = client.post(reverse("content_staff:catalogues"), {"language": "fa"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_the_staff_menu_links_the_public_pages_for_translators_only(client: Client, staff) -> None:
    from tests.conftest import sign_in

    sign_in(client, staff(Role.TRANSLATOR))
    link = f'href="{reverse("content_staff:pages")}"'
    assert link in client.get(reverse("accounts:dashboard")).content.decode()
    client.logout()
    sign_in(client, staff(Role.HANDLER))
    assert link not in client.get(reverse("accounts:dashboard")).content.decode()
