"""A thief takes the database and nothing else: no pepper, no data-dir secrets, no passwords.
Nothing they hold decrypts, and no receipt can be tested against it."""

from __future__ import annotations

import pytest
from django.db import connection

from rightsdesk.accounts import services as account_services
from rightsdesk.accounts.models import StaffKey, TotpDevice
from rightsdesk.accounts.permissions import Role
from rightsdesk.cases import services as case_services
from rightsdesk.cases.contexts import entry_context
from rightsdesk.cases.models import Case, CaseEntry, CaseGrant
from rightsdesk.crypto import envelope, keys, passwords, receipts, server_secrets
from rightsdesk.crypto.errors import DecryptionFailed
from tests.factories import make_staff

SECRET_STORY = "stolen-database-canary"


@pytest.fixture
def stolen(db):
    account_services.escrow_initialise(shares=3, threshold=2)
    make_staff(Role.COORDINATOR)
    created = case_services.case_create(
        category="threats", urgency="high", language="ru", report={"what_happened": SECRET_STORY}
    )
    values: list[bytes] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview):
                        values.append(value.tobytes())
                    elif value is not None:
                        values.append(str(value).encode())
    return created, values


def test_no_plaintext_in_the_database(stolen):
    created, values = stolen
    everything = b"\n".join(values)
    assert SECRET_STORY.encode() not in everything
    assert created.receipt.replace(" ", "").encode() not in everything


def test_a_known_receipt_cannot_even_find_its_case_without_the_pepper(stolen):
    created, _values = stolen
    case = Case.objects.get()
    for guessed_pepper in (b"", b"0" * 32, b"rightsdesk-pepper-guess"):
        if len(guessed_pepper) < 16:
            continue
        assert receipts.receipt_lookup_id(created.receipt, guessed_pepper) != case.receipt_lookup


def test_nothing_the_database_holds_opens_a_case(stolen):
    _created, values = stolen
    candidates = {value for value in values if len(value) == 32}
    entry = CaseEntry.objects.get()
    case = Case.objects.get()
    wraps = [bytes(grant.sealed_private) for grant in CaseGrant.objects.all()]
    wraps.append(bytes(case.escrow_wrap))
    for candidate in candidates:
        pair = keys.keypair_from_private(candidate)
        with pytest.raises(DecryptionFailed):
            envelope.decrypt_with(
                pair,
                bytes(entry.ciphertext),
                context=entry_context(case.reference, str(entry.uuid)),
            )
        for wrap in wraps:
            with pytest.raises(DecryptionFailed):
                keys.unseal(pair, wrap)


def test_wrapped_keys_and_seeds_do_not_open_without_their_secrets(stolen):
    case = Case.objects.get()
    assert case.reporter_wrap is not None
    with pytest.raises(DecryptionFailed):
        passwords.unwrap_with_password(
            bytes(case.reporter_wrap), receipts.new_receipt().replace(" ", "")
        )
    staff_key = StaffKey.objects.get()
    with pytest.raises(DecryptionFailed):
        passwords.unwrap_with_password(bytes(staff_key.private_by_password), "password123")
    assert staff_key.private_by_recovery is not None
    with pytest.raises(DecryptionFailed):
        passwords.unwrap_with_recovery_key(
            bytes(staff_key.private_by_recovery), passwords.new_recovery_key()
        )
    device = TotpDevice.objects.get()
    guessed = server_secrets.parse_server_key(server_secrets.new_server_key())
    with pytest.raises(DecryptionFailed):
        server_secrets.decrypt(
            guessed, bytes(device.encrypted_seed), context=f"totp-seed:{device.member_id}".encode()
        )
