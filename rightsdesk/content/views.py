from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def page(request: HttpRequest, slug: str) -> HttpResponse:
    raise Http404(slug)
