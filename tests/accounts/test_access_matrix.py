"""Who may reach which URL: every URL in the project is in this matrix, or the test fails."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from rightsdesk.accounts.access import PUBLIC_URL_NAMES, SIGN_IN_URL_NAMES, required_permission
from rightsdesk.accounts.permissions import Permission, Role
from tests.conftest import sign_in
from tests.factories import make_staff

ANON = "anonymous"
ALL_ROLES = [ANON, *[role.value for role in Role]]

# (url name, method) → {actor: expected status}. Statuses: 200 page, 302 redirect, 403 role may
# not, 405 wrong method. Anonymous visitors of staff pages are sent to sign in (302).
STAFF_ONLY_OK = dict.fromkeys(Role, 200) | {ANON: 302}
MATRIX: dict[tuple[str, str], dict[str, int]] = {
    ("healthz", "GET"): dict.fromkeys(ALL_ROLES, 200),
    ("core:home", "GET"): dict.fromkeys(ALL_ROLES, 200),
    ("core:cover-tracks", "GET"): dict.fromkeys(ALL_ROLES, 200),
    ("core:home", "POST"): dict.fromkeys(ALL_ROLES, 405),
    ("content:page", "GET"): dict.fromkeys(ALL_ROLES, 404),
    ("content:search", "GET"): dict.fromkeys(ALL_ROLES, 200),
    ("content:search", "POST"): dict.fromkeys(ALL_ROLES, 405),
    ("sitemap", "GET"): dict.fromkeys(ALL_ROLES, 200),
    ("robots", "GET"): dict.fromkeys(ALL_ROLES, 200),
    ("language", "GET"): dict.fromkeys(ALL_ROLES, 303),
    ("language", "POST"): dict.fromkeys(ALL_ROLES, 405),
    ("accounts:login", "GET"): dict.fromkeys(Role, 302) | {ANON: 200},
    ("accounts:enrol", "GET"): dict.fromkeys(ALL_ROLES, 302),
    ("accounts:dashboard", "GET"): {str(k): v for k, v in STAFF_ONLY_OK.items()},
    ("accounts:logout", "GET"): dict.fromkeys(Role, 405) | {ANON: 302},
    ("accounts:logout", "POST"): dict.fromkeys(ALL_ROLES, 302),
    ("accounts:members", "GET"): dict.fromkeys(Role, 403) | {ANON: 302, Role.ADMIN: 200},
    ("accounts:notifications-read", "POST"): dict.fromkeys(ALL_ROLES, 302),
    # Only reachable while a first sign-in waits for its recovery key; otherwise back to work.
    ("accounts:recovery-key", "GET"): dict.fromkeys(ALL_ROLES, 302),
    ("accounts:password-change", "GET"): dict.fromkeys(Role, 200) | {ANON: 302},
    # Lost passwords: the member's own page sends them back while nothing needs restoring; an
    # administrator's reset and escrow pages for a member who does not exist are not found.
    ("accounts:account-recover", "GET"): dict.fromkeys(ALL_ROLES, 302),
    ("accounts:member-key-reset", "GET"): dict.fromkeys(Role, 403) | {ANON: 302, Role.ADMIN: 404},
    ("accounts:member-key-reset", "POST"): dict.fromkeys(Role, 403) | {ANON: 302, Role.ADMIN: 404},
    ("accounts:member-escrow-restore", "GET"): dict.fromkeys(Role, 403)
    | {ANON: 302, Role.ADMIN: 404},
    ("accounts:member-escrow-restore", "POST"): dict.fromkeys(Role, 403)
    | {ANON: 302, Role.ADMIN: 404},
    # Every member has notifications and chooses which also come by email.
    ("notifications:list", "GET"): dict.fromkeys(Role, 200) | {ANON: 302},
    ("notifications:list", "POST"): dict.fromkeys(Role, 405) | {ANON: 302},
    ("notifications:mark-read", "POST"): dict.fromkeys(ALL_ROLES, 302),
    ("notifications:mark-read", "GET"): dict.fromkeys(Role, 405) | {ANON: 302},
    ("notifications:preferences", "GET"): dict.fromkeys(Role, 200) | {ANON: 302},
    ("notifications:preferences", "POST"): dict.fromkeys(ALL_ROLES, 302),
    ("cases:list", "GET"): dict.fromkeys(Role, 403)
    | {ANON: 302, Role.COORDINATOR: 200, Role.HANDLER: 200},
    # A case nobody may see: not found for those who work on cases, forbidden for the rest.
    ("cases:detail", "GET"): dict.fromkeys(Role, 403)
    | {ANON: 302, Role.COORDINATOR: 404, Role.HANDLER: 404},
    # The public reporting flow: open to everyone; steps without a draft go back to its start.
    ("intake:start", "GET"): dict.fromkeys(ALL_ROLES, 200),
    ("intake:danger", "GET"): dict.fromkeys(ALL_ROLES, 302),
    ("intake:emergency", "GET"): dict.fromkeys(ALL_ROLES, 200),
    ("intake:scope", "GET"): dict.fromkeys(ALL_ROLES, 302),
    ("intake:elsewhere", "GET"): dict.fromkeys(ALL_ROLES, 200),
    ("intake:what", "GET"): dict.fromkeys(ALL_ROLES, 302),
    ("intake:evidence", "GET"): dict.fromkeys(ALL_ROLES, 302),
    ("intake:contact", "GET"): dict.fromkeys(ALL_ROLES, 302),
    ("intake:review", "GET"): dict.fromkeys(ALL_ROLES, 302),
    ("intake:sent", "GET"): dict.fromkeys(ALL_ROLES, 200),
    ("intake:discard", "POST"): dict.fromkeys(ALL_ROLES, 302),
    ("intake:followup", "GET"): dict.fromkeys(ALL_ROLES, 200),
    ("intake:followup-reply", "POST"): dict.fromkeys(ALL_ROLES, 302),
    ("intake:followup-files", "POST"): dict.fromkeys(ALL_ROLES, 302),
    ("intake:followup-withdraw", "GET"): dict.fromkeys(ALL_ROLES, 302),
    ("intake:followup-leave", "POST"): dict.fromkeys(ALL_ROLES, 302),
    # The wiki footprint check is public; an empty form comes back with its errors.
    ("safety:footprint", "GET"): dict.fromkeys(ALL_ROLES, 200),
    ("safety:footprint", "POST"): dict.fromkeys(ALL_ROLES, 200),
    ("safety:footprint", "PUT"): dict.fromkeys(ALL_ROLES, 405),
    # Emergency workflows: read by anyone; "Ask the team" is a POST from an end node.
    ("safety:emergencies", "GET"): dict.fromkeys(ALL_ROLES, 200),
    ("safety:emergencies", "POST"): dict.fromkeys(ALL_ROLES, 405),
    ("safety:workflow", "GET"): dict.fromkeys(ALL_ROLES, 404),
    ("safety:workflow", "POST"): dict.fromkeys(ALL_ROLES, 405),
    ("safety:workflow-node", "GET"): dict.fromkeys(ALL_ROLES, 404),
    ("safety:workflow-ask", "GET"): dict.fromkeys(ALL_ROLES, 405),
    ("safety:workflow-ask", "POST"): dict.fromkeys(ALL_ROLES, 404),
    # The safety centre's lessons: pages read by anyone; ticks are posted and kept in a cookie.
    ("safety:index", "GET"): dict.fromkeys(ALL_ROLES, 200),
    ("safety:index", "POST"): dict.fromkeys(ALL_ROLES, 405),
    ("safety:learn", "GET"): dict.fromkeys(ALL_ROLES, 200),
    ("safety:learn", "POST"): dict.fromkeys(ALL_ROLES, 405),
    ("safety:topic", "GET"): dict.fromkeys(ALL_ROLES, 404),
    ("safety:lesson", "GET"): dict.fromkeys(ALL_ROLES, 404),
    ("safety:lesson", "POST"): dict.fromkeys(ALL_ROLES, 405),
    ("safety:lesson-progress", "GET"): dict.fromkeys(ALL_ROLES, 405),
    ("safety:lesson-progress", "POST"): dict.fromkeys(ALL_ROLES, 404),
    ("safety:progress-reset", "GET"): dict.fromkeys(ALL_ROLES, 405),
    ("safety:progress-reset", "POST"): dict.fromkeys(ALL_ROLES, 303),
    # The self-check: an empty post gets its first part again; the plan page only reads.
    ("safety:checkup", "GET"): dict.fromkeys(ALL_ROLES, 200),
    ("safety:checkup", "POST"): dict.fromkeys(ALL_ROLES, 200),
    ("safety:checkup", "PUT"): dict.fromkeys(ALL_ROLES, 405),
    ("safety:checkup-plan", "GET"): dict.fromkeys(ALL_ROLES, 200),
    ("safety:checkup-plan", "POST"): dict.fromkeys(ALL_ROLES, 405),
    # The reporting API is public; reporter endpoints demand their own bearer token.
    ("api:api-root", "GET"): dict.fromkeys(ALL_ROLES, 404),
    ("api:openapi-json", "GET"): dict.fromkeys(ALL_ROLES, 200),
    ("api:reports", "POST"): dict.fromkeys(ALL_ROLES, 400),
    ("api:reporter-session", "POST"): dict.fromkeys(ALL_ROLES, 400),
    ("api:reporter-case", "GET"): dict.fromkeys(ALL_ROLES, 401),
    ("api:reporter-messages", "POST"): dict.fromkeys(ALL_ROLES, 401),
    ("api:report-files", "POST"): dict.fromkeys(ALL_ROLES, 401),
    ("api:reporter-files", "POST"): dict.fromkeys(ALL_ROLES, 401),
    # The staff API answers only to its own bearer token, never to a browser session.
    ("api:staff-session", "POST"): dict.fromkeys(ALL_ROLES, 400),
    ("api:staff-session", "DELETE"): dict.fromkeys(ALL_ROLES, 401),
    ("api:staff-cases", "GET"): dict.fromkeys(ALL_ROLES, 401),
    ("api:staff-case-search", "GET"): dict.fromkeys(ALL_ROLES, 401),
    ("api:staff-case", "GET"): dict.fromkeys(ALL_ROLES, 401),
    ("api:staff-case-replies", "POST"): dict.fromkeys(ALL_ROLES, 401),
    ("api:staff-case-notes", "POST"): dict.fromkeys(ALL_ROLES, 401),
    ("api:staff-case-status", "POST"): dict.fromkeys(ALL_ROLES, 401),
    ("api:staff-case-assign", "POST"): dict.fromkeys(ALL_ROLES, 401),
    ("api:staff-case-grant", "POST"): dict.fromkeys(ALL_ROLES, 401),
    ("api:staff-case-grant", "DELETE"): dict.fromkeys(ALL_ROLES, 401),
    ("api:staff-case-access-requests", "POST"): dict.fromkeys(ALL_ROLES, 401),
    ("api:staff-case-access-decision", "POST"): dict.fromkeys(ALL_ROLES, 401),
    ("api:staff-notifications", "GET"): dict.fromkeys(ALL_ROLES, 401),
    ("api:staff-case-due", "POST"): dict.fromkeys(ALL_ROLES, 401),
    ("api:staff-case-tags", "POST"): dict.fromkeys(ALL_ROLES, 401),
    ("api:staff-case-legal-hold", "POST"): dict.fromkeys(ALL_ROLES, 401),
    ("api:staff-case-file", "GET"): dict.fromkeys(ALL_ROLES, 401),
    ("api:staff-case-link", "POST"): dict.fromkeys(ALL_ROLES, 401),
    ("api:staff-case-link", "DELETE"): dict.fromkeys(ALL_ROLES, 401),
    ("api:staff-case-merge", "POST"): dict.fromkeys(ALL_ROLES, 401),
    ("api:staff-case-export", "POST"): dict.fromkeys(ALL_ROLES, 401),
    ("api:staff-notifications-read", "POST"): dict.fromkeys(ALL_ROLES, 401),
    # Case tools: search runs over the member's own grants (none here: an empty result page).
    ("cases:search", "GET"): dict.fromkeys(Role, 403)
    | {ANON: 302, Role.COORDINATOR: 200, Role.HANDLER: 200},
    ("cases:search", "POST"): dict.fromkeys(Role, 403)
    | {ANON: 302, Role.COORDINATOR: 405, Role.HANDLER: 405},
    ("cases:export", "GET"): dict.fromkeys(Role, 403)
    | {ANON: 302, Role.COORDINATOR: 404, Role.HANDLER: 404},
    ("cases:export", "POST"): dict.fromkeys(Role, 403)
    | {ANON: 302, Role.COORDINATOR: 404, Role.HANDLER: 404},
    ("cases:link", "POST"): dict.fromkeys(Role, 403)
    | {ANON: 302, Role.COORDINATOR: 404, Role.HANDLER: 404},
    ("cases:link", "GET"): dict.fromkeys(Role, 403)
    | {ANON: 302, Role.COORDINATOR: 405, Role.HANDLER: 405},
    ("cases:unlink", "POST"): dict.fromkeys(Role, 403)
    | {ANON: 302, Role.COORDINATOR: 404, Role.HANDLER: 404},
    ("cases:merge", "POST"): dict.fromkeys(Role, 403)
    | {ANON: 302, Role.COORDINATOR: 404, Role.HANDLER: 404},
    ("cases:file", "GET"): dict.fromkeys(Role, 403)
    | {ANON: 302, Role.COORDINATOR: 404, Role.HANDLER: 404},
    ("cases:reply", "POST"): dict.fromkeys(Role, 403)
    | {ANON: 302, Role.COORDINATOR: 404, Role.HANDLER: 404},
    # The case workspace on a case nobody may see (tests/cases/test_case_access_matrix.py has
    # the own-case and other-case rows).
    **{
        (name, "POST"): dict.fromkeys(Role, 403)
        | {ANON: 302, Role.COORDINATOR: 404, Role.HANDLER: 404}
        for name in (
            "cases:note",
            "cases:status",
            "cases:due",
            "cases:tags",
            "cases:access-request",
            "cases:access-decide",
        )
    },
    # A legal hold needs case:triage: coordinators only.
    ("cases:legal-hold", "POST"): dict.fromkeys(Role, 403) | {ANON: 302, Role.COORDINATOR: 404},
    # Assigning and giving or taking back a key need case:assign: coordinators only.
    **{
        (name, "POST"): dict.fromkeys(Role, 403) | {ANON: 302, Role.COORDINATOR: 404}
        for name in ("cases:assign", "cases:grant", "cases:revoke")
    },
    # The audit log, and checking its chain, are for auditors only.
    ("audit:log", "GET"): dict.fromkeys(Role, 403) | {ANON: 302, Role.AUDITOR: 200},
    ("audit:log", "POST"): dict.fromkeys(Role, 403) | {ANON: 302, Role.AUDITOR: 200},
    # Translating public pages: translators and content editors (who translate too). A page that
    # does not exist is not found; an empty upload or page form is refused (400).
    ("content_staff:pages", "GET"): dict.fromkeys(Role, 403)
    | {ANON: 302, Role.TRANSLATOR: 200, Role.CONTENT_EDITOR: 200},
    ("content_staff:catalogues", "GET"): dict.fromkeys(Role, 403)
    | {ANON: 302, Role.TRANSLATOR: 200, Role.CONTENT_EDITOR: 200},
    ("content_staff:catalogues", "POST"): dict.fromkeys(Role, 403)
    | {ANON: 302, Role.TRANSLATOR: 400, Role.CONTENT_EDITOR: 400},
    ("content_staff:catalogue-export", "GET"): dict.fromkeys(Role, 403)
    | {ANON: 302, Role.TRANSLATOR: 200, Role.CONTENT_EDITOR: 200},
    **{
        ("content_staff:translate", method): dict.fromkeys(Role, 403)
        | {ANON: 302, Role.TRANSLATOR: 404, Role.CONTENT_EDITOR: 404}
        for method in ("GET", "POST")
    },
    # Editing a page's source, creating pages and crisis banners: content editors only.
    ("content_staff:page-create", "GET"): dict.fromkeys(Role, 403)
    | {ANON: 302, Role.CONTENT_EDITOR: 200},
    ("content_staff:page-create", "POST"): dict.fromkeys(Role, 403)
    | {ANON: 302, Role.CONTENT_EDITOR: 400},
    ("content_staff:page-edit", "GET"): dict.fromkeys(Role, 403)
    | {ANON: 302, Role.CONTENT_EDITOR: 404},
    ("content_staff:page-edit", "POST"): dict.fromkeys(Role, 403)
    | {ANON: 302, Role.CONTENT_EDITOR: 404},
    ("content_staff:page-banner", "POST"): dict.fromkeys(Role, 403)
    | {ANON: 302, Role.CONTENT_EDITOR: 404},
    ("content_staff:page-banner", "GET"): dict.fromkeys(Role, 403)
    | {ANON: 302, Role.CONTENT_EDITOR: 405},
}
URL_ARGUMENTS: dict[str, dict[str, object]] = {
    "content:page": {"slug": "no-such-page"},
    "safety:topic": {"topic": "no-such-topic"},
    "safety:workflow": {"slug": "no-such-workflow"},
    "safety:workflow-node": {"slug": "no-such-workflow", "node": "start"},
    "safety:workflow-ask": {"slug": "no-such-workflow", "node": "start"},
    "safety:lesson": {"topic": "no-such-topic", "level": "beginner"},
    "safety:lesson-progress": {"topic": "no-such-topic", "level": "beginner"},
    "content_staff:translate": {"slug": "no-such-page", "language": "fa"},
    "content_staff:catalogue-export": {"language": "fa"},
    "content_staff:page-edit": {"slug": "no-such-page"},
    "content_staff:page-banner": {"slug": "no-such-page"},
    "language": {"code": "fa"},
    "accounts:member-key-reset": {"username": "nobody-here"},
    "accounts:member-escrow-restore": {"username": "nobody-here"},
    "cases:detail": {"reference": "RD-NONE-0000"},
    "cases:reply": {"reference": "RD-NONE-0000"},
    "cases:note": {"reference": "RD-NONE-0000"},
    "cases:status": {"reference": "RD-NONE-0000"},
    "cases:due": {"reference": "RD-NONE-0000"},
    "cases:legal-hold": {"reference": "RD-NONE-0000"},
    "cases:tags": {"reference": "RD-NONE-0000"},
    "cases:assign": {"reference": "RD-NONE-0000"},
    "cases:grant": {"reference": "RD-NONE-0000"},
    "cases:access-request": {"reference": "RD-NONE-0000"},
    "cases:revoke": {"reference": "RD-NONE-0000", "member_id": "1"},
    "cases:access-decide": {"reference": "RD-NONE-0000", "request_id": "1"},
    "cases:export": {"reference": "RD-NONE-0000"},
    "cases:link": {"reference": "RD-NONE-0000"},
    "cases:unlink": {"reference": "RD-NONE-0000"},
    "cases:merge": {"reference": "RD-NONE-0000"},
    "api:staff-case": {"reference": "RD-NONE-0000"},
    "api:staff-case-replies": {"reference": "RD-NONE-0000"},
    "api:staff-case-notes": {"reference": "RD-NONE-0000"},
    "api:staff-case-status": {"reference": "RD-NONE-0000"},
    "api:staff-case-assign": {"reference": "RD-NONE-0000"},
    "api:staff-case-grant": {"reference": "RD-NONE-0000", "username": "nobody"},
    "api:staff-case-access-requests": {"reference": "RD-NONE-0000"},
    "api:staff-case-access-decision": {"reference": "RD-NONE-0000", "request_id": 1},
    "api:staff-case-due": {"reference": "RD-NONE-0000"},
    "api:staff-case-tags": {"reference": "RD-NONE-0000"},
    "api:staff-case-legal-hold": {"reference": "RD-NONE-0000"},
    "api:staff-case-file": {
        "reference": "RD-NONE-0000",
        "file_uuid": "00000000-0000-0000-0000-000000000000",
    },
    "api:staff-case-link": {"reference": "RD-NONE-0000", "other_reference": "RD-NONE-0001"},
    "api:staff-case-merge": {"reference": "RD-NONE-0000"},
    "api:staff-case-export": {"reference": "RD-NONE-0000"},
    "cases:file": {
        "reference": "RD-NONE-0000",
        "file_uuid": "00000000-0000-0000-0000-000000000000",
    },
}


def walk(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[URLPattern]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from (_named(p, namespace) for p in walk(pattern.url_patterns, namespace))
        else:
            yield _named(pattern, prefix)


def _named(pattern: URLPattern, prefix: str) -> URLPattern:
    if not hasattr(pattern, "full_name"):
        pattern.full_name = f"{prefix}{pattern.name}"  # type: ignore[attr-defined]
    return pattern


def all_url_patterns() -> list[URLPattern]:
    return list(walk(get_resolver().url_patterns))


def test_every_url_is_named_and_classified():
    for pattern in all_url_patterns():
        name = pattern.full_name  # type: ignore[attr-defined]
        assert pattern.name, f"unnamed URL pattern {pattern.pattern}"
        if name in PUBLIC_URL_NAMES or name in SIGN_IN_URL_NAMES:
            continue
        assert isinstance(required_permission(pattern.callback), Permission), (
            f"{name} is a staff view without a declared permission"
        )


def test_every_url_is_in_the_matrix():
    names = {pattern.full_name for pattern in all_url_patterns()}  # type: ignore[attr-defined]
    covered = {name for name, _method in MATRIX}
    assert names == covered, f"missing from the matrix: {names - covered}"


def test_every_row_names_every_actor():
    for key, row in MATRIX.items():
        assert set(row) == set(ALL_ROLES), key


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ALL_ROLES)
def test_matrix(actor: str):
    client = Client()
    if actor != ANON:
        sign_in(client, make_staff(Role(actor)))
    for (name, method), row in MATRIX.items():
        with translation.override("en"):
            url = reverse(name, kwargs=URL_ARGUMENTS.get(name))
        response = client.generic(method, url)
        assert response.status_code == row[actor], f"{actor} {method} {name}"
        if name == "accounts:logout" and method == "POST" and actor != ANON:
            sign_in(client, make_staff(Role(actor)))


@pytest.mark.django_db
def test_a_staff_view_without_a_permission_fails_closed(client: Client, signed_in, settings):
    signed_in(Role.ADMIN)
    settings.ROOT_URLCONF = "tests.accounts.undeclared_urls"
    assert client.get("/undeclared/view/").status_code == 404
