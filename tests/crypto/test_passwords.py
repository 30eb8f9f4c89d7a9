import struct
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rightsdesk.crypto import passwords
from rightsdesk.crypto.errors import DecryptionFailed, WrongPassword
from rightsdesk.crypto.passwords import FAST_KDF_FOR_TESTS as FAST
from rightsdesk.crypto.passwords import KdfParams

SECRET = bytes(range(32))
PASSWORD = "correct horse"


def wrap(secret: bytes = SECRET, password: str = PASSWORD) -> bytes:
    return passwords.wrap_with_password(secret, password, params=FAST)


# Passwords ------------------------------------------------------------------------------------


@settings(max_examples=15, deadline=None)
@given(secret=st.binary(max_size=64), password=st.text(max_size=40))
def test_password_round_trip(secret: bytes, password: str):
    assert passwords.unwrap_with_password(wrap(secret, password), password) == secret


def test_default_params_work_and_are_recorded():
    blob = passwords.wrap_with_password(SECRET, PASSWORD)
    assert passwords.kdf_params_of(blob) == passwords.DEFAULT_KDF
    assert passwords.unwrap_with_password(blob, PASSWORD) == SECRET


def test_params_are_stored_so_they_can_be_raised_later():
    blob = wrap()
    assert passwords.kdf_params_of(blob) == FAST
    stored = passwords.kdf_params_of(blob)
    default = passwords.DEFAULT_KDF
    assert stored.opslimit < default.opslimit or stored.memlimit < default.memlimit


def test_salt_and_nonce_are_fresh():
    assert wrap() != wrap()


def test_wrong_password_is_refused():
    with pytest.raises(WrongPassword):
        passwords.unwrap_with_password(wrap(), PASSWORD + " ")


def test_passwords_are_compared_after_nfc_normalisation():
    composed = unicodedata.normalize("NFC", "café straße")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    assert passwords.unwrap_with_password(wrap(password=composed), decomposed) == SECRET


def test_unencodable_password_is_just_wrong():
    with pytest.raises(WrongPassword):
        passwords.unwrap_with_password(wrap(), "\ud800")


def test_every_changed_byte_is_detected():
    blob = wrap()
    for position in range(len(blob)):
        altered = bytearray(blob)
        altered[position] ^= 0x01
        # A changed parameter may leave them in range (WrongPassword) or not (DecryptionFailed).
        with pytest.raises(DecryptionFailed):
            passwords.unwrap_with_password(bytes(altered), PASSWORD)


def test_changed_ciphertext_reads_as_wrong_password():
    blob = bytearray(wrap())
    blob[-1] ^= 0x01
    with pytest.raises(WrongPassword):
        passwords.unwrap_with_password(bytes(blob), PASSWORD)


def test_lowered_parameters_are_detected():
    blob = wrap()
    weaker = blob[:1] + struct.pack(">IQ", 1, 8192) + blob[13:]
    with pytest.raises(WrongPassword):
        passwords.unwrap_with_password(weaker, PASSWORD)


def test_every_truncation_is_refused():
    blob = wrap()
    for length in range(len(blob)):
        with pytest.raises(DecryptionFailed):
            passwords.unwrap_with_password(blob[:length], PASSWORD)


def test_unknown_format_is_refused():
    blob = wrap()
    with pytest.raises(DecryptionFailed, match="unknown format 9"):
        passwords.unwrap_with_password(b"\x09" + blob[1:], PASSWORD)
    with pytest.raises(DecryptionFailed, match="unknown format"):
        passwords.kdf_params_of(b"\x09" + blob[1:])


def test_absurd_stored_parameters_are_refused_before_hashing():
    blob = wrap()
    huge = blob[:1] + struct.pack(">IQ", 1, 2**40) + blob[13:]
    with pytest.raises(DecryptionFailed, match="out of range") as caught:
        passwords.unwrap_with_password(huge, PASSWORD)
    assert not isinstance(caught.value, WrongPassword)


