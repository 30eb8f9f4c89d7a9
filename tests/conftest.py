from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import settings as hypothesis_settings

from rightsdesk.accounts.permissions import Role
from tests.factories import StaffLogin, make_staff

# In CI, property tests draw the same examples on every run and have no time limit per example:
# a red build then means a real fault, never a slow machine or an unlucky draw. Locally they keep
# exploring new examples.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture
def staff(db: None) -> Callable[..., StaffLogin]:
    return make_staff


def sign_in(client: Client, login: StaffLogin) -> None:
    response = client.post(
        reverse("accounts:login"),
        {"username": login.member.username, "password": login.password, "code": login.code()},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("accounts:dashboard")


@pytest.fixture
def signed_in(client: Client, staff: Callable[..., StaffLogin]) -> Callable[..., Client]:
    """A client signed in (password and code) as a new member of the given role."""

    def make(role: Role = Role.HANDLER) -> Client:
        sign_in(client, staff(role))
        return client

    return make
