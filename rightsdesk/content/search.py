"""Full-text search over public content, per language."""

from __future__ import annotations

from rightsdesk.content.models import Page


def index_page(page: Page) -> None:
    """(Re)build the page's search documents in every language."""
    return None
