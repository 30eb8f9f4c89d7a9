"""The member's notifications and their email preferences. Every role has both."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rightsdesk.accounts import services as account_services
from rightsdesk.accounts.access import acting_member, staff_view
from rightsdesk.accounts.permissions import Permission
from rightsdesk.notifications import selectors, services
from rightsdesk.notifications.forms import NotificationPreferenceForm

PAGE_SIZE = 25


@never_cache
@require_GET
@staff_view(Permission.DASHBOARD_VIEW)
def notification_list(request: HttpRequest) -> HttpResponse:
    member = acting_member(request)
    page = Paginator(selectors.notifications_of(member), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread": selectors.unread_count(member)},
    )


@require_POST
@staff_view(Permission.DASHBOARD_VIEW)
def notifications_mark_read(request: HttpRequest) -> HttpResponse:
    account_services.notifications_mark_read(member=acting_member(request))
    messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")


@never_cache
@require_http_methods(["GET", "POST"])
@staff_view(Permission.DASHBOARD_VIEW)
def preferences(request: HttpRequest) -> HttpResponse:
    member = acting_member(request)
    preference = selectors.notification_preference_of(member)
    form = NotificationPreferenceForm(
        request.POST if request.method == "POST" else None, preference=preference
    )
    if form.is_valid():
        services.notification_preference_update(member=member, email=form.email_choices())
        messages.success(request, _("Your notification preferences were saved."))
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "has_email": bool(member.email)},
    )