@pytest.mark.parametrize(
    ("opslimit", "memlimit"),
    [(0, 8192 * 1024), (1, 1024), (passwords.MAX_OPSLIMIT + 1, 8192 * 1024), (1, 2**31)],
)
def test_params_out_of_range_are_refused(opslimit: int, memlimit: int):
    with pytest.raises(ValueError, match="limit"):
        KdfParams(opslimit=opslimit, memlimit=memlimit)


# Recovery keys --------------------------------------------------------------------------------


def test_new_recovery_key_shape():
    key = passwords.new_recovery_key()
    groups = key.split("-")
    assert len(groups) == 7
    assert all(len(group) == 4 for group in groups)
    assert set(key.replace("-", "")) <= set(passwords.RECOVERY_ALPHABET)
    assert passwords.RECOVERY_KEY_CHARS * 5 >= 128
    assert passwords.normalise_recovery_key(key) == key
    assert len({passwords.new_recovery_key() for _ in range(50)}) == 50


def test_recovery_key_normalisation_forgives_typing():
    key = "7K3Q-M0ZP-1100-ABCD-EFGH-JKMN-PQRS"
    assert passwords.normalise_recovery_key("7k3q m0zp ILoo abcd efgh jkmn pqrs") == key
    assert passwords.normalise_recovery_key("7K3QM0ZP1L0OABCDEFGHJKMNPQRS") == key
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in "7K3Q")
    assert full_width != "7K3Q"
    dashes = "\uff0d", "\u2013", "\u2010"
    typed = f"{full_width}{dashes[0]}m0zp{dashes[1]}1100{dashes[2]}abcd efgh\u00a0jkmn pqrs"
    assert passwords.normalise_recovery_key(typed) == key


@pytest.mark.parametrize(
    "text",
    [
        "",
        "7K3Q-M0ZP-1100-ABCD-EFGH-JKMN-PQR",  # one short
        "7K3Q-M0ZP-1100-ABCD-EFGH-JKMN-PQRST",  # one long
        "7K3Q-M0ZP-1100-ABCD-EFGH-JKMN-PQRU",  # U is not in the alphabet
        "7K3Q-M0ZP-1100-ABCD-EFGH-JKMN-PQR!",
        "7" * 500,
    ],
)
def test_malformed_recovery_keys_are_rejected(text: str):
    assert passwords.normalise_recovery_key(text) is None


def test_recovery_key_round_trip_with_sloppy_typing():
    key = passwords.new_recovery_key()
    blob = passwords.wrap_with_recovery_key(SECRET, key)
    typed = key.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert passwords.unwrap_with_recovery_key(blob, typed) == SECRET


def test_wrong_recovery_key_is_refused():
    blob = passwords.wrap_with_recovery_key(SECRET, passwords.new_recovery_key())
    with pytest.raises(WrongPassword):
        passwords.unwrap_with_recovery_key(blob, passwords.new_recovery_key())
    with pytest.raises(WrongPassword, match="not a recovery key"):
        passwords.unwrap_with_recovery_key(blob, "hunter2")


def test_wrapping_with_something_that_is_not_a_recovery_key_is_refused():
    with pytest.raises(ValueError, match="not a recovery key"):
        passwords.wrap_with_recovery_key(SECRET, "hunter2")


def test_recovery_blob_tampering_truncation_and_version():
    key = passwords.new_recovery_key()
    blob = passwords.wrap_with_recovery_key(SECRET, key)
    for position in range(len(blob)):
        altered = bytearray(blob)
        altered[position] ^= 0x01
        with pytest.raises(DecryptionFailed):
            passwords.unwrap_with_recovery_key(bytes(altered), key)
    for length in range(len(blob)):
        with pytest.raises(DecryptionFailed):
            passwords.unwrap_with_recovery_key(blob[:length], key)


def test_the_two_kinds_of_blob_cannot_be_confused():
    key = passwords.new_recovery_key()
    recovery_blob = passwords.wrap_with_recovery_key(SECRET, key)
    with pytest.raises(DecryptionFailed, match="unknown format 2"):
        passwords.unwrap_with_password(recovery_blob, key)
    with pytest.raises(DecryptionFailed, match="unknown format 1"):
        passwords.unwrap_with_recovery_key(wrap(password=key), key)
