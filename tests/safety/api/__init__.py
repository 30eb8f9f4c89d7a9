"""Recorded MediaWiki API answers, and a local server that gives them as a wiki would."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

DIRECTORY = Path(__file__).resolve().parent


def recorded(name: str) -> Any:
    return json.loads((DIRECTORY / name).read_text(encoding="utf-8"))


def serve(server: HTTPServer, pages: str, accounts: str = "globaluserinfo_merged.json") -> None:
    """Answers the page request and the global account request with recorded answers."""

    def answer(request: Request) -> Response:
        name = accounts if request.args.get("meta") == "globaluserinfo" else pages
        return Response(json.dumps(recorded(name)), content_type="application/json")

    server.clear_all_handlers()
    server.expect_request("/w/api.php").respond_with_handler(answer)
