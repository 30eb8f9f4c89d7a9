import dataclasses
import itertools

import pytest
import shamir_mnemonic

from rightsdesk.crypto import escrow
from rightsdesk.crypto.errors import InvalidShares
from rightsdesk.crypto.keys import generate_keypair

SECRET = generate_keypair().private
SHARES = escrow.split_secret(SECRET, shares=5, threshold=3)


def test_split_gives_the_requested_number_of_distinct_mnemonics():
    assert len(SHARES) == 5
    assert len(set(SHARES)) == 5
    assert all(len(share.split()) == 33 for share in SHARES)


def test_any_three_of_five_shares_rebuild_the_secret():
    for chosen in itertools.combinations(SHARES, 3):
        assert escrow.combine_shares(list(chosen)) == SECRET


def test_more_shares_than_needed_are_fine():
    assert escrow.combine_shares(SHARES) == SECRET
    assert escrow.combine_shares(SHARES[:4]) == SECRET


def test_too_few_shares_are_refused_with_a_count():
    with pytest.raises(InvalidShares, match=r"3 different shares are needed.*only 2"):
        escrow.combine_shares(SHARES[:2])


def test_a_share_given_twice_counts_once():
    with pytest.raises(InvalidShares, match="only 2"):
        escrow.combine_shares([SHARES[0], SHARES[1], SHARES[0]])


def test_no_shares_are_refused():
    with pytest.raises(InvalidShares, match="no shares"):
        escrow.combine_shares([])
    with pytest.raises(InvalidShares, match="no shares"):
        escrow.combine_shares(["", "   "])


def test_blank_entries_case_and_spacing_are_forgiven():
    typed = ["", SHARES[0].upper(), "  " + SHARES[2].replace(" ", "   ") + "\n", SHARES[4]]
    assert escrow.combine_shares(typed) == SECRET


def test_a_misspelt_word_is_named_without_repeating_it():
    words = SHARES[1].split()
    words[6] = "zzzebra"
    with pytest.raises(InvalidShares, match="share 2, word 7 is not a SLIP-39 word") as caught:
        escrow.combine_shares([SHARES[0], " ".join(words), SHARES[2]])
    assert "zzzebra" not in str(caught.value)


def test_a_wrong_but_real_word_fails_the_checksum():
    words = SHARES[2].split()
    words[10] = "academic" if words[10] != "academic" else "acid"
    with pytest.raises(InvalidShares, match="share 3 does not check out"):
        escrow.combine_shares([SHARES[0], SHARES[1], " ".join(words)])


def test_a_missing_word_is_caught():
    words = SHARES[0].split()
    with pytest.raises(InvalidShares, match="share 1"):
        escrow.combine_shares([" ".join(words[:-1]), SHARES[1], SHARES[2]])


def test_shares_of_different_splits_are_refused():
    other = escrow.split_secret(SECRET, shares=5, threshold=3)
    with pytest.raises(InvalidShares, match="different splits"):
        escrow.combine_shares([SHARES[0], SHARES[1], other[2]])


def test_a_single_string_is_a_programming_error():
    with pytest.raises(TypeError):
        escrow.combine_shares(SHARES[0])


def test_passphrase_round_trip():
    shares = escrow.split_secret(SECRET, shares=3, threshold=2, passphrase=b"trustees 2025")
    assert escrow.combine_shares(shares[1:], passphrase=b"trustees 2025") == SECRET
    # SLIP-39 cannot tell a wrong passphrase: it rebuilds another secret.
    assert escrow.combine_shares(shares[1:]) != SECRET


@pytest.mark.parametrize(("shares", "threshold"), [(1, 1), (2, 2), (16, 16), (4, 1), (16, 1)])
def test_every_allowed_shape_works(shares: int, threshold: int):
    mnemonics = escrow.split_secret(SECRET, shares=shares, threshold=threshold)
    assert len(mnemonics) == shares
    assert escrow.combine_shares(mnemonics[-threshold:]) == SECRET
    assert escrow.combine_shares(mnemonics) == SECRET


def test_one_of_many_takes_any_single_share():
    mnemonics = escrow.split_secret(SECRET, shares=3, threshold=1)
    for mnemonic in mnemonics:
        assert escrow.combine_shares([mnemonic]) == SECRET


@pytest.mark.parametrize(
    ("shares", "threshold"), [(5, 0), (2, 3), (17, 3), (17, 17), (0, 0), (3, -1)]
)
def test_impossible_shapes_are_refused(shares: int, threshold: int):
    with pytest.raises(ValueError, match="threshold"):
        escrow.split_secret(SECRET, shares=shares, threshold=threshold)


@pytest.mark.parametrize("secret", [b"", b"x" * 15, b"x" * 17])
def test_secrets_slip39_cannot_carry_are_refused(secret: bytes):
    with pytest.raises(ValueError, match="even number of bytes"):
        escrow.split_secret(secret, shares=3, threshold=2)


def test_non_ascii_passphrase_is_refused():
    with pytest.raises(ValueError, match="printable ASCII"):
        escrow.split_secret(SECRET, shares=3, threshold=2, passphrase="café".encode())


def _with_value(mnemonic: str, value: bytes) -> str:
    """The same share re-encoded with another value and a valid checksum, as a forger would."""
    share = shamir_mnemonic.Share.from_mnemonic(mnemonic)
    return str(dataclasses.replace(share, value=value).mnemonic())


def test_two_different_shares_with_one_number_are_refused():
    forged = _with_value(SHARES[0], bytes(32))
    with pytest.raises(InvalidShares, match="same number"):
        escrow.combine_shares([SHARES[0], forged, SHARES[1], SHARES[2]])


def test_an_altered_share_with_a_valid_checksum_is_refused():
    forged = _with_value(SHARES[0], bytes(32))
    with pytest.raises(InvalidShares, match="do not fit together"):
        escrow.combine_shares([forged, SHARES[1], SHARES[2]])


def test_multi_group_shares_from_other_tools_need_enough_groups():
    groups = shamir_mnemonic.generate_mnemonics(2, [(2, 3), (2, 3)], SECRET)
    with pytest.raises(InvalidShares, match="not enough shares"):
        escrow.combine_shares(groups[0])
    assert escrow.combine_shares(groups[0][:2] + groups[1][1:]) == SECRET
