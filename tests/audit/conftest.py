from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from rightsdesk.audit.models import Action, AuditEntry
from rightsdesk.audit.services import audit_record

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def chain(db: None) -> list[AuditEntry]:
    """Six entries of different kinds, an hour apart."""
    plan: list[tuple[Action, str, str, dict[str, Any]]] = [
        (Action.SIGN_IN, "amira", "", {}),
        (Action.CASE_READ, "amira", "RD-AAAA-BBBB", {"entries": 2}),
        (Action.GRANT, "amira", "RD-AAAA-BBBB", {"member": 7}),
        (Action.CASE_STATUS, "jonas", "RD-CCCC-DDDD", {"status": "closed"}),
        (Action.SIGN_IN_FAILED, "", "", {}),
        (Action.SIGN_OUT, "amira", "", {}),
    ]
    return [
        audit_record(
            action=action,
            actor=actor,
            case_reference=reference,
            detail=detail,
            at=START + timedelta(hours=number),
        )
        for number, (action, actor, reference, detail) in enumerate(plan)
    ]
