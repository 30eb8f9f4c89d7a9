"""Time-based one-time passwords (RFC 6238) with replay protection.

pyotp computes the codes; this module decides which time steps are acceptable (one step of clock
drift either way) and refuses any step at or before the last one accepted, so a code that was seen
over someone's shoulder cannot be used again.
"""

from __future__ import annotations

import hmac
import time
from dataclasses import dataclass

import pyotp
import segno
from django.conf import settings

from rightsdesk.crypto import server_secrets

PERIOD = 30
DIGITS = 6
DRIFT_STEPS = 1


def new_seed() -> str:
    return pyotp.random_base32(length=32)


def _context(member_id: int) -> bytes:
    return f"totp-seed:{member_id}".encode()


def _server_key() -> bytes:
    return server_secrets.parse_server_key(settings.TOTP_ENCRYPTION_KEY)


def encrypt_seed(seed: str, *, member_id: int) -> bytes:
    return server_secrets.encrypt(_server_key(), seed.encode("ascii"), context=_context(member_id))


def decrypt_seed(ciphertext: bytes | memoryview, *, member_id: int) -> str:
    opened = server_secrets.decrypt(_server_key(), bytes(ciphertext), context=_context(member_id))
    return opened.decode("ascii")


def provisioning_uri(seed: str, *, username: str, issuer: str) -> str:
    return pyotp.TOTP(seed, digits=DIGITS, interval=PERIOD).provisioning_uri(
        name=username, issuer_name=issuer
    )


def normalise_code(raw: str) -> str:
    """Digits only: people type codes with spaces, and phones may insert non-Latin digits."""
    digits = []
    for char in raw:
        if char.isspace() or char in "-\u2010\u2013":
            continue
        if not char.isdigit():
            return ""
        digits.append(str(int(char)))
    return "".join(digits)


def matching_step(
    seed: str, code: str, *, last_used_step: int, now: float | None = None
) -> int | None:
    """The time step of ``code`` if it is current (± drift) and newer than the last one used."""
    code = normalise_code(code)
    if len(code) != DIGITS:
        return None
    totp = pyotp.TOTP(seed, digits=DIGITS, interval=PERIOD)
    current = int((time.time() if now is None else now) // PERIOD)
    found = None
    # Compare against every candidate step so the time taken does not depend on which matched.
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        expected = totp.generate_otp(step)
        if hmac.compare_digest(expected.encode(), code.encode()) and step > last_used_step:
            found = step
    return found


@dataclass(frozen=True)
class QrCode:
    """A QR code as an SVG path, so templates can draw it inline without any unescaped markup."""

    size: int
    path: str


def qr_code(text: str) -> QrCode:
    qr = segno.make(text, error="m", micro=False)
    border = 4
    rows = []
    for y, row in enumerate(qr.matrix):
        x = 0
        width = len(row)
        while x < width:
            if row[x]:
                start = x
                while x < width and row[x]:
                    x += 1
                rows.append(f"M{start + border} {y + border}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return QrCode(size=len(qr.matrix) + 2 * border, path="".join(rows))


def format_seed_for_humans(seed: str) -> str:
    return " ".join(seed[i : i + 4] for i in range(0, len(seed), 4))
