"""The reporting flow: one page per step, complete without JavaScript.

Every step saves what was typed to the encrypted draft, on "Next" and on "Back" alike, so moving
around never loses input. Views only parse, call the draft store or one service, and render.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rightsdesk.cases.services import EscrowMissing
from rightsdesk.crypto.receipts import format_receipt
from rightsdesk.intake import drafts, evidence, services
from rightsdesk.intake.forms import ContactForm, DangerForm, ScopeForm, WhatForm

# (step name, form class, url name of the previous step)
STEP_FORMS: dict[str, type[forms.Form]] = {
    "danger": DangerForm,
    "scope": ScopeForm,
    "what": WhatForm,
    "contact": ContactForm,
}


def _handle(request: HttpRequest) -> drafts.DraftHandle | None:
    return drafts.handle_from_cookie(request.COOKIES.get(drafts.COOKIE))


def _forget_cookie(response: HttpResponse, *, form_token: bool = False) -> HttpResponse:
    response.delete_cookie(drafts.COOKIE, path="/", samesite="Strict")
    if form_token:
        response.delete_cookie(settings.CSRF_COOKIE_NAME, samesite="Strict")
    return response


def _expired(request: HttpRequest) -> HttpResponse:
    messages.info(
        request,
        _(
            "Your unsent report was deleted after an hour without changes, for your safety. "
            "Please start again."
        ),
    )
    return _forget_cookie(redirect("intake:start"))


def _previous_step(step: str, answers: dict[str, Any]) -> str:
    if step == "danger":
        return "intake:start"
    if step == "scope":
        return "intake:danger"
    if step == "what":
        return "intake:emergency" if answers.get("danger") else "intake:scope"
    if step == "evidence":
        return "intake:what"
    return "intake:evidence"


def _next_step(step: str, answers: dict[str, Any]) -> str:
    if step == "danger":
        return "intake:emergency" if answers.get("danger") else "intake:scope"
    if step == "scope":
        return "intake:what" if answers.get("scope") == ScopeForm.THREAT else "intake:elsewhere"
    if step == "what":
        return "intake:evidence"
    if step == "evidence":
        return "intake:contact"
    return "intake:review"


def _raw_answers(form: forms.Form) -> dict[str, Any]:
    """What was typed, even when invalid, so that "Back" keeps it."""
    kept: dict[str, Any] = {}
    for name, field in form.fields.items():
        if isinstance(field, forms.MultipleChoiceField):
            kept[name] = form.data.getlist(name)  # type: ignore[attr-defined]
        elif name in form.data:
            kept[name] = form.data.get(name)
    return kept


def report_open(request: HttpRequest, *, note: str = "") -> HttpResponse:
    """Start a report (or go on with the unsent one) and go to its first step.

    ``note`` is text the person agreed to carry into the report (the steps they took in an
    emergency guide): it waits in the encrypted draft's description, where they read and
    change it before sending.
    """
    handle = _handle(request)
    if handle is None or drafts.draft_load(handle) is None:
        handle = services.report_start()
    if note:
        services.report_prefill(handle=handle, note=note)
    response = redirect("intake:danger")
    response.set_cookie(
        drafts.COOKIE,
        handle.cookie_value(),
        httponly=True,
        samesite="Strict",
        secure=settings.SESSION_COOKIE_SECURE,
        path="/",
    )
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return report_open(request)
    return render(request, "intake/start.html")


def _step_view(step: str) -> Callable[[HttpRequest], HttpResponse]:
    form_class = STEP_FORMS[step]

    @never_cache
    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest) -> HttpResponse:
        handle = _handle(request)
        draft = drafts.draft_load(handle) if handle else None
        if handle is None or draft is None:
            return _expired(request)
        answers: dict[str, Any] = draft.setdefault("answers", {})
        if request.method == "POST":
            form = form_class(request.POST)
            going_back = "back" in request.POST
            if going_back or form.is_valid():
                if going_back:
                    answers.update(_raw_answers(form))
                else:
                    answers.update(form.cleaned_data)
                    draft.setdefault("done", [])
                    if step not in draft["done"]:
                        draft["done"].append(step)
                draft["language"] = get_language()
                drafts.draft_save(handle, draft)
                target = _previous_step(step, answers) if going_back else _next_step(step, answers)
                return redirect(target)
            answers.update(_raw_answers(form))
            drafts.draft_save(handle, draft)
        else:
            initial = {name: answers[name] for name in form_class.base_fields if name in answers}
            if step == "danger" and "danger" in answers:
                initial["danger"] = (
                    "yes"
                    if answers["danger"] is True
                    else ("no" if answers["danger"] is False else answers["danger"])
                )
            if step == "contact":
                initial.setdefault("preferred_language", get_language())
            form = form_class(initial=initial)
        return render(
            request,
            f"intake/{step}.html",
            {"form": form, "step": step, "guide_note": bool(draft.get("guide_note"))},
        )

    view.__name__ = f"{step}_step"
    return view


danger = _step_view("danger")
scope = _step_view("scope")
what = _step_view("what")
contact = _step_view("contact")


@never_cache
@require_GET
def emergency(request: HttpRequest) -> HttpResponse:
    """Shown at once after "yes, I am in danger": who to contact now, then the report goes on."""
    return render(
        request,
        "intake/emergency.html",
        {"emergency_email": settings.EMERGENCY_EMAIL, "contacts": settings.EMERGENCY_CONTACTS},
    )


@never_cache
@require_GET
def elsewhere(request: HttpRequest) -> HttpResponse:
    """Out of the team's mandate: point to the right place and keep nothing."""
    handle = _handle(request)
    if handle is not None:
        services.report_discard(handle=handle)
    response = render(
        request,
        "intake/elsewhere.html",
        {
            "trust_and_safety_url": settings.TRUST_AND_SAFETY_URL,
            "community_help_url": settings.COMMUNITY_HELP_URL,
        },
    )
    return _forget_cookie(response, form_token=True)


