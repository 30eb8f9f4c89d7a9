"""Lost passwords: an administrator resets a member's key, and the member's access to their cases
comes back through their old recovery key or through the escrow trustees.

The re-sealing is case data, so these views call ``rightsdesk.cases.recovery``; the secrets typed
here (passwords, recovery keys, shares) are used for one request and never stored.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from rightsdesk.accounts import selectors, services
from rightsdesk.accounts.access import acting_member, staff_view
from rightsdesk.accounts.forms import EscrowSharesForm, KeyResetForm, RecoverWithKeyForm
from rightsdesk.accounts.models import StaffMember
from rightsdesk.accounts.permissions import Permission
from rightsdesk.cases import recovery
from rightsdesk.crypto.errors import InvalidShares


def _member_or_404(actor: StaffMember, username: str) -> StaffMember:
    member = selectors.staff_members_visible_to(actor).filter(username=username).first()
    if member is None:
        raise Http404
    return member


def _restored_message(count: int) -> str:
    return ngettext(
        "Access to %(count)d case is restored.",
        "Access to %(count)d cases is restored.",
        count,
    ) % {"count": count}


@never_cache
@require_http_methods(["GET", "POST"])
@staff_view(Permission.STAFF_MANAGE)
def member_key_reset(request: HttpRequest, username: str) -> HttpResponse:
    """Confirm, then reset a member's key; the one-time password is shown once, in the answer."""
    actor = acting_member(request)
    member = _member_or_404(actor, username)
    form = KeyResetForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        if not actor.check_password(form.cleaned_data["password"]):
            form.add_error("password", _("That is not your password."))
        else:
            try:
                one_time_password = recovery.staff_key_reset(member=member, actor=actor)
            except services.KeyResetOfSelf:
                error = _(
                    "You cannot reset your own key. Another administrator has to do it for you."
                )
            except services.KeyResetOfInactive:
                error = _(
                    "This account is deactivated. Reactivate it first if the member is back; "
                    "then reset their key."
                )
            except services.KeyResetRefused:
                error = _("You may not reset this member's key.")
            else:
                return render(
                    request,
                    "accounts/key_reset_done.html",
                    {"member": member, "one_time_password": one_time_password},
                )
    return render(
        request,
        "accounts/key_reset_confirm.html",
        {"member": member, "form": form, "error": error},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@staff_view(Permission.DASHBOARD_VIEW)
def account_recover(request: HttpRequest) -> HttpResponse:
    """The signed-in member restores their grants with the recovery key of their old key."""
    member = acting_member(request)
    status = recovery.recovery_status(member)
    if not status.waiting:
        messages.info(request, _("All your access is in order; nothing needs restoring."))
        return redirect("accounts:dashboard")
    form = RecoverWithKeyForm(request.POST or None)
    if request.method == "POST" and status.recovery_key_usable and form.is_valid():
        try:
            count = recovery.grants_recover_with_recovery_key(
                member=member, recovery_key=form.cleaned_data["recovery_key"]
            )
        except recovery.RecoveryKeyNotAccepted:
            form.add_error(
                "recovery_key",
                _(
                    "That recovery key does not open your previous key. Check it character by "
                    "character. The recovery key shown after your password was reset belongs to "
                    "your new key and cannot help here."
                ),
            )
        except recovery.MemberHasNoKey:
            messages.info(request, _("Your session ended. Please sign in again."))
            return redirect("accounts:login")
        else:
            messages.success(request, _restored_message(count))
            return redirect("accounts:dashboard")
    return render(
        request,
        "accounts/recovery_restore.html",
        {"form": form, "status": status},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@staff_view(Permission.STAFF_MANAGE)
def member_escrow_restore(request: HttpRequest, username: str) -> HttpResponse:
    """The escrow ceremony: trustees type their shares, and the member's grants are re-sealed.

    The shares travel in this one POST and are never put in the session or the database; the
    page is never cached, and a refused attempt shows the boxes again only in its own answer.
    """
    actor = acting_member(request)
    member = _member_or_404(actor, username)
    status = recovery.recovery_status(member)
    threshold = recovery.escrow_threshold()
    form = EscrowSharesForm(request.POST or None, threshold=threshold or 0)
    error = ""
    if request.method == "POST" and threshold and status.waiting and form.is_valid():
        try:
            count = recovery.grants_recover_with_escrow_shares(
                member=member, shares=form.shares(), actor=actor
            )
        except InvalidShares:
            error = _(
                "These shares do not rebuild the escrow key. Check each share word by word: a "
                "word may be misspelled, missing or out of order, or the same share may have "
                "been typed twice."
            )
        except services.EscrowKeyMismatch:
            error = _(
                "These shares rebuild a key, but not this installation's escrow key. They may "
                "belong to another installation."
            )
        except recovery.MemberHasNoKey:
            error = _(
                "This member has not signed in since their key was reset. Ask them to sign in "
                "once with their one-time password, then come back."
            )
        else:
            messages.success(request, _restored_message(count))
            return redirect("accounts:members")
    return render(
        request,
        "accounts/recovery_escrow.html",
        {
            "member": member,
            "form": form,
            "error": error,
            "status": status,
            "threshold": threshold,
        },
    )
