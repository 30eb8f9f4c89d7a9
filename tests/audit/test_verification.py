"""The chain check finds the first entry that was edited, deleted or moved, and a cut-off end."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rightsdesk.audit import verification
from rightsdesk.audit.chain import GENESIS
from rightsdesk.audit.models import Action, AuditEntry, AuditHead
from rightsdesk.audit.services import audit_record
from rightsdesk.audit.verification import ChainFault, audit_verify

TABLE = AuditEntry._meta.db_table


def raw(sql: str, *params: str | int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql.replace("{table}", connection.ops.quote_name(TABLE)), params)


def test_an_empty_log_is_intact(db):
    result = audit_verify()
    assert result.intact
    assert result.entries_checked == 0
    assert "0 entries checked" in result.summary()
    assert GENESIS in result.summary()


def test_an_untouched_chain_is_intact(chain):
    result = audit_verify()
    assert result.intact
    assert result.entries_checked == len(chain)
    assert result.head_sequence == chain[-1].sequence
    assert result.head_hash == chain[-1].entry_hash
    assert result.summary() == (
        f"audit chain intact: {len(chain)} entries checked, "
        f"head #{chain[-1].sequence} {chain[-1].entry_hash}"
    )


def test_each_entry_links_to_the_one_before(chain):
    assert chain[0].previous_hash == GENESIS
    for earlier, later in pairwise(chain):
        assert later.previous_hash == earlier.entry_hash
        assert later.sequence == earlier.sequence + 1


def assert_broken(fault: ChainFault, sequence: int, *, intact: int | None = None) -> None:
    result = audit_verify()
    assert not result.intact
    assert (result.fault, result.fault_sequence) == (fault, sequence)
    assert result.entries_checked == (sequence - 1 if intact is None else intact)
    assert f"broken at entry #{sequence}" in result.summary()


def test_a_detail_edited_through_the_orm_is_found(chain):
    AuditEntry.objects.filter(sequence=3).update(detail={"member": 8})
    assert_broken(ChainFault.EDITED, 3)


def test_an_actor_edited_in_sql_is_found(chain):
    raw("UPDATE {table} SET actor = %s WHERE sequence = %s", "jonas", 2)
    assert_broken(ChainFault.EDITED, 2)


def test_a_time_edited_is_found(chain):
    AuditEntry.objects.filter(sequence=4).update(at=chain[3].at + timedelta(microseconds=1))
    assert_broken(ChainFault.EDITED, 4)


def test_an_action_edited_in_sql_is_found(chain):
    raw("UPDATE {table} SET action = %s WHERE sequence = %s", Action.SIGN_IN, 5)
    assert_broken(ChainFault.EDITED, 5)


def test_a_case_reference_edited_is_found(chain):
    AuditEntry.objects.filter(sequence=2).update(case_reference="RD-EEEE-FFFF")
    assert_broken(ChainFault.EDITED, 2)


def test_only_the_first_of_several_edits_is_named(chain):
    AuditEntry.objects.filter(sequence__in=[2, 5]).update(actor="someone")
    assert_broken(ChainFault.EDITED, 2)


def test_a_deleted_middle_entry_is_found(chain):
    AuditEntry.objects.filter(sequence=3).delete()
    assert_broken(ChainFault.MISSING, 3)


def test_a_deleted_first_entry_is_found(chain):
    AuditEntry.objects.filter(sequence=1).delete()
    assert_broken(ChainFault.MISSING, 1)


def test_a_deletion_hidden_by_renumbering_is_found(chain):
    AuditEntry.objects.filter(sequence=3).delete()
    for sequence in range(4, len(chain) + 1):
        AuditEntry.objects.filter(sequence=sequence).update(sequence=sequence - 1)
    assert_broken(ChainFault.MISSING, 3)


def test_two_swapped_entries_are_found(chain):
    raw("UPDATE {table} SET sequence = %s WHERE sequence = %s", 1000, 3)
    raw("UPDATE {table} SET sequence = %s WHERE sequence = %s", 3, 4)
    raw("UPDATE {table} SET sequence = %s WHERE sequence = %s", 4, 1000)
    assert_broken(ChainFault.REORDERED, 3)


def test_a_deleted_newest_entry_no_longer_matches_the_head(chain):
    AuditEntry.objects.filter(sequence=len(chain)).delete()
    assert_broken(ChainFault.HEAD_MISMATCH, len(chain))


def test_an_edited_head_is_found(chain):
    AuditHead.objects.update(entry_hash=chain[-2].entry_hash)
    assert_broken(ChainFault.HEAD_MISMATCH, len(chain), intact=len(chain))


def test_a_deleted_head_is_found(chain):
    AuditHead.objects.all().delete()
    assert_broken(ChainFault.HEAD_MISMATCH, 1)


def test_an_entry_written_past_the_head_is_found(chain):
    newest = chain[-1]
    AuditEntry.objects.create(
        sequence=newest.sequence + 1,
        at=newest.at,
        action=Action.SIGN_IN,
        previous_hash=newest.entry_hash,
        entry_hash="f" * 64,
    )
    assert_broken(ChainFault.HEAD_MISMATCH, newest.sequence + 1)


def test_a_consistent_truncation_is_caught_only_by_the_head_kept_elsewhere(chain):
    """Deleting the newest entries and moving the head back leaves a valid, shorter chain. This
    is why operators record the printed head hash off the server: it no longer matches."""
    recorded_elsewhere = audit_verify().head_hash
    AuditEntry.objects.filter(sequence=len(chain)).delete()
    AuditHead.objects.update(sequence=len(chain) - 1, entry_hash=chain[-2].entry_hash)
    result = audit_verify()
    assert result.intact
    assert result.head_hash != recorded_elsewhere


def test_a_chain_made_with_another_key_is_found(chain, settings):
    settings.AUDIT_KEY = "another key, not the one the entries were made with"
    assert_broken(ChainFault.EDITED, 1)


def test_the_walk_reads_in_bounded_batches(chain, monkeypatch):
    monkeypatch.setattr(verification, "BATCH_SIZE", 2)
    with CaptureQueriesContext(connection) as queries:
        assert audit_verify().intact
    walks = [query["sql"] for query in queries if TABLE in query["sql"] and "LIMIT" in query["sql"]]
    # Three full batches of two, then one empty read that ends the walk.
    assert len(walks) == 4
    assert all("LIMIT 2" in sql for sql in walks)


def test_a_fault_in_a_later_batch_is_found(chain, monkeypatch):
    monkeypatch.setattr(verification, "BATCH_SIZE", 2)
    AuditEntry.objects.filter(sequence=5).update(detail={"edited": True})
    assert_broken(ChainFault.EDITED, 5)


def test_entries_appended_during_the_walk_are_not_faults(chain, monkeypatch):
    walk = verification._rows

    def walk_while_appending(up_to: int):
        for row in walk(up_to):
            audit_record(action=Action.SIGN_IN, actor="late")
            yield row

    monkeypatch.setattr(verification, "_rows", walk_while_appending)
    result = audit_verify()
    assert result.intact
    assert result.entries_checked == len(chain)
    assert AuditEntry.objects.count() == 2 * len(chain)
    monkeypatch.undo()
    assert audit_verify().entries_checked == 2 * len(chain)


@pytest.mark.parametrize("fault", list(ChainFault))
def test_every_fault_has_a_label(fault: ChainFault):
    assert str(fault.label).startswith(fault.value.replace("_", " ").split()[0])
