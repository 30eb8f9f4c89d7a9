from __future__ import annotations

from django.http import HttpRequest

from rightsdesk.accounts.permissions import Permission


def staff(request: HttpRequest) -> dict[str, bool]:
    """Which staff navigation links to show."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {
            "perms_staff_manage": False,
            "perms_case_work": False,
            "perms_audit_read": False,
            "perms_translation_edit": False,
        }
    return {
        "perms_staff_manage": user.has_permission(Permission.STAFF_MANAGE),
        "perms_case_work": user.has_permission(Permission.CASE_WORK),
        "perms_audit_read": user.has_permission(Permission.AUDIT_READ),
        # Content editors translate too, so this one permission opens the public pages' tools.
        "perms_translation_edit": user.has_permission(Permission.TRANSLATION_EDIT),
    }