@never_cache
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest) -> HttpResponse:
    handle = _handle(request)
    draft = drafts.draft_load(handle) if handle else None
    if handle is None or draft is None:
        return _expired(request)
    if draft.get("state") == "sent":
        return redirect("intake:sent")
    missing = services.missing_steps(draft)
    if request.method == "POST" and not missing:
        try:
            services.report_submit(handle=handle)
        except services.DraftMissing:
            return _expired(request)
        except services.DraftIncomplete:
            pass
        except EscrowMissing:
            # An installation not finished (no escrow key): keep the draft, say so plainly.
            return render(request, "intake/not_ready.html", status=503)
        else:
            return redirect("intake:sent")
    answers = draft.get("answers", {})
    return render(
        request,
        "intake/review.html",
        {
            "answers": answers,
            "missing": missing,
            "summary": _summary(answers),
            "files": draft.get("files", []),
        },
    )


def _summary(answers: dict[str, Any]) -> list[dict[str, Any]]:
    """Each section of the review page: its title, the step to edit it, and its answers."""
    labels: dict[str, dict[str, str]] = {}
    for form_class in (DangerForm, WhatForm, ContactForm):
        form = form_class()
        for name, field in form.fields.items():
            choices = dict(getattr(field, "choices", []))
            labels[name] = {
                "label": str(field.label),
                **{str(k): str(v) for k, v in choices.items()},
            }

    def shown(name: str) -> Any:
        value = answers.get(name)
        names = labels.get(name, {})
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, list):
            return ", ".join(names.get(str(item), str(item)) for item in value)
        return names.get(str(value), value)

    sections = [
        ("danger", _("Danger"), ["danger"]),
        (
            "what",
            _("What happened"),
            ["category", "what_happened", "projects", "when", "links", "others_affected"],
        ),
        (
            "contact",
            _("Contact and consent"),
            [
                "contact_method",
                "contact_value",
                "preferred_language",
                "consent",
                "consent_purposes",
            ],
        ),
    ]
    return [
        {
            "title": title,
            "edit_url": reverse(f"intake:{step}"),
            "rows": [
                (labels[name]["label"], shown(name))
                for name in names
                if answers.get(name) not in (None, "", [])
            ],
        }
        for step, title, names in sections
    ]


