"""Content editors edit a page's source on the site: front-matter fields, the body as Markdown
with its unit markers, publishing, the menu, crisis banners, and new pages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from rightsdesk.accounts.permissions import Role
from rightsdesk.audit.models import Action, AuditEntry
from rightsdesk.content.models import Page, PageKind, Translation
from rightsdesk.content.services import translation_save
from tests.content.pages import make_page

pytestmark = pytest.mark.django_db

BODY = """
    ## Whom we support

    Anyone who is harassed for their contributions.
"""


def edit_url(page: Page | str) -> str:
    slug = page if isinstance(page, str) else page.slug
    return reverse("content_staff:page-edit", kwargs={"slug": slug})


def form_data(client: Client, page: Page, **changes: object) -> dict[str, object]:
    """The edit form as the page shows it, with ``changes`` typed in."""
    form = client.get(edit_url(page)).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {name: ("" if value is None else value) for name, value in data.items()}
    if not data["published"]:
        del data["published"]
    data.update(changes)
    return data


def test_the_form_shows_the_body_with_its_markers(signed_in: Callable[..., Client]) -> None:
    client = signed_in(Role.CONTENT_EDITOR)
    page = make_page("about", BODY, title="Who we are", summary="A team.")
    response = client.get(edit_url(page))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["title"].value() == "Who we are"
    assert form["summary"].value() == "A team."
    assert form["body"].value() == (
        "<!--T:1-->\n## Whom we support\n\n<!--T:2-->\n"
        "Anyone who is harassed for their contributions.\n"
    )
    assert "&lt;!--T:1--&gt;" in response.content.decode()


def test_saving_an_edited_unit_marks_its_translations_outdated(
    signed_in: Callable[..., Client],
) -> None:
    client = signed_in(Role.CONTENT_EDITOR)
    page = make_page("about", BODY, title="Who we are")
    translation_save(unit=page.units.get(key="2"), language="fa", text="هر کسی", actor=None)
    data = form_data(client, page)
    body = str(data["body"]).replace("harassed", "harassed or threatened")
    body += "\nA new paragraph.\n"
    response = client.post(edit_url(page), {**data, "body": body, "menu": "3"})
    assert response.status_code == 302
    assert response["Location"] == edit_url(page)
    page.refresh_from_db()
    assert page.edited_on_site_at is not None
    assert page.menu_order == 3
    assert [unit.key for unit in page.units.order_by("position")] == ["title", "1", "2", "3"]
    assert page.units.get(key="3").text == "A new paragraph."
    assert Translation.objects.get(unit__page=page, unit__key="2", language="fa").outdated
    assert AuditEntry.objects.filter(action=Action.CONTENT_CHANGE, actor__startswith="member")


def test_a_new_block_never_takes_a_removed_blocks_number(signed_in: Callable[..., Client]) -> None:
    client = signed_in(Role.CONTENT_EDITOR)
    page = make_page("about", BODY, title="Who we are")
    data = form_data(client, page)
    body = "<!--T:1-->\n## Whom we support\n\nSomething else entirely.\n"
    assert client.post(edit_url(page), {**data, "body": body}).status_code == 302
    assert sorted(page.units.values_list("key", flat=True)) == ["1", "3", "title"]


def test_a_source_error_is_shown_with_its_line_and_the_text_kept(
    signed_in: Callable[..., Client],
) -> None:
    client = signed_in(Role.CONTENT_EDITOR)
    page = make_page("about", BODY, title="Who we are")
    data = form_data(client, page)
    body = "<!--T:1-->\n## Heading\n\n<!--T:1-->\nTwice the same marker, typed with care.\n"
    response = client.post(edit_url(page), {**data, "body": body, "title": "A new title"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Line 4: marker T:1 is used twice (first on line 1)" in html
    assert "Twice the same marker, typed with care." in html
    assert 'value="A new title"' in html
    assert page.units.get(key="title").text == "Who we are"


def test_a_missing_title_is_refused(signed_in: Callable[..., Client]) -> None:
    client = signed_in(Role.CONTENT_EDITOR)
    page = make_page("about", BODY, title="Who we are")
    response = client.post(edit_url(page), {**form_data(client, page), "title": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_a_page_changed_meanwhile_is_not_overwritten(signed_in: Callable[..., Client]) -> None:
    client = signed_in(Role.CONTENT_EDITOR)
    page = make_page("about", BODY, title="Who we are")
    data = form_data(client, page)
    make_page("about", BODY + "\n\nAdded by someone else.\n", title="Who we are")
    mine = str(data["body"]) + "\nMy paragraph.\n"
    response = client.post(edit_url(page), {**data, "body": mine})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this page" in html
    assert "Added by someone else." in html
    assert "My paragraph." in html
    assert not page.units.filter(text="My paragraph.").exists()
    # Saving again, after comparing, goes through.
    retry = response.context["form"]["updated"].value()
    response = client.post(edit_url(page), {**data, "body": mine, "updated": retry})
    assert response.status_code == 302
    assert page.units.filter(text="My paragraph.").exists()


def test_unpublishing_and_the_menu(signed_in: Callable[..., Client]) -> None:
    client = signed_in(Role.CONTENT_EDITOR)
    page = make_page("about", BODY, title="Who we are", menu=2)
    data = form_data(client, page, menu="")
    data.pop("published", None)
    assert client.post(edit_url(page), data).status_code == 302
    page.refresh_from_db()
    assert not page.published
    assert page.menu_order is None


def test_the_banner_switch_of_a_crisis_page(signed_in: Callable[..., Client]) -> None:
    client = signed_in(Role.CONTENT_EDITOR)
    page = make_page("flood", "Where to get help.", title="Floods", kind="crisis", region="North")
    html = client.get(edit_url(page)).content.decode()
    assert "Show the banner" in html
    url = reverse("content_staff:page-banner", kwargs={"slug": page.slug})
    assert client.post(url, {"on": "1"}).status_code == 302
    page.refresh_from_db()
    assert page.banner
    assert "Hide the banner" in client.get(edit_url(page)).content.decode()
    assert client.post(url, {}).status_code == 302
    page.refresh_from_db()
    assert not page.banner
    # Only crisis pages have a banner.
    other = make_page("about", BODY, title="Who we are")
    html = client.get(edit_url(other)).content.decode()
    assert "Show the banner" not in html
    assert "Hide the banner" not in html
    url = reverse("content_staff:page-banner", kwargs={"slug": other.slug})
    assert client.post(url, {"on": "1"}).status_code == 404


def test_creating_a_page(signed_in: Callable[..., Client]) -> None:
    client = signed_in(Role.CONTENT_EDITOR)
    url = reverse("content_staff:page-create")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "slug": "office-hours",
            "title": "Office hours",
            "kind": PageKind.PAGE,
            "body": "We meet on Tuesdays.\n\n## Where\n\nOnline.\n",
            "published": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == edit_url("office-hours")
    page = Page.objects.get(slug="office-hours")
    assert page.published
    assert page.edited_on_site_at is not None
    assert [unit.key for unit in page.units.order_by("position")] == ["title", "1", "2", "3"]


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("Office Hours", "lower-case letters"),
        ("staff", "names another part of the site"),
        ("about", "already exists"),
    ],
)
def test_a_bad_address_for_a_new_page_is_refused(
    signed_in: Callable[..., Client], slug: str, message: str
) -> None:
    client = signed_in(Role.CONTENT_EDITOR)
    make_page("about", BODY, title="Who we are")
    response = client.post(
        reverse("content_staff:page-create"),
        {"slug": slug, "title": "Office hours", "kind": "page", "body": "Kept text."},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Kept text." in html
    assert Page.objects.count() == 1


def test_translators_may_not_edit_sources(signed_in: Callable[..., Client]) -> None:
    client = signed_in(Role.TRANSLATOR)
    page = make_page("about", BODY, title="Who we are")
    assert client.get(edit_url(page)).status_code == 403
    html = client.get(reverse("content_staff:pages")).content.decode()
    assert edit_url(page) not in html
    assert reverse("content_staff:page-create") not in html
