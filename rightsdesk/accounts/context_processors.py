from __future__ import annotations

from django.http import HttpRequest

from rightsdesk.accounts.permissions import Permission


def staff(request: HttpRequest) -> dict[str, bool]:
    user = getattr(request, "user", None)
    can_manage = bool(
        user is not None and user.is_authenticated and user.has_permission(Permission.STAFF_MANAGE)
    )
    return {"perms_staff_manage": can_manage}
