"""The auditor's page: filters, pages of 50, newest first, and checking the chain on demand."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from rightsdesk.accounts.permissions import Role
from rightsdesk.audit.models import Action, AuditEntry
from rightsdesk.audit.services import audit_record
from tests.audit.conftest import START
from tests.conftest import sign_in
from tests.factories import make_staff

LOG = "/en/staff/audit/"


@pytest.fixture
def auditor(client: Client, db) -> Client:
    sign_in(client, make_staff(Role.AUDITOR, username="auditor1"))
    return client


def sequences(response) -> list[int]:
    return [entry.sequence for entry in response.context["page"].object_list]


def test_the_url_and_its_name(db):
    assert reverse("audit:log") == LOG


def test_entries_are_shown_newest_first(chain, auditor: Client):
    response = auditor.get(LOG)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    # The auditor's account being created, then their sign-in, come last of all.
    assert sequences(response) == list(range(len(chain) + 2, 0, -1))
    html = response.content.decode()
    assert "RD-AAAA-BBBB" in html
    assert "Granted access to a case" in html


def test_the_staff_navigation_links_to_the_log_for_auditors_only(client: Client, db):
    sign_in(client, make_staff(Role.AUDITOR))
    assert f'href="{LOG}"' in client.get("/en/staff/").content.decode()
    other = Client()
    sign_in(other, make_staff(Role.ADMIN))
    assert f'href="{LOG}"' not in other.get("/en/staff/").content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"action": Action.GRANT}, [3]),
        ({"actor": "Jonas "}, [4]),
        ({"case_reference": "rd-aaaa-bbbb"}, [3, 2]),
        ({"action": Action.CASE_READ, "case_reference": "RD-AAAA-BBBB"}, [2]),
        ({"actor": "amira", "date_from": "2026-03-01", "date_to": "2026-03-01"}, [6, 3, 2, 1]),
        ({"date_to": "2026-02-28"}, []),
    ],
)
def test_filters(chain, auditor: Client, query: dict[str, str], expected: list[int]):
    response = auditor.get(LOG, query)
    assert response.status_code == 200
    assert sequences(response) == expected


def test_the_until_date_includes_that_whole_day(chain, auditor: Client):
    audit_record(action=Action.EXPORT, actor="amira", at=START + timedelta(hours=14, minutes=59))
    response = auditor.get(LOG, {"action": Action.EXPORT, "date_to": "2026-03-01"})
    assert len(sequences(response)) == 1
    response = auditor.get(LOG, {"action": Action.EXPORT, "date_from": "2026-03-02"})
    assert sequences(response) == []


def test_nothing_matches(chain, auditor: Client):
    response = auditor.get(LOG, {"actor": "nobody"})
    assert "No entries match." in response.content.decode()


def test_a_bad_date_is_explained_and_what_was_typed_is_kept(chain, auditor: Client):
    response = auditor.get(LOG, {"actor": "jonas", "date_from": "1 March"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a valid date." in html
    assert "Correct the filters above to see entries." in html
    assert 'value="1 March"' in html
    assert 'value="jonas"' in html
    assert sequences(response) == []


def test_dates_in_the_wrong_order_are_explained(chain, auditor: Client):
    response = auditor.get(LOG, {"date_from": "2026-03-02", "date_to": "2026-03-01"})
    html = response.content.decode()
    assert "This date is before the “From” date." in html
    assert 'value="2026-03-02"' in html
    assert 'value="2026-03-01"' in html


def test_an_unknown_action_is_refused(chain, auditor: Client):
    response = auditor.get(LOG, {"action": "tea_break"})
    assert "Select a valid choice." in response.content.decode()
    assert sequences(response) == []


def test_pages_of_fifty_keep_the_filters(auditor: Client, db):
    for _ in range(120):
        audit_record(action=Action.CASE_READ, actor="amira", case_reference="RD-AAAA-BBBB")
    # Entries 1 and 2 are the auditor's account being created and their sign-in.
    first = auditor.get(LOG, {"action": Action.CASE_READ})
    assert sequences(first) == list(range(122, 72, -1))
    html = first.content.decode()
    assert "Page 1 of 3" in html
    assert 'href="?action=case_read&amp;page=2"' in html
    last = auditor.get(LOG, {"action": Action.CASE_READ, "page": "3"})
    assert sequences(last) == list(range(22, 2, -1))


def test_checking_the_chain_shows_it_intact(chain, auditor: Client):
    page = auditor.get(LOG)
    assert "The chain is intact." not in page.content.decode()
    response = auditor.post(f"{LOG}?action=grant")
    assert response.status_code == 200
    html = response.content.decode()
    assert "The chain is intact." in html
    assert "8 entries checked." in html
    assert AuditEntry.objects.get(sequence=8).entry_hash in html
    # The filtered page stays as it was.
    assert sequences(response) == [3]


def test_checking_the_chain_names_the_first_bad_entry(chain, auditor: Client):
    AuditEntry.objects.filter(sequence=4).update(detail={"status": "open"})
    html = auditor.post(LOG).content.decode()
    assert "The chain is broken at entry #4." in html
    assert "Edited: its content no longer matches its hash" in html
    assert "3 entries were checked and are intact." in html


def test_checking_the_chain_needs_the_form_token(auditor: Client):
    auditor.handler.enforce_csrf_checks = True
    assert auditor.post(LOG).status_code == 403
    token = str(auditor.get(LOG).context["csrf_token"])
    response = auditor.post(LOG, {"csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert "The chain is intact." in response.content.decode()


@pytest.mark.parametrize("role", [role for role in Role if role != Role.AUDITOR])
def test_other_roles_cannot_read_the_log(client: Client, db, role: Role):
    sign_in(client, make_staff(role))
    assert client.get(LOG).status_code == 403
    assert client.post(LOG).status_code == 403
