"""Who may reach which URL.

Everything is staff-only unless its URL name is in one of the two lists below, and every staff view
declares the one permission it needs with :func:`staff_view`. DenyByDefaultMiddleware enforces
both; a test walks the URL resolver so that no URL escapes the lists or the matrix.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.http import HttpRequest

from rightsdesk.accounts.models import StaffMember
from rightsdesk.accounts.permissions import Permission

# Pages anyone may open, signed in or not.
PUBLIC_URL_NAMES: frozenset[str] = frozenset(
    {
        "healthz",
        "language",
        # The reporting API: the reporter endpoints check their own bearer token.
        "api:openapi-json",
        "api:api-root",
        "api:reports",
        "api:reporter-session",
        "api:reporter-case",
        "api:reporter-messages",
        "api:report-files",
        "api:reporter-files",
        # The staff API: every endpoint checks its own bearer token and declares its permission
        # on it (StaffBearer in cases/staff_api.py); browser sessions do not open it.
        "api:staff-session",
        "api:staff-cases",
        "api:staff-case-search",
        "api:staff-case",
        "api:staff-case-replies",
        "api:staff-case-notes",
        "api:staff-case-status",
        "api:staff-case-assign",
        "api:staff-case-grant",
        "api:staff-case-access-requests",
        "api:staff-case-access-decision",
        "api:staff-notifications",
        "api:staff-case-due",
        "api:staff-case-tags",
        "api:staff-case-legal-hold",
        "api:staff-case-file",
        "api:staff-case-link",
        "api:staff-case-merge",
        "api:staff-case-export",
        "api:staff-notifications-read",
        "core:home",
        "core:cover-tracks",
        "content:page",
        "content:search",
        "sitemap",
        "robots",
        "intake:start",
        "intake:danger",
        "intake:emergency",
        "intake:scope",
        "intake:elsewhere",
        "intake:what",
        "intake:evidence",
        "intake:contact",
        "intake:review",
        "intake:sent",
        "intake:discard",
        "intake:followup",
        "intake:followup-reply",
        "intake:followup-files",
        "intake:followup-withdraw",
        "intake:followup-leave",
        "safety:footprint",
        "safety:emergencies",
        "safety:workflow",
        "safety:workflow-node",
        "safety:workflow-ask",
        "safety:checkup",
        "safety:checkup-plan",
        "safety:index",
        "safety:learn",
        "safety:progress-reset",
        "safety:topic",
        "safety:lesson",
        "safety:lesson-progress",
    }
)

# Staff pages reachable before a sign-in is complete: the sign-in itself and enrolment.
SIGN_IN_URL_NAMES: frozenset[str] = frozenset(
    {
        "accounts:login",
        "accounts:enrol",
    }
)

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., object])

PERMISSION_ATTRIBUTE = "rightsdesk_permission"


def staff_view(permission: Permission) -> Callable[[ViewFunc], ViewFunc]:
    """Declare the permission a staff view needs. A staff view without one answers 404."""

    def mark(view: ViewFunc) -> ViewFunc:
        setattr(view, PERMISSION_ATTRIBUTE, permission)
        return view

    return mark


def required_permission(view: object) -> Permission | None:
    return getattr(view, PERMISSION_ATTRIBUTE, None)


def acting_member(request: HttpRequest) -> StaffMember:
    """The signed-in member behind a staff view (DenyByDefaultMiddleware guarantees one)."""
    member = request.user
    if not isinstance(member, StaffMember):
        raise PermissionError("a staff view was reached without a signed-in member")
    return member
