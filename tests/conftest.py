from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from rightsdesk.accounts.permissions import Role
from tests.factories import StaffLogin, make_staff


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
