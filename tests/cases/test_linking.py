"""Links between cases, and merging a duplicate into the case it repeats."""

from __future__ import annotations

import pytest
from django.test import Client

from rightsdesk.accounts import services as account_services
from rightsdesk.accounts.permissions import Role
from rightsdesk.audit.models import Action, AuditEntry
from rightsdesk.cases import linking, selectors, services, storage
from rightsdesk.cases.models import Case, CaseEntry, CaseGrant, CaseLink, EntryKind, Status
from rightsdesk.crypto import keys
from tests.conftest import sign_in
from tests.factories import StaffLogin, make_staff

CANARY = "canary-merge-7b2e"
FILE_CONTENT = b"canary-merge-file " * 500
INSPECTION = {"content_type": "text/plain", "inspected": True, "metadata": {}}


@pytest.fixture
def coordinator(db, settings, tmp_path) -> StaffLogin:
    settings.DATA_DIR = tmp_path
    account_services.escrow_initialise(shares=3, threshold=2)
    return make_staff(Role.COORDINATOR)


def private_of(login: StaffLogin) -> bytes:
    return account_services.staff_key_open(member=login.member, password=login.password).private


def new_case(text: str = CANARY) -> Case:
    return services.case_create(
        category="other", urgency="normal", language="en", report={"what_happened": text}
    ).case


def pair_of(login: StaffLogin, case: Case) -> keys.KeyPair:
    return selectors.case_keypair_for(login.member, case, private_of(login))


def grant(login: StaffLogin, case: Case, holder: StaffLogin) -> None:
    """Give ``login`` the case key, as a holder would (the grant service is tested elsewhere)."""
    pair = pair_of(holder, case)
    CaseGrant.objects.create(
        case=case,
        member=login.member,
        sealed_private=keys.seal(bytes(login.member.key.public_key), pair.private),
    )


# Links ---------------------------------------------------------------------------------------


def test_linking_stores_the_pair_once_and_lists_it_from_both_sides(coordinator):
    first, second = new_case(), new_case()
    link = linking.case_link(
        actor=coordinator.member, case=second, other_reference=f"  {first.reference.lower()} "
    )
    assert link.from_case_id < link.to_case_id
    assert linking.linked_cases(coordinator.member, first) == [second]
    assert linking.linked_cases(coordinator.member, second) == [first]
    entry = AuditEntry.objects.get(action=Action.CASE_LINK)
    assert entry.case_reference == second.reference
    assert entry.detail == {"other": first.reference}


def test_linking_refuses_itself_an_unknown_case_and_a_second_link(coordinator):
    first, second = new_case(), new_case()
    with pytest.raises(linking.SameCase):
        linking.case_link(actor=coordinator.member, case=first, other_reference=first.reference)
    with pytest.raises(selectors.CaseNotFound):
        linking.case_link(actor=coordinator.member, case=first, other_reference="RD-NONE-0000")
    linking.case_link(actor=coordinator.member, case=first, other_reference=second.reference)
    with pytest.raises(linking.AlreadyLinked):
        linking.case_link(actor=coordinator.member, case=second, other_reference=first.reference)
    assert CaseLink.objects.count() == 1


def test_a_handler_links_only_cases_they_can_see(coordinator):
    mine, other = new_case(), new_case()
    handler = make_staff(Role.HANDLER)
    grant(handler, mine, coordinator)
    with pytest.raises(selectors.CaseNotFound):
        linking.case_link(actor=handler.member, case=mine, other_reference=other.reference)
    # A link made by someone who sees both is not shown to them either.
    linking.case_link(actor=coordinator.member, case=mine, other_reference=other.reference)
    assert linking.linked_cases(handler.member, mine) == []


def test_unlinking(coordinator):
    first, second = new_case(), new_case()
    linking.case_link(actor=coordinator.member, case=first, other_reference=second.reference)
    linking.case_unlink(actor=coordinator.member, case=second, other_reference=first.reference)
    assert not CaseLink.objects.exists()
    with pytest.raises(linking.NotLinked):
        linking.case_unlink(actor=coordinator.member, case=first, other_reference=second.reference)
    assert AuditEntry.objects.filter(action=Action.CASE_LINK).count() == 2


