from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from rightsdesk.accounts.access import acting_member, staff_view
from rightsdesk.accounts.keyring import keyring_private_key
from rightsdesk.accounts.models import StaffMember
from rightsdesk.accounts.permissions import Permission
from rightsdesk.cases import selectors, services
from rightsdesk.cases.forms import TeamReplyForm
from rightsdesk.cases.models import Case
from rightsdesk.crypto.errors import DecryptionFailed

# Labels for the parts of a report, in the order they are shown.
REPORT_FIELDS = {
    "danger": gettext_lazy("Immediate danger of physical harm"),
    "what_happened": gettext_lazy("What happened"),
    "projects": gettext_lazy("Projects or wikis concerned"),
    "when": gettext_lazy("When"),
    "links": gettext_lazy("Links or diffs"),
    "others_affected": gettext_lazy("Others affected"),
    "contact_method": gettext_lazy("How to reach them"),
    "contact_value": gettext_lazy("Contact details"),
    "preferred_language": gettext_lazy("Preferred language"),
    "consent": gettext_lazy("Sharing with partners"),
}


# What a file's metadata report may say, in the reader's language.
METADATA_LABELS = {
    "location": gettext_lazy("Location"),
    "device": gettext_lazy("Device"),
    "author": gettext_lazy("Author"),
    "software": gettext_lazy("Software"),
    "created": gettext_lazy("Created"),
    "modified": gettext_lazy("Modified"),
    "title": gettext_lazy("Title"),
}


def _case_or_404(member: StaffMember, reference: str) -> Case:
    try:
        return selectors.case_for(member, reference)
    except selectors.CaseNotFound:
        raise Http404 from None


def _render_case(
    request: HttpRequest, member: StaffMember, case: Case, reply_form: TeamReplyForm
) -> HttpResponse:
    private = keyring_private_key(request, member_id=member.pk)
    timeline = None
    files: list[selectors.EvidenceView] = []
    if private is not None:
        try:
            case_pair = selectors.case_keypair_for(member, case, private)
        except selectors.CaseContentLocked:
            case_pair = None
        if case_pair is not None:
            timeline = selectors.timeline_with_key(case, case_pair)
            files = selectors.case_files(case, case_pair)
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
        {
            "case": case,
            "entries": entries,
            "files": [
                {
                    "file": file,
                    "metadata": [
                        (METADATA_LABELS.get(key, key), value)
                        for key, value in file.metadata.items()
                    ],
                }
                for file in files
            ],
            "locked": timeline is None,
            "reply_form": reply_form,
        },
    )


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
    return _render_case(request, member, _case_or_404(member, reference), TeamReplyForm())


@require_POST
@staff_view(Permission.CASE_WORK)
def case_reply(request: HttpRequest, reference: str) -> HttpResponse:
    """Write to the reporter. Only a member holding the case key may."""
    member = acting_member(request)
    case = _case_or_404(member, reference)
    private = keyring_private_key(request, member_id=member.pk)
    try:
        selectors.case_keypair_for(member, case, private or b"")
    except (selectors.CaseContentLocked, ValueError, DecryptionFailed):
        raise Http404 from None
    form = TeamReplyForm(request.POST)
    if not form.is_valid():
        return _render_case(request, member, case, form)
    services.case_team_reply(case=case, author=member, text=form.cleaned_data["text"])
    messages.success(request, _("Your message will be shown to the reporter when they come back."))
    return redirect("cases:detail", reference=reference)


@never_cache
@require_GET
@staff_view(Permission.CASE_WORK)
def case_file(request: HttpRequest, reference: str, file_uuid: UUID) -> HttpResponse:
    """Download one evidence file, decrypted. Always as an attachment of an opaque type: files
    come from strangers, and the browser must never render one inside rightsdesk's origin."""
    member = acting_member(request)
    case = _case_or_404(member, reference)
    private = keyring_private_key(request, member_id=member.pk)
    try:
        pair = selectors.case_keypair_for(member, case, private or b"")
        view, content = selectors.case_file_content(case, pair, str(file_uuid))
    except (selectors.CaseContentLocked, selectors.CaseNotFound, ValueError, DecryptionFailed):
        raise Http404 from None
    except selectors.EvidenceCorrupted:
        messages.error(request, _("This file is damaged or was altered; it cannot be shown."))
        return redirect("cases:detail", reference=reference)
    response = HttpResponse(content, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, view.name)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
