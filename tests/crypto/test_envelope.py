import pytest
from hypothesis import given
from hypothesis import strategies as st

from rightsdesk.crypto import envelope
from rightsdesk.crypto.errors import DecryptionFailed
from rightsdesk.crypto.keys import generate_keypair

CASE = generate_keypair()
OTHER = generate_keypair()
CONTEXT = b"case:81f3:answer:what-happened"


@given(plaintext=st.binary(max_size=1024), context=st.binary(max_size=64))
def test_round_trip(plaintext: bytes, context: bytes):
    blob = envelope.encrypt_to(CASE.public, plaintext, context=context)
    assert len(blob) == len(plaintext) + envelope.OVERHEAD
    assert envelope.decrypt_with(CASE, blob, context=context) == plaintext


def test_each_encryption_is_different():
    assert envelope.encrypt_to(CASE.public, b"x", context=CONTEXT) != envelope.encrypt_to(
        CASE.public, b"x", context=CONTEXT
    )


def test_wrong_key_does_not_open():
    blob = envelope.encrypt_to(CASE.public, b"my name", context=CONTEXT)
    with pytest.raises(DecryptionFailed):
        envelope.decrypt_with(OTHER, blob, context=CONTEXT)


def test_wrong_context_does_not_open():
    blob = envelope.encrypt_to(CASE.public, b"my name", context=CONTEXT)
    with pytest.raises(DecryptionFailed, match="context"):
        envelope.decrypt_with(CASE, blob, context=b"case:81f3:answer:contact")


def test_every_changed_byte_is_detected():
    blob = envelope.encrypt_to(CASE.public, b"my name", context=CONTEXT)
    for position in range(len(blob)):
        altered = bytearray(blob)
        altered[position] ^= 0x01
        with pytest.raises(DecryptionFailed):
            envelope.decrypt_with(CASE, bytes(altered), context=CONTEXT)


def test_every_truncation_is_refused():
    blob = envelope.encrypt_to(CASE.public, b"my name", context=CONTEXT)
    for length in range(len(blob)):
        with pytest.raises(DecryptionFailed):
            envelope.decrypt_with(CASE, blob[:length], context=CONTEXT)


def test_unknown_version_is_refused():
    blob = envelope.encrypt_to(CASE.public, b"my name", context=CONTEXT)
    with pytest.raises(DecryptionFailed, match="version 2"):
        envelope.decrypt_with(CASE, b"\x02" + blob[1:], context=CONTEXT)


def test_extra_bytes_are_refused():
    blob = envelope.encrypt_to(CASE.public, b"my name", context=CONTEXT)
    with pytest.raises(DecryptionFailed):
        envelope.decrypt_with(CASE, blob + b"\x00", context=CONTEXT)
