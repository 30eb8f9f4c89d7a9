import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rightsdesk.crypto import receipts
from rightsdesk.crypto.receipts import damm_check_digit, normalise_receipt

PEPPER = b"p" * 32


def valid(body: str) -> str:
    return body + damm_check_digit(body)


DIGITS = valid("390581862737440192831120556")
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULL_WIDTH = str.maketrans("0123456789", "".join(chr(0xFF10 + i) for i in range(10)))


def test_damm_matches_the_published_example():
    assert damm_check_digit("572") == "4"
    assert damm_check_digit("5724") == "0"


def test_damm_table_is_weakly_totally_anti_symmetric():
    """The property behind the guarantees, checked over the whole table."""
    table = receipts._DAMM
    assert all(table[x][x] == 0 for x in range(10))
    for row in table:
        assert sorted(row) == list(range(10))
    for c, x, y in itertools.product(range(10), repeat=3):
        if x != y:
            assert table[table[c][x]][y] != table[table[c][y]][x]


def test_new_receipt_shape():
    receipt = receipts.new_receipt()
    groups = receipt.split(" ")
    assert [len(group) for group in groups] == [receipts.GROUP_SIZE] * receipts.RECEIPT_GROUPS
    assert all(group.isascii() and group.isdigit() for group in groups)
    assert normalise_receipt(receipt) == receipt.replace(" ", "")
    assert len({receipts.new_receipt() for _ in range(100)}) == 100


def test_receipts_carry_at_least_80_bits():
    assert 10 ** (receipts.RECEIPT_DIGITS - 1) >= 2**89


def test_format_receipt():
    assert receipts.format_receipt(DIGITS) == " ".join(DIGITS[i : i + 4] for i in range(0, 28, 4))
    with pytest.raises(ValueError, match="not a receipt"):
        receipts.format_receipt("1234")


@pytest.mark.parametrize(
    "typed",
    [
        DIGITS,
        receipts.format_receipt(DIGITS),
        receipts.format_receipt(DIGITS).translate(PERSIAN),
        receipts.format_receipt(DIGITS).translate(ARABIC_INDIC),
        DIGITS.translate(FULL_WIDTH),
        "-".join(DIGITS[i : i + 4] for i in range(0, 28, 4)),
        ".".join(DIGITS[i : i + 4] for i in range(0, 28, 4)),
        "\u00a0".join(DIGITS[i : i + 4] for i in range(0, 28, 4)),
        "\u202f".join(DIGITS[i : i + 4] for i in range(0, 28, 4)),
        "\u2013".join(DIGITS[i : i + 4] for i in range(0, 28, 4)),
        "\u200f" + DIGITS.translate(PERSIAN) + "\u200e",  # bidi marks from copied RTL text
        "  " + DIGITS[:10] + "\t" + DIGITS[10:] + "\n",
        DIGITS[:14].translate(PERSIAN) + " " + DIGITS[14:],  # mixed scripts
        DIGITS.translate(str.maketrans("0123456789", "०१२३४५६७८९")),  # Devanagari
    ],
)
def test_normalisation_accepts_any_decimal_digits_and_separators(typed: str):
    assert normalise_receipt(typed) == DIGITS


@pytest.mark.parametrize(
    "typed",
    [
        "",
        DIGITS[:-1],
        DIGITS + "0",
        DIGITS[:10] + "a" + DIGITS[10:],
        DIGITS[:10] + "²" + DIGITS[11:],  # a superscript is not a decimal digit
        DIGITS[:-1] + "x",
        DIGITS + "#",
        " " * 300 + DIGITS,
    ],
)
def test_normalisation_rejects_everything_else(typed: str):
    assert normalise_receipt(typed) is None


@given(position=st.integers(min_value=0, max_value=27), change=st.integers(1, 9))
def test_any_single_changed_digit_is_caught(position: int, change: int):
    receipt = receipts.new_receipt().replace(" ", "")
    wrong = str((int(receipt[position]) + change) % 10)
    assert normalise_receipt(receipt[:position] + wrong + receipt[position + 1 :]) is None


def test_every_single_changed_digit_is_caught():
    for position, wrong in itertools.product(range(28), "0123456789"):
        if DIGITS[position] != wrong:
            assert normalise_receipt(DIGITS[:position] + wrong + DIGITS[position + 1 :]) is None


def test_every_adjacent_swap_is_caught():
    receipt = receipts.new_receipt().replace(" ", "")
    for digits in (DIGITS, receipt):
        for i in range(27):
            if digits[i] != digits[i + 1]:
                swapped = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
                assert normalise_receipt(swapped) is None


def test_lookup_id_is_stable_however_the_receipt_is_typed():
    lookup = receipts.receipt_lookup_id(DIGITS, PEPPER)
    assert len(lookup) == 64
    assert int(lookup, 16) >= 0
    assert receipts.receipt_lookup_id(receipts.format_receipt(DIGITS), PEPPER) == lookup
    assert receipts.receipt_lookup_id(DIGITS.translate(PERSIAN), PEPPER) == lookup


def test_lookup_id_depends_on_the_pepper_and_the_receipt():
    lookup = receipts.receipt_lookup_id(DIGITS, PEPPER)
    assert receipts.receipt_lookup_id(DIGITS, b"q" * 32) != lookup
    assert receipts.receipt_lookup_id(receipts.new_receipt(), PEPPER) != lookup


def test_lookup_id_refuses_bad_receipts_and_short_peppers():
    with pytest.raises(ValueError, match="not a receipt"):
        receipts.receipt_lookup_id(DIGITS[:-1], PEPPER)
    with pytest.raises(ValueError, match="pepper"):
        receipts.receipt_lookup_id(DIGITS, b"short")
