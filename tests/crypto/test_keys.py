import pytest
from hypothesis import given
from hypothesis import strategies as st

from rightsdesk.crypto import keys
from rightsdesk.crypto.errors import DecryptionFailed

PAIR = keys.generate_keypair()
OTHER = keys.generate_keypair()


def test_generated_pairs_have_32_byte_keys_and_differ():
    assert len(PAIR.public) == len(PAIR.private) == 32
    assert PAIR.public != OTHER.public
    assert PAIR.private != OTHER.private


def test_repr_hides_the_private_key():
    text = repr(PAIR)
    assert repr(PAIR.public) in text
    assert repr(PAIR.private) not in text
    assert PAIR.private.hex() not in text
    assert "private" not in text


def test_keypair_from_private_rebuilds_the_public_key():
    assert keys.keypair_from_private(PAIR.private) == PAIR


@pytest.mark.parametrize("length", [0, 31, 33])
def test_keys_of_the_wrong_length_are_refused(length: int):
    with pytest.raises(ValueError, match="32"):
        keys.keypair_from_private(b"k" * length)
    with pytest.raises(ValueError, match="32"):
        keys.KeyPair(public=b"p" * length, private=b"k" * 32)
    with pytest.raises(ValueError, match="32"):
        keys.seal(b"p" * length, b"secret")


def test_a_low_order_public_key_is_refused():
    with pytest.raises(ValueError, match="usable"):
        keys.seal(bytes(32), b"secret")


@given(plaintext=st.binary(max_size=512))
def test_seal_round_trip(plaintext: bytes):
    sealed = keys.seal(PAIR.public, plaintext)
    assert len(sealed) == len(plaintext) + keys.SEAL_OVERHEAD
    assert keys.unseal(PAIR, sealed) == plaintext


def test_sealing_twice_gives_different_blobs():
    assert keys.seal(PAIR.public, b"x") != keys.seal(PAIR.public, b"x")


def test_wrong_key_does_not_unseal():
    with pytest.raises(DecryptionFailed):
        keys.unseal(OTHER, keys.seal(PAIR.public, b"secret"))


@pytest.mark.parametrize("position", [0, 31, 32, 47, -1])
def test_any_changed_byte_is_detected(position: int):
    sealed = bytearray(keys.seal(PAIR.public, b"secret"))
    sealed[position] ^= 0x80
    with pytest.raises(DecryptionFailed):
        keys.unseal(PAIR, bytes(sealed))


@pytest.mark.parametrize("length", [0, 10, keys.SEAL_OVERHEAD - 1, keys.SEAL_OVERHEAD + 5])
def test_truncated_sealed_box_is_refused(length: int):
    sealed = keys.seal(PAIR.public, b"secret")
    with pytest.raises(DecryptionFailed):
        keys.unseal(PAIR, sealed[:length])


def test_seal_to_many_gives_each_recipient_their_own_copy():
    escrow = keys.generate_keypair()
    case_key = keys.generate_keypair().private
    wraps = keys.seal_to_many(
        {"alice": PAIR.public, "bob": OTHER.public, "escrow": escrow.public}, case_key
    )
    assert set(wraps) == {"alice", "bob", "escrow"}
    assert keys.unseal(PAIR, wraps["alice"]) == case_key
    assert keys.unseal(OTHER, wraps["bob"]) == case_key
    assert keys.unseal(escrow, wraps["escrow"]) == case_key
    with pytest.raises(DecryptionFailed):
        keys.unseal(PAIR, wraps["bob"])


def test_seal_to_nobody_is_refused():
    with pytest.raises(ValueError, match="nobody"):
        keys.seal_to_many({}, b"secret")