def test_the_case_page_links_and_says_what_went_wrong(client: Client, coordinator):
    first, second = new_case(), new_case()
    sign_in(client, coordinator)
    url = f"/en/staff/cases/{first.reference}/links/"
    refused = client.post(url, {"reference": "rd-typo-0000"}, follow=True)
    page = refused.content.decode()
    assert "No case with this reference is open to you. Check the reference." in page
    assert 'value="rd-typo-0000"' in page
    assert 'aria-invalid="true"' in page
    itself = client.post(url, {"reference": first.reference}, follow=True).content.decode()
    assert "A case cannot be linked to itself." in itself
    linked = client.post(url, {"reference": second.reference}, follow=True).content.decode()
    assert "The two cases are now linked." in linked
    assert f'href="/en/staff/cases/{second.reference}/"' in linked
    removed = client.post(
        f"/en/staff/cases/{first.reference}/links/remove/",
        {"reference": second.reference},
        follow=True,
    ).content.decode()
    assert "The link between the two cases was removed." in removed
    assert not CaseLink.objects.exists()


def test_linking_needs_the_csrf_token(client: Client, coordinator):
    first, second = new_case(), new_case()
    sign_in(client, coordinator)
    client.handler.enforce_csrf_checks = True
    response = client.post(
        f"/en/staff/cases/{first.reference}/links/", {"reference": second.reference}
    )
    assert response.status_code == 403
    assert not CaseLink.objects.exists()


# Merges --------------------------------------------------------------------------------------


def duplicate_with_a_file(coordinator: StaffLogin) -> Case:
    duplicate = new_case(CANARY)
    services.case_team_reply(case=duplicate, author=coordinator.member, text="we are on it")
    report_entry = duplicate.entries.get(kind=EntryKind.REPORT)
    services.case_attach_file(
        case=duplicate,
        name="canary-name.txt",
        content=FILE_CONTENT,
        inspection=INSPECTION,
        entry=report_entry,
    )
    return duplicate


def test_a_merge_moves_everything_and_shreds_the_duplicate(coordinator):
    duplicate = duplicate_with_a_file(coordinator)
    into = new_case("the original report")
    third = new_case()
    linking.case_link(actor=coordinator.member, case=duplicate, other_reference=third.reference)
    Case.objects.filter(pk=duplicate.pk).update(legal_hold=True)
    duplicate.refresh_from_db()
    old_file = storage.evidence_path(str(duplicate.files.get().uuid))

    result = linking.case_merge(
        actor=coordinator.member,
        duplicate=duplicate,
        into=into,
        actor_private=private_of(coordinator),
    )

    assert (result.entries, result.files) == (2, 1)
    timeline = selectors.timeline_with_key(into, pair_of(coordinator, into))
    kinds = [entry.kind for entry in timeline]
    assert kinds == [
        EntryKind.REPORT,
        EntryKind.MERGE,
        EntryKind.REPORT,
        EntryKind.TEAM_MESSAGE,
    ]
    assert timeline[1].content == {"merged_from": duplicate.reference, "entries": 2, "files": 1}
    copied_report = timeline[2].content
    assert copied_report["what_happened"] == CANARY
    assert copied_report["merged_from"] == duplicate.reference
    assert copied_report["original_created_at"].startswith(str(duplicate.created_at.date()))
    assert timeline[3].author == str(coordinator.member)
    [view] = selectors.case_files(into, pair_of(coordinator, into))
    assert view.name == "canary-name.txt"
    _view, content = selectors.case_file_content(into, pair_of(coordinator, into), view.uuid)
    assert content == FILE_CONTENT
    # The file still belongs to the copied report.
    copied_file = into.files.get()
    assert copied_file.entry is not None
    assert copied_file.entry.kind == EntryKind.REPORT

    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED
    assert duplicate.merged_into == into
    assert duplicate.closed_at is not None
    assert not CaseEntry.objects.filter(case=duplicate).exists()
    assert not duplicate.files.exists()
    assert not CaseGrant.objects.filter(case=duplicate).exists()
    assert not old_file.exists()
    # The reporter of the duplicate is still recognised by their receipt.
    assert duplicate.receipt_lookup
    # Links and the legal hold follow the content.
    assert linking.linked_cases(coordinator.member, into) == [third]
    assert not CaseLink.objects.filter(from_case=duplicate).exists()
    assert not CaseLink.objects.filter(to_case=duplicate).exists()
    into.refresh_from_db()
    assert into.legal_hold
    audit = AuditEntry.objects.filter(action=Action.CASE_MERGE)
    assert {entry.case_reference for entry in audit} == {duplicate.reference, into.reference}
    assert CANARY not in str([entry.detail for entry in audit])


