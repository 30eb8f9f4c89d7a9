from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rightsdesk.content.views import home_context
from rightsdesk.core.page_cache import cached_public_page
from rightsdesk.core.selectors import system_health


@require_GET
@cached_public_page
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", home_context(request))


@require_GET
@cached_public_page
def cover_tracks(request: HttpRequest) -> HttpResponse:
    return render(request, "core/cover_tracks.html")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    health = system_health(heartbeat_seconds=settings.WORKER_HEARTBEAT_SECONDS)
    if health.migrations_pending is None:
        migrations = "unknown"
    else:
        migrations = "applied" if health.migrations_pending == 0 else "pending"
    body = {
        "status": ("ok" if health.worker_ok else "degraded") if health.healthy else "failing",
        "database": "ok" if health.database_ok else "unreachable",
        "migrations": migrations,
        "migrations_pending": health.migrations_pending,
        "worker": {
            "status": "ok" if health.worker_ok else "stale",
            "heartbeat_age_seconds": (
                None
                if health.worker_heartbeat_age is None
                else round(health.worker_heartbeat_age, 1)
            ),
        },
    }
    response = JsonResponse(body, status=200 if health.healthy else 503)
    response["Cache-Control"] = "no-store"
    return response
