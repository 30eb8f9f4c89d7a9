"""Views of the case tools: links and merges, export for a legal partner, and search.

Link and merge forms live on the case page; when one is refused, the view goes back to the case
page with what was typed and a short error code in the query string, and the page's panel
(``templatetags/case_tools.py``) puts both back into the form.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rightsdesk.accounts import services as account_services
from rightsdesk.accounts import throttle
from rightsdesk.accounts.access import acting_member, staff_view
from rightsdesk.accounts.keyring import keyring_private_key
from rightsdesk.accounts.models import StaffMember
from rightsdesk.accounts.permissions import Permission
from rightsdesk.cases import export, linking, search, selectors
from rightsdesk.cases.downloads import archive_download
from rightsdesk.cases.models import Case
from rightsdesk.cases.tool_forms import ExportForm, LinkForm, MergeForm, SearchForm
from rightsdesk.crypto import passwords
from rightsdesk.crypto.errors import DecryptionFailed

PANEL_ANCHOR = "case-links"


def _case_or_404(member: StaffMember, reference: str) -> Case:
    try:
        return selectors.case_for(member, reference)
    except selectors.CaseNotFound:
        raise Http404 from None


def _private_key_or_404(request: HttpRequest, member: StaffMember, *cases: Case) -> bytes:
    """The member's private key, when it opens every one of ``cases``; else not found."""
    private = keyring_private_key(request, member_id=member.pk)
    if private is None:
        raise Http404
    try:
        for case in cases:
            selectors.case_keypair_for(member, case, private)
    except (selectors.CaseContentLocked, ValueError, DecryptionFailed):
        raise Http404 from None
    return private


def _back(case: Case, **typed: str) -> HttpResponseRedirect:
    query = f"?{urlencode(typed)}" if typed else ""
    url = reverse("cases:detail", kwargs={"reference": case.reference})
    return HttpResponseRedirect(f"{url}{query}#{PANEL_ANCHOR}")


@require_POST
@staff_view(Permission.CASE_WORK)
def case_link(request: HttpRequest, reference: str) -> HttpResponse:
    member = acting_member(request)
    case = _case_or_404(member, reference)
    form = LinkForm(request.POST)
    typed = request.POST.get("reference", "")[:32]
    if not form.is_valid():
        return _back(case, link_reference=typed, link_error="missing")
    try:
        linking.case_link(actor=member, case=case, other_reference=form.cleaned_data["reference"])
    except selectors.CaseNotFound:
        return _back(case, link_reference=typed, link_error="unknown")
    except linking.SameCase:
        return _back(case, link_reference=typed, link_error="self")
    except linking.AlreadyLinked:
        return _back(case, link_reference=typed, link_error="linked")
    messages.success(request, _("The two cases are now linked."))
    return _back(case)


@require_POST
@staff_view(Permission.CASE_WORK)
def case_unlink(request: HttpRequest, reference: str) -> HttpResponse:
    member = acting_member(request)
    case = _case_or_404(member, reference)
    form = LinkForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        linking.case_unlink(actor=member, case=case, other_reference=form.cleaned_data["reference"])
    except (selectors.CaseNotFound, linking.SameCase, linking.NotLinked):
        messages.error(request, _("These two cases are not linked."))
    else:
        messages.success(request, _("The link between the two cases was removed."))
    return _back(case)


@require_POST
@staff_view(Permission.CASE_WORK)
def case_merge(request: HttpRequest, reference: str) -> HttpResponse:
    """Merge this case (the duplicate) into the case whose reference was typed."""
    member = acting_member(request)
    duplicate = _case_or_404(member, reference)
    private = _private_key_or_404(request, member, duplicate)
    form = MergeForm(request.POST)
    typed = request.POST.get("into", "")[:32]
    if not form.is_valid():
        code = "confirm" if "into" not in form.errors else "missing"
        return _back(duplicate, merge_reference=typed, merge_error=code)
    try:
        into = selectors.case_for(member, linking.normalise_reference(form.cleaned_data["into"]))
        result = linking.case_merge(
            actor=member, duplicate=duplicate, into=into, actor_private=private
        )
    except selectors.CaseNotFound:
        return _back(duplicate, merge_reference=typed, merge_error="unknown")
    except linking.SameCase:
        return _back(duplicate, merge_reference=typed, merge_error="self")
    except linking.CaseClosedForMerge:
        return _back(duplicate, merge_reference=typed, merge_error="closed")
    except (selectors.CaseContentLocked, DecryptionFailed):
        return _back(duplicate, merge_reference=typed, merge_error="locked")
    except selectors.EvidenceCorrupted:
        return _back(duplicate, merge_reference=typed, merge_error="damaged")
    messages.success(
        request,
        _("Case %(duplicate)s was merged into this case.") % {"duplicate": duplicate.reference},
    )
    return redirect("cases:detail", reference=result.into.reference)


@never_cache
@require_http_methods(["GET", "POST"])
@staff_view(Permission.CASE_WORK)
def case_export(request: HttpRequest, reference: str) -> HttpResponseBase:
    """Download one case as an archive encrypted under a passphrase for a legal partner."""
    member = acting_member(request)
    case = _case_or_404(member, reference)
    private = _private_key_or_404(request, member, case)
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            exported = export.case_export(
                actor=member,
                case=case,
                actor_private=private,
                password=form.cleaned_data["password"],
                code=form.cleaned_data["code"],
                passphrase=form.cleaned_data["passphrase"],
            )
        except account_services.ReauthenticationFailed:
            form.add_error(
                None, _("The password or the code is not correct. Nothing was exported.")
            )
        except account_services.SignInThrottled as throttled:
            form.add_error(None, throttle.wait_message(throttled.wait_seconds))
        except selectors.EvidenceCorrupted:
            form.add_error(
                None, _("A file of this case is damaged or was altered; nothing was exported.")
            )
        else:
            return archive_download(exported)
    return render(
        request,
        "cases/export.html",
        {
            "case": case,
            "form": form,
            # A fresh random suggestion on every page; never stored.
            "suggestion": passwords.new_recovery_key(),
        },
    )


@never_cache
@require_GET
@staff_view(Permission.CASE_WORK)
def case_search(request: HttpRequest) -> HttpResponse:
    member = acting_member(request)
    form = SearchForm(request.GET or None)
    result = None
    key_missing = False
    if form.is_bound and form.is_valid():
        private = keyring_private_key(request, member_id=member.pk)
        if private is None:
            key_missing = True
        else:
            try:
                result = search.case_search(
                    actor=member,
                    actor_private=private,
                    query=search.SearchQuery(**form.cleaned_data),
                )
            except search.NothingToSearchFor:
                form.add_error("words", _("Type at least one word to search for."))
    return render(
        request,
        "cases/search.html",
        {"form": form, "result": result, "key_missing": key_missing},
    )
