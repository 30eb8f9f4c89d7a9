"""The baseline for bench/pages.py: the cheapest page Django can serve.

A minimal Django project (one URL answering "ok", CommonMiddleware only, DEBUG off) served by the
same gunicorn settings as rightsdesk. Its throughput is what the framework, the WSGI server and
the machine allow before any rightsdesk code runs, so dividing a rightsdesk page's throughput by
it gives a figure that means the same on a laptop and on a small server.

Served with ``python -m gunicorn bench.trivial_app:application`` from the repository root.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    # Nothing is signed here; a fresh key per process keeps Django's start-up check quiet.
    SECRET_KEY=secrets.token_urlsafe(48),
    ALLOWED_HOSTS=["127.0.0.1", "localhost", "[::1]"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=["django.middleware.common.CommonMiddleware"],
    INSTALLED_APPS=[],
)


def ok(request: HttpRequest) -> HttpResponse:
    """Does no work at all, so that only the cost of Django and gunicorn remains."""
    return HttpResponse("ok")


urlpatterns = [path("", ok)]

application = get_wsgi_application()
