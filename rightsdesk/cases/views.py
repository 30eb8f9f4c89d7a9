from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from rightsdesk.accounts.access import acting_member, staff_view
from rightsdesk.accounts.keyring import keyring_private_key
from rightsdesk.accounts.permissions import Permission
from rightsdesk.cases import selectors

# Labels for the parts of a report, in the order they are shown.
REPORT_FIELDS = {
    "danger": _("Immediate danger of physical harm"),
    "what_happened": _("What happened"),
    "projects": _("Projects or wikis concerned"),
    "when": _("When"),
    "links": _("Links or diffs"),
    "others_affected": _("Others affected"),
    "contact_method": _("How to reach them"),
    "contact_value": _("Contact details"),
    "preferred_language": _("Preferred language"),
    "consent": _("Sharing with partners"),
}


@never_cache
@require_GET
@staff_view(Permission.CASE_WORK)
def case_list(request: HttpRequest) -> HttpResponse:
    member = acting_member(request)
    page = Paginator(selectors.cases_visible_to(member), 50).get_page(request.GET.get("page"))
    return render(request, "cases/case_list.html", {"page": page})


@never_cache
@require_GET
@staff_view(Permission.CASE_WORK)
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    member = acting_member(request)
    try:
        case = selectors.case_for(member, reference)
    except selectors.CaseNotFound:
        raise Http404 from None
    private = keyring_private_key(request, member_id=member.pk)
    timeline = None
    if private is not None:
        try:
            timeline = selectors.case_timeline(member, case, private)
        except selectors.CaseContentLocked:
            timeline = None
    entries = [
        {
            "entry": entry,
            "fields": [
                (label, entry.content[name])
                for name, label in REPORT_FIELDS.items()
                if entry.content.get(name) not in (None, "", [])
            ],
            "text": entry.content.get("text", ""),
        }
        for entry in timeline or []
    ]
    return render(
        request,
        "cases/case_detail.html",
        {"case": case, "entries": entries, "locked": timeline is None},
    )
