"""The reporter's side after sending: a receipt opens the case's conversation."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from rightsdesk.accounts.throttle import wait_message
from rightsdesk.intake import evidence, followup
from rightsdesk.intake.forms import ReceiptForm, ReplyForm
from rightsdesk.intake.views import file_problem, megabytes

STATUS_TEXT = {
    "received": gettext_lazy("Received: we have your report and will look at it soon."),
    "handled": gettext_lazy("Being handled: someone on the team is working on it."),
    "referred": gettext_lazy("Referred: with your consent, a partner organisation is helping."),
    "closed": gettext_lazy("Closed: we have finished our work on this report."),
}


def _forget(response: HttpResponse) -> HttpResponse:
    response.delete_cookie(followup.COOKIE, path="/", samesite="Strict")
    return response


def _access(request: HttpRequest) -> followup.ReporterAccess | None:
    return followup.access_from_cookie(request.COOKIES.get(followup.COOKIE))


@never_cache
@require_http_methods(["GET", "POST"])
def followup_home(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    if access is not None and request.method == "GET":
        view = followup.reporter_view(access)
        if view is not None:
            return render(
                request,
                "intake/followup_case.html",
                {
                    "view": view,
                    "status_text": STATUS_TEXT[view.status],
                    "form": ReplyForm(),
                    "file_limit": megabytes(settings.MAX_EVIDENCE_FILE_BYTES),
                },
            )
    form = ReceiptForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            access = followup.reporter_open(receipt=form.cleaned_data["receipt"])
        except followup.ReceiptThrottled as throttled:
            error = wait_message(throttled.wait_seconds)
        except followup.ReceiptRefused:
            error = str(followup.RECEIPT_REFUSED)
        else:
            opened: HttpResponse = redirect("intake:followup")
            opened.set_cookie(
                followup.COOKIE,
                followup.access_to_cookie(access),
                httponly=True,
                samesite="Strict",
                secure=settings.SESSION_COOKIE_SECURE,
                path="/",
            )
            return opened
    response = render(request, "intake/followup_receipt.html", {"form": form, "error": error})
    return _forget(response) if access is not None else response


@require_POST
def followup_reply(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    if access is None:
        messages.info(
            request, _("For your safety you were signed out. Please type your receipt again.")
        )
        return _forget(redirect("intake:followup"))
    form = ReplyForm(request.POST)
    if form.is_valid() and followup.reporter_reply(access, text=form.cleaned_data["text"]):
        messages.success(request, _("Your message was sent to the team."))
        return redirect("intake:followup")
    view = followup.reporter_view(access)
    if view is None:
        return _forget(redirect("intake:followup"))
    return render(
        request,
        "intake/followup_case.html",
        {
            "view": view,
            "status_text": STATUS_TEXT[view.status],
            "form": form,
            "file_limit": megabytes(settings.MAX_EVIDENCE_FILE_BYTES),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def followup_withdraw(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    if access is None:
        return _forget(redirect("intake:followup"))
    if request.method == "POST" and "confirm" in request.POST:
        followup.reporter_withdraw(access)
        return _forget(render(request, "intake/followup_withdrawn.html"))
    return render(request, "intake/followup_withdraw.html")


@require_POST
def followup_leave(request: HttpRequest) -> HttpResponse:
    messages.info(request, _("You left your report. Your receipt opens it again."))
    return _forget(redirect("intake:followup"))


@require_POST
def followup_files(request: HttpRequest) -> HttpResponse:
    """Add files after sending. Pictures and PDFs lose their hidden information unless the
    reporter unticks the box."""
    access = _access(request)
    uploads = request.FILES.getlist("files")  # parses the body, noting files over the limit
    if access is None:
        return _forget(redirect("intake:followup"))
    for name in getattr(request, "uploads_too_large", []):
        messages.error(request, file_problem("file_too_large", name))
    added = 0
    for uploaded in uploads:
        try:
            result = followup.reporter_add_file(
                access,
                evidence.as_upload(uploaded),
                remove_metadata=request.POST.get("remove_metadata") == "on",
            )
        except evidence.FileRefused as refused:
            messages.error(request, file_problem(refused.code, refused.name))
            continue
        if result is None:
            return _forget(redirect("intake:followup"))
        added += 1
    if added:
        messages.success(
            request,
            ngettext("%(count)d file was added.", "%(count)d files were added.", added)
            % {"count": added},
        )
    return redirect("intake:followup")
