"""The public search page: ``/<lang>/search/?q=…`` over the pages as read in that language."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from rightsdesk.content.search import MAX_QUERY_LENGTH, search_pages
from rightsdesk.core.page_cache import cached_public_page

TEMPLATE = "content/search.html"


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search this site"),
        max_length=MAX_QUERY_LENGTH,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
        error_messages={
            "required": _("Type one or more words to search for."),
            "max_length": _(
                "Use at most %(limit_value)d characters: shorten the search and try again."
            ),
        },
    )


@cached_public_page
def _empty_form(request: HttpRequest) -> HttpResponse:
    return render(request, TEMPLATE, {"form": SearchForm(), "searched": False})


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    # The page without a query is the same for everyone and may be cached; results are not: they
    # would fill the cache with one entry per query, and a search is nobody else's business.
    if not request.GET:
        return _empty_form(request)
    form = SearchForm(request.GET)
    hits = search_pages(form.cleaned_data["q"], get_language()) if form.is_valid() else []
    response = render(
        request,
        TEMPLATE,
        {"form": form, "searched": form.is_valid(), "hits": hits},
    )
    response["Cache-Control"] = "no-store"
    return response
