from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from rightsdesk.accounts.access import acting_member, staff_view
from rightsdesk.accounts.permissions import Permission
from rightsdesk.audit import selectors
from rightsdesk.audit.forms import AuditFilterForm
from rightsdesk.audit.models import AuditEntry
from rightsdesk.audit.verification import VerificationResult, audit_verify

PAGE_SIZE = 50


@never_cache
@require_http_methods(["GET", "POST"])
@staff_view(Permission.AUDIT_READ)
def audit_log(request: HttpRequest) -> HttpResponse:
    """The log, newest first, filtered by the query string. Posting the page checks the chain
    (it reads every entry, so it runs only when asked) and shows the same filtered page with
    the result."""
    member = acting_member(request)
    form = AuditFilterForm(request.GET)
    entries = AuditEntry.objects.none()
    if form.is_valid():
        entries = selectors.audit_entries_visible_to(member, **form.cleaned_data)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    verification: VerificationResult | None = None
    if request.method == "POST":
        verification = audit_verify()
    return render(
        request,
        "audit/log.html",
        {"form": form, "page": page, "verification": verification},
    )
