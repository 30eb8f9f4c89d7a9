"""Staff session limits and the deny-by-default gate."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from rightsdesk.accounts.access import PUBLIC_URL_NAMES, SIGN_IN_URL_NAMES, required_permission

Handler = Callable[[HttpRequest], HttpResponse]

VERIFIED_AT = "staff_verified_at"
# Set after a first sign-in until the member confirms their recovery key; nothing else opens.
RECOVERY_PENDING = "staff_recovery_pending"
RECOVERY_URL_NAMES = frozenset({"accounts:recovery-key", "accounts:logout"})
# After an administrator's key reset: only choosing a new password (or leaving) opens.
PASSWORD_CHANGE_URL_NAMES = frozenset({"accounts:password-change", "accounts:logout"})
SEEN_AT = "staff_seen_at"
# Writing the session on every request would be a database write per click; a minute is plenty.
SEEN_AT_RESOLUTION = 60


def session_expired(session: Any, *, now: float) -> bool:
    verified_at = session.get(VERIFIED_AT)
    seen_at = session.get(SEEN_AT, verified_at)
    if not isinstance(verified_at, (int, float)) or not isinstance(seen_at, (int, float)):
        return True
    return (
        now - verified_at > settings.STAFF_SESSION_ABSOLUTE_SECONDS
        or now - seen_at > settings.STAFF_SESSION_IDLE_SECONDS
    )


class StaffSessionMiddleware:
    """Ends staff sessions after 30 idle minutes or 8 hours in all, whichever comes first.

    A session only counts as signed in when the two-factor sign-in finished (VERIFIED_AT is set
    together with Django's login); anything else is treated as signed out.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            if session_expired(request.session, now=now):
                logout(request)
                request.session_ended = True  # type: ignore[attr-defined]
            elif now - request.session.get(SEEN_AT, 0) > SEEN_AT_RESOLUTION:
                request.session[SEEN_AT] = now
        return self.get_response(request)


class DenyByDefaultMiddleware:
    """Lets through public pages and the sign-in pages; everything else needs a complete staff
    sign-in and the permission its view declares."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        view_name = match.view_name if match else ""
        if view_name in PUBLIC_URL_NAMES or view_name in SIGN_IN_URL_NAMES:
            return None
        if not request.user.is_authenticated:
            if getattr(request, "session_ended", False):
                messages.info(request, _("Your session ended. Please sign in again."))
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('accounts:login')}?{query}")
        if request.session.get(RECOVERY_PENDING):
            if view_name not in RECOVERY_URL_NAMES:
                return HttpResponseRedirect(reverse("accounts:recovery-key"))
        elif (
            getattr(request.user, "must_change_password", False)
            and view_name not in PASSWORD_CHANGE_URL_NAMES
        ):
            return HttpResponseRedirect(reverse("accounts:password-change"))
        permission = required_permission(view_func)
        if permission is None:
            # A staff view that forgot to declare its permission is a bug; fail closed.
            raise Http404
        if not request.user.has_permission(permission):
            return render(request, "core/403.html", status=403)
        return None
