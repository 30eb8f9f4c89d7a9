import pytest
from hypothesis import given
from hypothesis import strategies as st

from rightsdesk.crypto import server_secrets

KEY = server_secrets.parse_server_key(server_secrets.new_server_key())


@given(plaintext=st.binary(max_size=512), context=st.binary(max_size=64))
def test_round_trip(plaintext: bytes, context: bytes):
    sealed = server_secrets.encrypt(KEY, plaintext, context=context)
    assert server_secrets.decrypt(KEY, sealed, context=context) == plaintext


def test_each_encryption_uses_a_fresh_nonce():
    assert server_secrets.encrypt(KEY, b"x", context=b"c") != server_secrets.encrypt(
        KEY, b"x", context=b"c"
    )


def test_wrong_context_does_not_open():
    sealed = server_secrets.encrypt(KEY, b"seed", context=b"totp-seed:1")
    with pytest.raises(server_secrets.DecryptionFailed):
        server_secrets.decrypt(KEY, sealed, context=b"totp-seed:2")


def test_wrong_key_does_not_open():
    other = server_secrets.parse_server_key(server_secrets.new_server_key())
    sealed = server_secrets.encrypt(KEY, b"seed", context=b"c")
    with pytest.raises(server_secrets.DecryptionFailed):
        server_secrets.decrypt(other, sealed, context=b"c")


@pytest.mark.parametrize("position", [0, 1, 30, -1])
def test_any_changed_byte_is_detected(position: int):
    sealed = bytearray(server_secrets.encrypt(KEY, b"seed", context=b"c"))
    sealed[position] ^= 0x01
    with pytest.raises(server_secrets.DecryptionFailed):
        server_secrets.decrypt(KEY, bytes(sealed), context=b"c")


def test_truncated_ciphertext_is_refused():
    sealed = server_secrets.encrypt(KEY, b"seed", context=b"c")
    with pytest.raises(server_secrets.DecryptionFailed):
        server_secrets.decrypt(KEY, sealed[:10], context=b"c")
    with pytest.raises(server_secrets.DecryptionFailed):
        server_secrets.decrypt(KEY, sealed[:-1], context=b"c")


@pytest.mark.parametrize("text", ["", "not base64 !", "c2hvcnQ="])
def test_bad_keys_are_refused(text: str):
    with pytest.raises(server_secrets.InvalidKey):
        server_secrets.parse_server_key(text)
