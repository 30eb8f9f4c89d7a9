"""The public wiki footprint check.

Nothing a visitor types is stored or logged: the user name and the text live only in this
request. A check reaches a wiki only on a POST the visitor sent, never on a GET, and only within
the per-minute budget of ``ratelimit``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from rightsdesk.core.page_cache import kept_private
from rightsdesk.safety.footprint.findings import LESSONS, Finding, Severity
from rightsdesk.safety.footprint.report import FootprintReport, check_user, check_wikitext
from rightsdesk.safety.footprint.wiki import UnknownUser, WikiUnavailable
from rightsdesk.safety.forms import TOO_LARGE, UserCheckForm, WikitextForm, default_wiki
from rightsdesk.safety.lessons.grammar import lesson_link
from rightsdesk.safety.ratelimit import footprint_check_allowed

KIND_LABELS = {
    "photo": _("Photo"),
    "location": _("Where you live or are"),
    "age": _("Age or birthday"),
    "school": _("School or university"),
    "employer": _("Employer or job"),
    "religion": _("Religion"),
    "politics": _("Political views"),
    "language_box": _("Languages you speak"),
    "coordinates": _("Map coordinates"),
    "email": _("Email address"),
    "phone": _("Phone number"),
    "social_media": _("Social media account"),
    "personal_site": _("Personal website"),
    "real_name": _("A name like your user name"),
    "same_username": _("Same user name on another wiki"),
}
SEVERITY_HEADINGS = {
    Severity.HIGH: _("Reveals a lot: look at these first"),
    Severity.MEDIUM: _("Reveals something"),
    Severity.LOW: _("Worth knowing"),
}
USER_CHECK = "user"
WIKITEXT_CHECK = "wikitext"


def _lesson_url(slug: str) -> str:
    """The lesson a finding points to, or the safety centre's lessons if it is missing."""
    return lesson_link(slug, get_language()) or reverse("safety:learn")


def _labelled(report: FootprintReport) -> list[dict[str, Any]]:
    def entry(finding: Finding) -> dict[str, Any]:
        return {
            "finding": finding,
            "label": KIND_LABELS.get(finding.kind, finding.kind),
            "lesson_url": _lesson_url(finding.lesson),
        }

    return [
        {
            "severity": severity,
            "heading": SEVERITY_HEADINGS[severity],
            "entries": [entry(f) for f in findings],
        }
        for severity, findings in report.by_severity()
    ]


def _run_check(check: str, form: UserCheckForm | WikitextForm) -> dict[str, Any]:
    data = form.cleaned_data
    try:
        if check == USER_CHECK:
            report = check_user(data["username"], data["wiki"])
        else:
            report = check_wikitext(data["wikitext"], username=data["username"])
    except UnknownUser:
        return {"unknown_user": data["username"], "checked_wiki": data.get("wiki", "")}
    except WikiUnavailable:
        return {"unavailable": True, "checked_wiki": data.get("wiki", "")}
    return {
        "report": report,
        "groups": _labelled(report),
        "accounts_lesson_url": _lesson_url(LESSONS["same_username"]),
        "check": check,
        "checked_username": data["username"],
        "checked_wiki": data.get("wiki", ""),
    }


@require_http_methods(["GET", "POST"])
def footprint(request: HttpRequest) -> HttpResponse:
    user_form = UserCheckForm(prefix=USER_CHECK, initial={"wiki": default_wiki(get_language())})
    text_form = WikitextForm(prefix=WIKITEXT_CHECK)
    context: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        check = WIKITEXT_CHECK if request.POST.get("check") == WIKITEXT_CHECK else USER_CHECK
        form: UserCheckForm | WikitextForm
        if check == WIKITEXT_CHECK:
            form = text_form = WikitextForm(request.POST, prefix=WIKITEXT_CHECK)
        else:
            form = user_form = UserCheckForm(request.POST, prefix=USER_CHECK)
        if not form.is_valid():
            if text_form.has_error("wikitext", TOO_LARGE):
                # A megabyte is not sent back; the user name is kept.
                kept = request.POST.copy()
                kept[f"{WIKITEXT_CHECK}-wikitext"] = ""
                text_form.data = kept
        elif not footprint_check_allowed(request):
            status = 429
            context["limited"] = True
        else:
            context |= _run_check(check, form)
    context |= {"user_form": user_form, "text_form": text_form}
    return kept_private(render(request, "safety/footprint.html", context, status=status))
