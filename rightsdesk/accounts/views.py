from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from rightsdesk.accounts import selectors, services, throttle, totp
from rightsdesk.accounts.access import acting_member, staff_view
from rightsdesk.accounts.forms import (
    EnrolmentForm,
    PasswordChangeForm,
    RecoveryKeyConfirmForm,
    SignInForm,
)
from rightsdesk.accounts.keyring import keyring_forget, keyring_private_key, keyring_store
from rightsdesk.accounts.middleware import RECOVERY_PENDING, SEEN_AT, VERIFIED_AT
from rightsdesk.accounts.models import StaffMember
from rightsdesk.accounts.permissions import PERMISSION_LABELS, ROLE_PERMISSIONS, Permission, Role
from rightsdesk.audit.models import Action
from rightsdesk.audit.services import audit_record
from rightsdesk.core.page_cache import cached_public_page

PENDING = "staff_pending_enrolment"


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("accounts:dashboard")


def _complete_sign_in(
    request: HttpRequest, member: StaffMember, *, recovery_confirmed: bool
) -> HttpResponse:
    next_url = _next_url(request)
    request.session.pop(PENDING, None)
    login(request, member, backend="django.contrib.auth.backends.ModelBackend")
    now = time.time()
    request.session[VERIFIED_AT] = now
    request.session[SEEN_AT] = now
    if not recovery_confirmed:
        request.session[RECOVERY_PENDING] = True
        return redirect("accounts:recovery-key")
    return HttpResponseRedirect(next_url)


@never_cache
@require_http_methods(["GET", "POST"])
@cached_public_page
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:dashboard")
    form = SignInForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            result = services.staff_sign_in(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                code=form.cleaned_data["code"],
                client_address=request.META.get(settings.CLIENT_ADDRESS_HEADER, ""),
            )
        except services.SignInThrottled as throttled:
            error = throttle.wait_message(throttled.wait_seconds)
        except services.SignInFailed:
            error = _("The username, password or code is not correct.")
        else:
            if not result.needs_enrolment:
                response = _complete_sign_in(
                    request, result.member, recovery_confirmed=result.recovery_confirmed
                )
            else:
                request.session.cycle_key()
                request.session[PENDING] = {
                    "member": result.member.pk,
                    "at": time.time(),
                    "recovery_confirmed": result.recovery_confirmed,
                }
                query = urlencode({"next": _next_url(request)})
                response = HttpResponseRedirect(f"{reverse('accounts:enrol')}?{query}")
            keyring_store(request, response, member_id=result.member.pk, private=result.private_key)
            return response
        # Keep the username; never send a password or a code back to the browser.
        form = SignInForm(initial={"username": form.cleaned_data["username"]})
    context = {
        "form": form,
        "error": error,
        "next": request.POST.get("next") or request.GET.get("next", ""),
    }
    return render(request, "accounts/sign_in.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING) or {}
    started = pending.get("at", 0)
    member = selectors.pending_member(pending.get("member"))
    if member is None or time.time() - started > settings.LOGIN_PENDING_SECONDS:
        request.session.pop(PENDING, None)
        messages.info(request, _("Please sign in with your username and password first."))
        return redirect("accounts:login")
    form = EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_enrolment_confirm(member=member, code=form.cleaned_data["code"])
        except services.EnrolmentCodeInvalid:
            form.add_error(
                "code",
                _(
                    "That code is not right. "
                    "Check that your phone's clock is correct and try again."
                ),
            )
        else:
            messages.success(request, _("Two-factor sign-in is set up."))
            return _complete_sign_in(
                request, member, recovery_confirmed=bool(pending.get("recovery_confirmed"))
            )
    seed, uri = services.totp_enrolment_details(member=member)
    context = {
        "form": form,
        "qr": totp.qr_code(uri),
        "seed": totp.format_seed_for_humans(seed),
        "next": request.GET.get("next", ""),
    }
    return render(request, "accounts/enrol.html", context)


@require_POST
@staff_view(Permission.DASHBOARD_VIEW)
def sign_out(request: HttpRequest) -> HttpResponse:
    audit_record(action=Action.SIGN_OUT, actor=acting_member(request))
    logout(request)
    messages.info(request, _("You are signed out."))
    response = redirect("accounts:login")
    keyring_forget(response)
    return response


@never_cache
@staff_view(Permission.DASHBOARD_VIEW)
def dashboard(request: HttpRequest) -> HttpResponse:
    member = acting_member(request)
    role = Role(member.role)
    permissions = [PERMISSION_LABELS[p] for p in Permission if p in ROLE_PERMISSIONS[role]]
    return render(
        request,
        "accounts/dashboard.html",
        {
            "member": member,
            "role": role,
            "permissions": permissions,
            "notifications": selectors.notifications_for(member),
        },
    )


@require_POST
@staff_view(Permission.DASHBOARD_VIEW)
def notifications_read(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_read(member=acting_member(request))
    return redirect("accounts:dashboard")


@never_cache
@staff_view(Permission.STAFF_MANAGE)
def members(request: HttpRequest) -> HttpResponse:
    member = acting_member(request)
    return render(
        request,
        "accounts/members.html",
        {"members": selectors.staff_members_visible_to(member)},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@staff_view(Permission.DASHBOARD_VIEW)
def recovery_key(request: HttpRequest) -> HttpResponse:
    """Shown once after the first sign-in: the key that restores access if the password is lost."""
    member = acting_member(request)
    if not request.session.get(RECOVERY_PENDING):
        return redirect("accounts:dashboard")
    form = RecoveryKeyConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_recovery_key_confirm(member=member, typed=form.cleaned_data["key"])
        except services.RecoveryKeyMismatch:
            form.add_error(
                "key", _("That is not the recovery key shown above. Check it and try again.")
            )
        else:
            request.session.pop(RECOVERY_PENDING, None)
            messages.success(request, _("Your recovery key is confirmed. Keep it safe."))
            return redirect("accounts:dashboard")
    private = keyring_private_key(request, member_id=member.pk)
    if private is None:
        logout(request)
        messages.info(request, _("Your session ended. Please sign in again."))
        return redirect("accounts:login")
    shown = services.staff_recovery_key_issue(member=member, private_key=private)
    return render(request, "accounts/recovery_key.html", {"form": form, "recovery_key": shown})


@never_cache
@require_http_methods(["GET", "POST"])
@staff_view(Permission.DASHBOARD_VIEW)
def password_change(request: HttpRequest) -> HttpResponse:
    member = acting_member(request)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_password_change(
                member=member,
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except services.PasswordChangeRefused as refused:
            for message in refused.messages:
                form.add_error(None, message)
        else:
            # Django ends other sessions on a password change; keep this one.
            update_session_auth_hash(request, member)
            messages.success(request, _("Your password is changed."))
            return redirect("accounts:dashboard")
    return render(request, "accounts/password_change.html", {"form": form})