def test_a_merge_refuses_itself_merged_cases_and_missing_keys(coordinator):
    first, second, third = new_case(), new_case(), new_case()
    private = private_of(coordinator)
    member = coordinator.member
    with pytest.raises(linking.SameCase):
        linking.case_merge(actor=member, duplicate=first, into=first, actor_private=private)
    linking.case_merge(actor=member, duplicate=first, into=second, actor_private=private)
    first.refresh_from_db()
    with pytest.raises(linking.CaseClosedForMerge):
        linking.case_merge(actor=member, duplicate=first, into=third, actor_private=private)
    with pytest.raises(linking.CaseClosedForMerge):
        linking.case_merge(actor=member, duplicate=third, into=first, actor_private=private)
    # A handler holding only the duplicate's key cannot merge it.
    handler = make_staff(Role.HANDLER)
    grant(handler, third, coordinator)
    with pytest.raises(selectors.CaseNotFound):
        linking.case_merge(
            actor=handler.member, duplicate=third, into=second, actor_private=private_of(handler)
        )
    latecomer = make_staff(Role.COORDINATOR)
    with pytest.raises(selectors.CaseContentLocked):
        linking.case_merge(
            actor=latecomer.member,
            duplicate=third,
            into=second,
            actor_private=private_of(latecomer),
        )
    assert CaseEntry.objects.filter(case=third).exists()


def test_a_failed_merge_changes_nothing_and_leaves_no_file(coordinator, monkeypatch, tmp_path):
    duplicate = duplicate_with_a_file(coordinator)
    into = new_case()
    before = set((tmp_path / "evidence").iterdir())

    def refuse(**_kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(linking, "audit_record", refuse)
    with pytest.raises(RuntimeError):
        linking.case_merge(
            actor=coordinator.member,
            duplicate=duplicate,
            into=into,
            actor_private=private_of(coordinator),
        )
    assert set((tmp_path / "evidence").iterdir()) == before
    duplicate.refresh_from_db()
    assert duplicate.status == Status.NEW
    assert duplicate.entries.count() == 2
    assert into.entries.count() == 1


def test_a_damaged_file_stops_the_merge(coordinator):
    duplicate = duplicate_with_a_file(coordinator)
    into = new_case()
    path = storage.evidence_path(str(duplicate.files.get().uuid))
    path.write_bytes(path.read_bytes()[:-50])
    with pytest.raises(selectors.EvidenceCorrupted):
        linking.case_merge(
            actor=coordinator.member,
            duplicate=duplicate,
            into=into,
            actor_private=private_of(coordinator),
        )
    assert duplicate.entries.count() == 2
    assert into.entries.count() == 1


def test_the_merge_form_keeps_what_was_typed(client: Client, coordinator):
    duplicate, into = new_case(), new_case()
    sign_in(client, coordinator)
    url = f"/en/staff/cases/{duplicate.reference}/merge/"
    unconfirmed = client.post(url, {"into": into.reference}, follow=True).content.decode()
    assert "Tick the box to confirm the merge." in unconfirmed
    assert f'value="{into.reference}"' in unconfirmed
    itself = client.post(
        url, {"into": duplicate.reference, "confirm": "on"}, follow=True
    ).content.decode()
    assert "A case cannot be merged into itself." in itself
    unknown = client.post(url, {"into": "RD-NONE-0000", "confirm": "on"}, follow=True)
    assert "No case with this reference is open to you." in unknown.content.decode()
    merged = client.post(url, {"into": into.reference, "confirm": "on"})
    assert merged.status_code == 302
    assert merged["Location"] == f"/en/staff/cases/{into.reference}/"
    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED
    other = new_case()
    again = client.post(
        f"/en/staff/cases/{other.reference}/merge/",
        {"into": duplicate.reference, "confirm": "on"},
        follow=True,
    )
    assert "was merged already" in again.content.decode()


def test_a_reporter_of_a_merged_case_still_reaches_the_team(coordinator):
    duplicate = new_case()
    into = new_case("the original report")
    linking.case_merge(
        actor=coordinator.member,
        duplicate=duplicate,
        into=into,
        actor_private=private_of(coordinator),
    )
    duplicate.refresh_from_db()
    services.case_reporter_reply(case=duplicate, text="One more thing I remembered.")
    assert not CaseEntry.objects.filter(case=duplicate).exists()
    timeline = selectors.timeline_with_key(into, pair_of(coordinator, into))
    assert timeline[-1].kind == EntryKind.REPORTER_MESSAGE
    assert timeline[-1].content == {"text": "One more thing I remembered."}
