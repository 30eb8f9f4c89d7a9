"""Asking the team: the confidential report opens, with the steps taken only if agreed."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from rightsdesk.cases.models import Case
from rightsdesk.content.models import Unit
from rightsdesk.content.services import translation_save
from rightsdesk.intake import drafts
from tests.safety.workflows.samples import SMALL, make_workflow

pytestmark = pytest.mark.django_db

BASE = "/en/safety/emergency/doxxed/"
ASK = f"{BASE}done/ask/"
NOTE = (
    "Steps I took in the guide “I am being doxxed”:\n"
    "1. Where did it appear? → On a wiki page\n"
    "2. Ask for the edits to be hidden → Done\n"
    "3. You are not alone\n"
    "[doxxed: start \u203a on-wiki \u203a done]"
)


def draft(client: Client) -> dict[str, Any]:
    handle = drafts.handle_from_cookie(client.cookies[drafts.COOKIE].value)
    assert handle is not None
    loaded = drafts.draft_load(handle)
    assert loaded is not None
    return loaded


def description_box(client: Client, language: str = "en") -> str:
    """What the "What happened?" box holds when the reporter reaches it."""
    page = client.get(f"/{language}/report/what/").content.decode()
    found = re.search(r'<textarea name="what_happened"[^>]*>\n?(.*?)</textarea>', page, re.DOTALL)
    assert found is not None, page
    return found.group(1)


def test_with_consent_the_report_opens_with_the_steps(client: Client, workflows):
    response = client.post(ASK, {"include_steps": "on", "path": "start.on-wiki"})
    assert response.status_code == 302
    assert response["Location"] == "/en/report/danger/"
    assert response.cookies[drafts.COOKIE]["httponly"]
    assert draft(client)["answers"]["what_happened"] == NOTE
    box = description_box(client)
    assert box == NOTE
    page = client.get("/en/report/what/").content.decode()
    assert "The steps you took in the emergency guide are already in the box" in page


def test_without_consent_the_report_opens_empty(client: Client, workflows):
    response = client.post(ASK, {"path": "start.on-wiki"})
    assert response.status_code == 302
    assert response["Location"] == "/en/report/danger/"
    assert "what_happened" not in draft(client).get("answers", {})
    assert "guide_note" not in draft(client)
    assert description_box(client) == ""
    page = client.get("/en/report/what/").content.decode()
    assert "already in the box" not in page


def test_a_tampered_path_is_cut_to_its_valid_start(client: Client, workflows):
    client.post(ASK, {"include_steps": "on", "path": "start.done.on-wiki"})
    assert draft(client)["answers"]["what_happened"] == (
        "Steps I took in the guide “I am being doxxed”:\n1. You are not alone\n[doxxed: done]"
    )


def test_the_note_is_added_once_after_what_the_reporter_typed(client: Client, workflows):
    client.post("/en/report/")
    handle = drafts.handle_from_cookie(client.cookies[drafts.COOKIE].value)
    assert handle is not None
    typed = draft(client)
    typed.setdefault("answers", {})["what_happened"] = "Someone posted my address."
    drafts.draft_save(handle, typed)
    for _attempt in range(2):
        client.post(ASK, {"include_steps": "on", "path": "start.on-wiki"})
    assert draft(client)["answers"]["what_happened"] == f"Someone posted my address.\n\n{NOTE}"


def test_the_report_still_needs_the_reporters_own_steps(client: Client, workflows):
    client.post(ASK, {"include_steps": "on", "path": "start.on-wiki"})
    assert draft(client).get("done", []) == []
    response = client.post("/en/report/review/")
    assert response.status_code == 200
    assert not Case.objects.exists()
    assert draft(client)["state"] == "editing"


def test_the_note_is_in_the_readers_language_and_cannot_inject_markup(client: Client, workflows):
    for key, text in (
        ("1", "## \\<img src=x onerror=alert(1)> کجا؟ {#start}"),
        ("3", "- [در ویکی](#on-wiki)\n- [حساب](workflow:account-lost)"),
        ("4", "## <script>alert(2)</script>پنهان‌سازی"),
    ):
        unit = Unit.objects.get(page__slug="doxxed", key=key)
        translation_save(unit=unit, language="fa", text=text, actor=None)
    client.post(
        "/fa/safety/emergency/doxxed/done/ask/", {"include_steps": "on", "path": "start.on-wiki"}
    )
    note = draft(client)["answers"]["what_happened"]
    assert "1. <img src=x onerror=alert(1)> کجا؟ → در ویکی" in note
    assert "2. پنهان‌سازی → Done" in note
    assert "alert(2)" not in note
    assert note.endswith("[doxxed: start \u203a on-wiki \u203a done]")
    box = description_box(client, "fa")
    assert "&lt;img src=x onerror=alert(1)&gt; کجا؟" in box
    assert "<img" not in box
    node = client.get("/fa/safety/emergency/doxxed/").content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt; کجا؟" in node
    assert "<img" not in node
    assert "alert(2)" not in client.get("/fa/safety/emergency/doxxed/on-wiki/").content.decode()


def test_only_end_nodes_ask_the_team(client: Client, workflows):
    assert client.post(f"{BASE}on-wiki/ask/", {"include_steps": "on"}).status_code == 404
    assert client.post("/en/safety/emergency/nothing/done/ask/").status_code == 404
    assert client.get(ASK).status_code == 405
    assert drafts.COOKIE not in client.cookies


def test_asking_needs_csrf(workflows):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(ASK, {"include_steps": "on", "path": "start.on-wiki"}).status_code == 403
    assert drafts.COOKIE not in strict.cookies
    page = strict.get(f"{BASE}done/?path=start.on-wiki").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    response = strict.post(
        ASK,
        {"csrfmiddlewaretoken": token.group(1), "include_steps": "on", "path": "start.on-wiki"},
    )
    assert response.status_code == 302
    assert draft(strict)["answers"]["what_happened"] == NOTE


def test_a_workflow_without_partners_still_asks_the_team(client: Client, db):
    make_workflow("short", SMALL.split("<!--T:9-->")[0])
    page = client.get("/en/safety/emergency/short/done/").content.decode()
    assert "Ask the team" in page
    assert "Help from partner organisations" not in page
