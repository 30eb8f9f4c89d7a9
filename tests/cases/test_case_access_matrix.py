"""Every URL of the case workspace, for every role, on an own case (granted) and on another
case (not granted), for each method: the status expected. A URL in the `cases` namespace that
is missing here fails the test, so a new view cannot ship without someone deciding who may
reach it.

Rules the table spells out:
- anonymous visitors are sent to sign in (302); roles without case:work get 403 everywhere,
  the administrator included (the role alone reads nothing);
- a handler gets 404 for every URL of a case not granted to them, exactly as for a case that
  does not exist; a coordinator sees any case's metadata page, but its content, and the writing
  and key-passing actions, only where they hold the key (404 for content, 403 for key passing);
- a wrong method is 405 for whoever may otherwise reach the view.
Requests are sent empty: forms re-render with their errors (200), actions redirect (302).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from rightsdesk.accounts.permissions import Role
from rightsdesk.cases import services
from rightsdesk.cases.models import Case
from tests.accounts.test_access_matrix import all_url_patterns
from tests.cases.casework import grant_to, make_case, make_team
from tests.conftest import sign_in
from tests.factories import make_staff

ANON = "anonymous"
ACTORS = [ANON, *[role.value for role in Role]]
OWN, OTHER = "own", "other"
C, H = Role.COORDINATOR.value, Role.HANDLER.value

Row = dict[tuple[str, str], int]


def row(*, coordinator: tuple[int, int], handler: tuple[int, int]) -> Row:
    """Statuses for (own, other) case for the two case roles; everyone else is refused."""
    statuses: Row = {}
    for actor in ACTORS:
        for which in (OWN, OTHER):
            statuses[(actor, which)] = 302 if actor == ANON else 403
    for actor, (own, other) in ((C, coordinator), (H, handler)):
        statuses[(actor, OWN)] = own
        statuses[(actor, OTHER)] = other
    return statuses


WRONG_METHOD = row(coordinator=(405, 405), handler=(405, 405))
WRONG_METHOD_ASSIGN = row(coordinator=(405, 405), handler=(403, 403))

MATRIX: dict[tuple[str, str], Row] = {
    ("cases:list", "GET"): row(coordinator=(200, 200), handler=(200, 200)),
    ("cases:list", "POST"): WRONG_METHOD,
    ("cases:search", "GET"): row(coordinator=(200, 200), handler=(200, 200)),
    ("cases:search", "POST"): WRONG_METHOD,
    ("cases:detail", "GET"): row(coordinator=(200, 200), handler=(200, 404)),
    ("cases:detail", "POST"): WRONG_METHOD,
    ("cases:file", "GET"): row(coordinator=(200, 404), handler=(200, 404)),
    ("cases:file", "POST"): WRONG_METHOD,
    # Writing is for key holders; an empty message is refused on the re-rendered page.
    ("cases:reply", "POST"): row(coordinator=(200, 404), handler=(200, 404)),
    ("cases:reply", "GET"): WRONG_METHOD,
    ("cases:note", "POST"): row(coordinator=(200, 404), handler=(200, 404)),
    ("cases:note", "GET"): WRONG_METHOD,
    ("cases:tags", "POST"): row(coordinator=(200, 404), handler=(200, 404)),
    ("cases:tags", "GET"): WRONG_METHOD,
    # Status and due date are plaintext metadata: triage may change them on any case.
    ("cases:status", "POST"): row(coordinator=(200, 200), handler=(200, 404)),
    ("cases:status", "GET"): WRONG_METHOD,
    ("cases:due", "POST"): row(coordinator=(200, 200), handler=(200, 404)),
    ("cases:due", "GET"): WRONG_METHOD,
    # A legal hold is the coordinators' decision, on any case.
    ("cases:legal-hold", "POST"): row(coordinator=(200, 200), handler=(403, 403)),
    ("cases:legal-hold", "GET"): WRONG_METHOD_ASSIGN,
    # Passing the key on needs case:assign and the key itself.
    ("cases:assign", "POST"): row(coordinator=(200, 403), handler=(403, 403)),
    ("cases:assign", "GET"): WRONG_METHOD_ASSIGN,
    ("cases:grant", "POST"): row(coordinator=(200, 403), handler=(403, 403)),
    ("cases:grant", "GET"): WRONG_METHOD_ASSIGN,
    ("cases:revoke", "POST"): row(coordinator=(302, 403), handler=(403, 403)),
    ("cases:revoke", "GET"): WRONG_METHOD_ASSIGN,
    # Asking for a key: a coordinator may for any case (they see it in the queue); a handler
    # only for one linked from a case they hold, so a guessed reference is a 404.
    ("cases:access-request", "POST"): row(coordinator=(302, 302), handler=(302, 404)),
    ("cases:access-request", "GET"): WRONG_METHOD,
    # Answering is for holders; an empty answer is sent back with a message.
    ("cases:access-decide", "POST"): row(coordinator=(302, 403), handler=(302, 404)),
    ("cases:access-decide", "GET"): WRONG_METHOD,
    # Links, merging and export (cases/tool_views.py).
    # Sent empty, linking is refused with a message on the case page (a coordinator sees every
    # case's page); unlinking names no link, so there is none to find.
    ("cases:link", "POST"): row(coordinator=(302, 302), handler=(302, 404)),
    ("cases:link", "GET"): WRONG_METHOD,
    ("cases:unlink", "POST"): row(coordinator=(404, 404), handler=(404, 404)),
    ("cases:unlink", "GET"): WRONG_METHOD,
    ("cases:merge", "POST"): row(coordinator=(302, 404), handler=(302, 404)),
    ("cases:merge", "GET"): WRONG_METHOD,
    ("cases:export", "GET"): row(coordinator=(200, 404), handler=(200, 404)),
    ("cases:export", "POST"): row(coordinator=(200, 404), handler=(200, 404)),
}


def test_every_cases_url_is_in_the_matrix():
    names = {
        pattern.full_name  # type: ignore[attr-defined]
        for pattern in all_url_patterns()
        if pattern.full_name.startswith("cases:")  # type: ignore[attr-defined]
    }
    covered = {name for name, _method in MATRIX}
    assert names == covered, f"missing from the matrix: {names - covered}"


def test_every_row_names_every_actor_and_case():
    for key, statuses in MATRIX.items():
        assert set(statuses) == {(actor, which) for actor in ACTORS for which in (OWN, OTHER)}, key


@dataclass
class Scene:
    case: Case
    file_uuid: str
    third_holder_id: int
    request_id: int


def _scene(team, case: Case) -> Scene:
    """A case with a file, a third key holder to revoke and an open request to answer."""
    evidence = services.case_attach_file(
        case=case, name="f.txt", content=b"x", inspection={"inspected": True}
    )
    third = make_staff(Role.HANDLER)
    grant_to(team, case, third)
    asker = make_staff(Role.COORDINATOR)
    access_request = services.access_request_create(case=case, actor=asker.member)
    return Scene(
        case=case,
        file_uuid=str(evidence.uuid),
        third_holder_id=third.member.pk,
        request_id=access_request.pk,
    )


def _url(name: str, scene: Scene) -> str:
    arguments = {
        "reference": scene.case.reference,
        "file_uuid": scene.file_uuid,
        "member_id": scene.third_holder_id,
        "request_id": scene.request_id,
    }
    for pattern in all_url_patterns():
        if pattern.full_name == name:  # type: ignore[attr-defined]
            wanted = set(pattern.pattern.converters)
            with translation.override("en"):
                return reverse(name, kwargs={k: v for k, v in arguments.items() if k in wanted})
    raise AssertionError(name)


@pytest.mark.parametrize("which", [OWN, OTHER])
@pytest.mark.parametrize("actor", ACTORS)
def test_matrix(actor: str, which: str, db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    team = make_team()
    other = make_case()  # made before the actor exists: a coordinator actor holds no grant
    client = Client()
    login = None
    if actor != ANON:
        login = make_staff(Role(actor))
        sign_in(client, login)
    own = make_case()
    if actor == H and login is not None:
        grant_to(team, own, login)
    scene = _scene(team, own if which == OWN else other)
    wrong = []
    for (name, method), statuses in MATRIX.items():
        response = client.generic(method, _url(name, scene))
        if response.status_code != statuses[(actor, which)]:
            wrong.append(f"{method} {name}: {response.status_code}")
    assert not wrong, f"{actor} on {which} case: {wrong}"
