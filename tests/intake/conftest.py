from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from rightsdesk.accounts import services as account_services


@pytest.fixture(autouse=True)
def own_data_dir(settings, tmp_path):
    """Each test gets its own data directory, so drafts of one test are not seen by another."""
    settings.DATA_DIR = tmp_path


@pytest.fixture
def escrow(db) -> list[str]:
    return account_services.escrow_initialise(shares=3, threshold=2)


class Reporter:
    """Walks the reporting flow the way a browser without JavaScript would."""

    def __init__(self, client: Client, language: str = "en") -> None:
        self.client = client
        self.base = f"/{language}/report/"

    def url(self, step: str = "") -> str:
        return f"{self.base}{step}/" if step else self.base

    def start(self) -> Any:
        return self.client.post(self.url())

    def answer(self, step: str, data: dict[str, Any], *, back: bool = False) -> Any:
        return self.client.post(self.url(step), {**data, "back" if back else "next": "1"})

    def fill_all(self, *, danger: bool = False, what: dict[str, Any] | None = None) -> None:
        self.start()
        self.answer("danger", {"danger": "yes" if danger else "no"})
        if not danger:
            self.answer("scope", {"scope": "threat"})
        response = self.answer(
            "what",
            what
            or {
                "category": "doxxing",
                "what_happened": "Someone published my home address on a forum.",
                "projects": "fa.wikipedia.org",
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        response = self.answer(
            "contact",
            {"contact_method": "none", "preferred_language": "fa", "consent": "ask"},
        )
        assert response.status_code == 302, response.content.decode()[:3000]


@pytest.fixture
def reporter(client: Client) -> Reporter:
    return Reporter(client)
