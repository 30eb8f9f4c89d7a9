"""Receipts: the only thing a reporter keeps to come back to their case.

A receipt is 28 digits: 27 from ``secrets`` (about 89.7 bits, far beyond online guessing) and a
Damm check digit, shown as seven groups of four. Digits rather than words or letters because
every phone keyboard in every script can type them, and because people read them aloud and copy
them by hand; the check digit catches every single wrong digit and every swap of two neighbours
before the server is even asked.

The server finds a case by ``receipt_lookup_id``, an HMAC under a pepper kept outside the
database: a stolen database holds no receipt and nothing to test guesses against offline.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata

RECEIPT_GROUPS = 7
GROUP_SIZE = 4
RECEIPT_DIGITS = RECEIPT_GROUPS * GROUP_SIZE
MIN_PEPPER_BYTES = 16

# Damm's quasigroup of order 10 (weakly totally anti-symmetric): the check digit found by
# chaining a number's digits through it detects all single-digit errors and all adjacent
# transpositions. Table from H. Michael Damm, "Total anti-symmetrische Quasigruppen" (2004).
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)

# Besides white space (which covers NBSP and the narrow NBSP some locales group digits with),
# dashes and invisible formatting marks (the bidi marks that ride along when a number is copied
# from right-to-left text), these are the separators people put between groups of digits.
_SEPARATORS = frozenset(".,·・/_\u2212\u066b\u066c\u060c\u3002\uff0c\uff0e\uff0d")
_MAX_TYPED_LENGTH = 200


def damm_check_digit(digits: str) -> str:
    interim = 0
    for digit in digits:
        interim = _DAMM[interim][int(digit)]
    return str(interim)


def new_receipt() -> str:
    body = "".join(str(secrets.randbelow(10)) for _ in range(RECEIPT_DIGITS - 1))
    return format_receipt(body + damm_check_digit(body))


def normalise_receipt(text: str) -> str | None:
    """The 28 ASCII digits of a typed receipt, or None if it cannot be one.

    Accepts digits of any script that Unicode calls decimal (Arabic-Indic, Persian, full-width,
    Devanagari and so on) and ignores separators; anything else, the wrong number of digits or a
    failed check digit gives None, so a typo is reported before any lookup.
    """
    if len(text) > _MAX_TYPED_LENGTH:
        return None
    digits: list[str] = []
    for character in text:
        value = unicodedata.decimal(character, None)
        if value is not None:
            digits.append(str(value))
        elif not (
            character.isspace()
            or character in _SEPARATORS
            or unicodedata.category(character) in {"Pd", "Cf"}
        ):
            return None
    receipt = "".join(digits)
    if len(receipt) != RECEIPT_DIGITS or damm_check_digit(receipt) != "0":
        return None
    return receipt


def format_receipt(digits: str) -> str:
    """Seven groups of four ASCII digits, from anything ``normalise_receipt`` accepts."""
    receipt = normalise_receipt(digits)
    if receipt is None:
        raise ValueError("not a receipt: 28 digits with a valid check digit are needed")
    return " ".join(receipt[i : i + GROUP_SIZE] for i in range(0, RECEIPT_DIGITS, GROUP_SIZE))


def receipt_lookup_id(receipt: str, pepper: bytes) -> str:
    """Hex HMAC-SHA256 of the receipt's digits under the server pepper.

    The same receipt however typed gives the same id; without the pepper, which lives in the
    data directory and never in the database, the ids reveal nothing and cannot be tested.
    """
    if len(pepper) < MIN_PEPPER_BYTES:
        raise ValueError(f"the pepper must have at least {MIN_PEPPER_BYTES} bytes")
    digits = normalise_receipt(receipt)
    if digits is None:
        raise ValueError("not a receipt")
    return hmac.new(pepper, digits.encode("ascii"), hashlib.sha256).hexdigest()
