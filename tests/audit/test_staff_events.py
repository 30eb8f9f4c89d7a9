"""Changes to the team and its settings are in the audit log too."""

from __future__ import annotations

import pytest

from rightsdesk.accounts import services
from rightsdesk.accounts.permissions import Role
from rightsdesk.audit.models import Action, AuditEntry
from tests.factories import make_staff, reveals_share


@pytest.mark.django_db
def test_creating_a_staff_member_is_recorded_without_secrets():
    login = make_staff(Role.HANDLER, username="new-handler")
    entry = AuditEntry.objects.get(action=Action.MEMBER_CHANGE)
    assert entry.detail == {"created": "new-handler", "role": "handler"}
    assert login.password not in str(entry.detail)


@pytest.mark.django_db
def test_creating_the_escrow_key_is_recorded_without_its_shares():
    shares = services.escrow_initialise(shares=5, threshold=3)
    entry = AuditEntry.objects.get(action=Action.SETTINGS_CHANGE)
    assert entry.detail == {"escrow_key": "created", "shares": 5, "threshold": 3}
    assert not any(reveals_share(share, str(entry.detail)) for share in shares)
