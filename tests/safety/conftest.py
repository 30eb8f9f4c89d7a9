from __future__ import annotations

import functools

import pytest
from pytest_httpserver import HTTPServer

from rightsdesk.safety.footprint import report
from rightsdesk.safety.footprint.wiki import WikiClient


@pytest.fixture
def wiki(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> HTTPServer:
    """Points every check at the local server instead of the real wiki."""
    monkeypatch.setattr(
        report, "WikiClient", functools.partial(WikiClient, base_url=httpserver.url_for("/"))
    )
    return httpserver
