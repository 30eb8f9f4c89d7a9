from django.urls import URLPattern, path, register_converter

from rightsdesk.content import search_views, views


class PageSlugConverter:
    """A page slug, but never a word that names another part of the site: ``/api/`` must stay a
    404 rather than be redirected to ``/en/api/`` as if it were a page."""

    regex = (
        r"(?!(?:api|staff|report|safety|static|language|healthz|search)(?:/|$))"
        r"[a-z0-9]+(?:-[a-z0-9]+)*"
    )

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PageSlugConverter, "page_slug")

app_name = "content"

# Included last under the language prefix: a page's slug is whatever no other route claimed.
urlpatterns: list[URLPattern] = [
    path("search/", search_views.search, name="search"),
    path("<page_slug:slug>/", views.page, name="page"),
]
