"""The case page: the decrypted timeline, two clearly separate ways to write, and every read of
content in the audit log."""

from __future__ import annotations

import pytest
from django.test import Client

from rightsdesk.audit.models import Action, AuditEntry
from rightsdesk.cases import services
from rightsdesk.cases.models import EntryKind
from rightsdesk.intake.followup import VISIBLE_TO_REPORTER
from tests.cases.casework import SECRET, fresh, make_case, make_team
from tests.conftest import sign_in
from tests.factories import make_staff

INSPECTION = {
    "content_type": "image/jpeg",
    "kind": "image",
    "inspected": True,
    "problem": "",
    "metadata": {"device": "canary-camera-model", "location": "52.5, 13.4"},
    "has_location": True,
}


@pytest.fixture
def team(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return make_team()


def test_the_case_page_shows_the_whole_decrypted_timeline(client: Client, team):
    case = make_case()
    coordinator = team.coordinator.member
    services.case_reporter_reply(case=case, text="reporter-says-hello")
    services.case_team_reply(case=case, author=coordinator, text="team-says-hello")
    services.case_add_note(case=case, author=coordinator, text="note-for-the-team")
    services.case_change_status(
        case=fresh(case), actor=coordinator, status="triage", expected_version=fresh(case).version
    )
    services.case_attach_file(
        case=case, name="photo-canary.jpg", content=b"\xff\xd8 jpeg", inspection=INSPECTION
    )
    sign_in(client, team.coordinator)
    page = client.get(f"/en/staff/cases/{case.reference}/").content.decode()
    for text in (
        SECRET,
        "reporter-says-hello",
        "team-says-hello",
        "note-for-the-team",
        "From “New” to “In triage”",
        "photo-canary.jpg",
        "canary-camera-model",
        "This file records a location.",
    ):
        assert text in page, text
    assert "entry entry--note" in page
    assert "entry entry--reporter-message" in page


def test_replying_and_noting_are_two_distinct_forms(client: Client, team):
    case = make_case()
    sign_in(client, team.coordinator)
    page = client.get(f"/en/staff/cases/{case.reference}/").content.decode()
    reply = page[page.index('class="writing writing--reporter"') :]
    reply = reply[: reply.index("</section>")]
    note = page[page.index('class="writing writing--note"') :]
    note = note[: note.index("</section>")]
    assert "Write to the reporter" in reply
    assert "The reporter will read this." in reply
    assert f'action="/en/staff/cases/{case.reference}/reply/"' in reply
    assert "Write an internal note" in note
    assert "Only the team sees notes" in note
    assert f'action="/en/staff/cases/{case.reference}/note/"' in note


def test_a_note_stays_with_the_team(client: Client, team):
    case = make_case()
    sign_in(client, team.coordinator)
    response = client.post(f"/en/staff/cases/{case.reference}/note/", {"text": "internal-only"})
    assert response.status_code == 302
    entry = case.entries.get(kind=EntryKind.NOTE)
    assert entry.author == team.coordinator.member
    assert EntryKind.NOTE not in VISIBLE_TO_REPORTER
    assert b"internal-only" not in bytes(entry.ciphertext)
    assert AuditEntry.objects.filter(
        action=Action.CASE_NOTE, case_reference=case.reference
    ).exists()


def test_an_empty_or_oversized_message_is_explained_and_kept(client: Client, team):
    case = make_case()
    sign_in(client, team.coordinator)
    long_text = "kept " * 10_001
    response = client.post(f"/en/staff/cases/{case.reference}/reply/", {"text": long_text})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ensure this value has at most 50000 characters" in page
    assert long_text.strip() in page
    response = client.post(f"/en/staff/cases/{case.reference}/note/", {"text": ""})
    assert "This field is required." in response.content.decode()
    assert not case.entries.filter(kind__in=[EntryKind.NOTE, EntryKind.TEAM_MESSAGE]).exists()


def test_the_first_team_reply_stops_the_response_clock_once(team):
    case = make_case()
    assert fresh(case).first_response_at is None
    services.case_team_reply(case=case, author=team.coordinator.member, text="one")
    first = fresh(case).first_response_at
    assert first is not None
    services.case_team_reply(case=case, author=team.coordinator.member, text="two")
    assert fresh(case).first_response_at == first
    # Notes are not answers to the reporter.
    other = make_case()
    services.case_add_note(case=other, author=team.coordinator.member, text="n")
    assert fresh(other).first_response_at is None


def test_writing_needs_the_case_key(team):
    case = make_case()
    with pytest.raises(services.CaseAccessDenied):
        services.case_team_reply(case=case, author=team.handler.member, text="x")
    with pytest.raises(services.CaseAccessDenied):
        services.case_add_note(case=case, author=team.handler.member, text="x")
    latecomer = make_staff("coordinator")
    with pytest.raises(services.CaseAccessDenied):
        services.case_set_tags(
            case=case, actor=latecomer.member, tags=["a"], expected_version=case.version
        )


def test_opening_a_case_and_a_file_is_audited_without_content(client: Client, team):
    case = make_case()
    evidence = services.case_attach_file(
        case=case, name="secret-name.pdf", content=b"%PDF-1.4", inspection=INSPECTION
    )
    sign_in(client, team.coordinator)
    client.get(f"/en/staff/cases/{case.reference}/")
    reads = AuditEntry.objects.filter(action=Action.CASE_READ, case_reference=case.reference)
    assert reads.count() == 1
    assert reads.get().actor == team.coordinator.member.username
    response = client.get(f"/en/staff/cases/{case.reference}/files/{evidence.uuid}/")
    assert response.status_code == 200
    assert response.content == b"%PDF-1.4"
    file_read = AuditEntry.objects.get(action=Action.FILE_READ)
    assert file_read.detail == {"file": str(evidence.uuid)}
    assert "secret-name" not in str(list(AuditEntry.objects.values_list("detail", flat=True)))


def test_seeing_only_the_metadata_is_not_a_read(client: Client, team):
    case = make_case()
    latecomer = make_staff("coordinator")
    sign_in(client, latecomer)
    page = client.get(f"/en/staff/cases/{case.reference}/").content.decode()
    assert "You have not been given access to this case's content." in page
    assert "Request access" in page
    assert SECRET not in page
    assert "Write to the reporter" not in page
    assert not AuditEntry.objects.filter(action=Action.CASE_READ).exists()


def test_forms_refuse_a_missing_csrf_token(team):
    case = make_case()
    client = Client(enforce_csrf_checks=True)
    signed_in = Client()
    sign_in(signed_in, team.coordinator)
    # The session of a signed-in member, without the token: refused.
    client.cookies = signed_in.cookies
    response = client.post(f"/en/staff/cases/{case.reference}/note/", {"text": "forged"})
    assert response.status_code == 403
    assert not case.entries.filter(kind=EntryKind.NOTE).exists()
