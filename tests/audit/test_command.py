"""`python -m rightsdesk audit verify`: exit status 0 and the head hash, or 1 and the first bad
entry."""

from __future__ import annotations

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from rightsdesk.audit.models import Action, AuditEntry
from rightsdesk.audit.services import audit_record


def test_verify_prints_the_count_and_head_hash(chain, capsys):
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert out.strip() == (
        f"audit chain intact: {len(chain)} entries checked, "
        f"head #{chain[-1].sequence} {chain[-1].entry_hash}"
    )


def test_verify_names_the_first_bad_entry(chain):
    AuditEntry.objects.filter(sequence=2).update(actor="mallory")
    with pytest.raises(CommandError, match=r"broken at entry #2: edited") as raised:
        call_command("audit", "verify")
    assert raised.value.returncode == 1


def test_a_subcommand_is_required(db):
    with pytest.raises(CommandError, match="subcommand"):
        call_command("audit")


# The command line closes the database connection when it finishes, which a test inside a
# transaction cannot survive; these run against committed rows instead.
@pytest.mark.django_db(transaction=True)
def test_exit_status_from_the_command_line(capsys):
    for _ in range(3):
        audit_record(action=Action.SIGN_IN, actor="amira")
    execute_from_command_line(["rightsdesk", "audit", "verify"])  # returns: status 0
    assert "audit chain intact: 3 entries checked" in capsys.readouterr().out

    AuditEntry.objects.filter(sequence=2).delete()
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["rightsdesk", "audit", "verify"])
    assert exited.value.code == 1
    assert "broken at entry #2: missing" in capsys.readouterr().err