@never_cache
@require_GET
def sent(request: HttpRequest) -> HttpResponse:
    """The receipt, shown once. The draft and its cookie are deleted as the page is sent."""
    handle = _handle(request)
    draft = drafts.draft_load(handle) if handle else None
    if handle is None or draft is None or draft.get("state") != "sent":
        return _forget_cookie(render(request, "intake/already_sent.html"))
    services.report_discard(handle=handle)
    response = render(
        request,
        "intake/sent.html",
        {
            "receipt": format_receipt(str(draft["receipt"])),
            "followup_url": reverse("intake:followup"),
        },
    )
    # Nothing of the report stays in the browser: not the draft's cookie, not the form token.
    return _forget_cookie(response, form_token=True)


@require_POST
def discard(request: HttpRequest) -> HttpResponse:
    handle = _handle(request)
    if handle is not None:
        services.report_discard(handle=handle)
    messages.info(request, _("Your unsent report is deleted."))
    return _forget_cookie(HttpResponseRedirect(reverse("intake:start")))


FILE_PROBLEMS = {
    "empty": gettext_lazy("“%(name)s” is empty. It was not added."),
    "file_too_large": gettext_lazy(
        "“%(name)s” is larger than %(limit)s MB, the most one file may be. It was not added."
    ),
    "report_too_large": gettext_lazy(
        "“%(name)s” was not added: all files together may be at most %(limit)s MB."
    ),
    "type_not_accepted": gettext_lazy(
        "“%(name)s” is not a kind of file we accept. We accept pictures, PDF, plain text, "
        "office documents, audio and video."
    ),
}


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def file_problem(code: str, name: str) -> str:
    """The refusal of one file, naming the limit that refused it."""
    limit = (
        settings.MAX_EVIDENCE_REPORT_BYTES
        if code == "report_too_large"
        else settings.MAX_EVIDENCE_FILE_BYTES
    )
    return str(FILE_PROBLEMS[code]) % {"name": name, "limit": megabytes(limit)}


@never_cache
@require_http_methods(["GET", "POST"])
def evidence_step(request: HttpRequest) -> HttpResponse:
    """Files are optional. Each arrives in memory, is inspected in a child process, encrypted to
    the future case's key, and listed back with what its metadata reveals."""
    handle = _handle(request)
    draft = drafts.draft_load(handle) if handle else None
    if handle is None or draft is None or "case_private" not in draft:
        return _expired(request)
    problems: list[str] = []
    if request.method == "POST":
        uploads = request.FILES.getlist("files")  # parses the body, noting files over the limit
        for name in getattr(request, "uploads_too_large", []):
            problems.append(file_problem("file_too_large", name))
        for uploaded in uploads:
            try:
                evidence.draft_add_file(
                    handle,
                    draft,
                    evidence.Upload(name=uploaded.name or "", content=uploaded.read()),
                )
            except evidence.FileRefused as refused:
                problems.append(file_problem(refused.code, refused.name))
        if request.POST.get("remove"):
            evidence.draft_remove_file(handle, draft, request.POST["remove"])
        if request.POST.get("strip") and not evidence.draft_strip_metadata(
            handle, draft, request.POST["strip"]
        ):
            problems.append(
                _("The metadata of this file could not be removed; it is kept as it is.")
            )
        drafts.draft_save(handle, draft)
        if not problems:
            if "next" in request.POST:
                return redirect("intake:contact")
            if "back" in request.POST:
                return redirect("intake:what")
            return redirect("intake:evidence")
    return render(
        request,
        "intake/evidence.html",
        {
            "step": "evidence",
            "files": draft.get("files", []),
            "problems": problems,
            "file_limit": megabytes(settings.MAX_EVIDENCE_FILE_BYTES),
            "report_limit": megabytes(settings.MAX_EVIDENCE_REPORT_BYTES),
        },
    )
