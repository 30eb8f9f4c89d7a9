"""Secrets wrapped under something a person knows: a password, or a printable recovery key.

A staff member's private key is stored twice: under a key derived from their password with
Argon2id, and under their recovery key, shown once when the account is created. Losing one still
leaves the other (and, failing both, the escrow trustees).

The first byte of every blob names its format, so that a blob says how to open it and the two
kinds can never be mistaken for each other; later formats take new numbers::

    0x01 password, Argon2id13 + XChaCha20-Poly1305:
         format (1) | opslimit (4, big-endian) | memlimit (8, big-endian, bytes) | salt (16)
         | nonce (24) | ciphertext with tag
    0x02 recovery key, keyed BLAKE2b + XChaCha20-Poly1305:
         format (1) | salt (16) | nonce (24) | ciphertext with tag

Everything before the ciphertext is authenticated as associated data, so altering the stored
Argon2 parameters (to weaken a later re-wrap, say) makes the blob refuse to open.
"""

from __future__ import annotations

import hashlib
import secrets
import struct
import unicodedata
from dataclasses import dataclass

from nacl import bindings
from nacl.exceptions import CryptoError as _NaclError
from nacl.pwhash import argon2id

from rightsdesk.crypto.errors import DecryptionFailed, WrongPassword

PASSWORD_FORMAT = b"\x01"
RECOVERY_FORMAT = b"\x02"

KEY_BYTES: int = bindings.crypto_aead_xchacha20poly1305_ietf_KEYBYTES
NONCE_BYTES: int = bindings.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
TAG_BYTES: int = bindings.crypto_aead_xchacha20poly1305_ietf_ABYTES
SALT_BYTES: int = argon2id.SALTBYTES

# Upper bounds on the parameters a blob may ask for. The parameters are read before anything is
# authenticated, so without a ceiling a row edited to ask for a terabyte would take the server
# down on the next login. 1 GiB and 32 passes leave ample room to raise the defaults.
MAX_OPSLIMIT = 32
MAX_MEMLIMIT = 1024 * 1024 * 1024

_PARAMS = struct.Struct(">IQ")
_PASSWORD_HEADER_BYTES = len(PASSWORD_FORMAT) + _PARAMS.size + SALT_BYTES + NONCE_BYTES
_RECOVERY_HEADER_BYTES = len(RECOVERY_FORMAT) + SALT_BYTES + NONCE_BYTES


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost: passes over memory (``opslimit``) and memory in bytes (``memlimit``)."""

    opslimit: int
    memlimit: int

    def __post_init__(self) -> None:
        if not argon2id.OPSLIMIT_MIN <= self.opslimit <= MAX_OPSLIMIT:
            raise ValueError(
                f"opslimit must be between {argon2id.OPSLIMIT_MIN} and {MAX_OPSLIMIT}, "
                f"not {self.opslimit}"
            )
        if not argon2id.MEMLIMIT_MIN <= self.memlimit <= MAX_MEMLIMIT:
            raise ValueError(
                f"memlimit must be between {argon2id.MEMLIMIT_MIN} and {MAX_MEMLIMIT} bytes, "
                f"not {self.memlimit}"
            )


DEFAULT_KDF = KdfParams(opslimit=3, memlimit=64 * 1024 * 1024)
"""Three passes over 64 MiB: between libsodium's INTERACTIVE and MODERATE limits.

About a tenth of a second on a small server, so a login stays quick while several workers share
the memory; a stolen database still costs an attacker the same per guess. Raise it here when the
hardware allows: ``kdf_params_of`` lets callers re-wrap older blobs at the next login.
"""

FAST_KDF_FOR_TESTS = KdfParams(opslimit=1, memlimit=8192 * 1024)
"""One pass over 8 MiB, for test suites only: it offers a password little protection."""


def _password_bytes(password: str) -> bytes:
    # The same password typed on two keyboards may arrive composed or decomposed ("é" as one
    # code point or two); NFC makes both derive the same key.
    return unicodedata.normalize("NFC", password).encode("utf-8")


def _seal(key: bytes, secret: bytes, header: bytes) -> bytes:
    ciphertext: bytes = bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
        secret, header, header[-NONCE_BYTES:], key
    )
    return header + ciphertext


def _open(key: bytes, blob: bytes, header_bytes: int) -> bytes:
    header = blob[:header_bytes]
    try:
        secret: bytes = bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
            blob[header_bytes:], header, header[-NONCE_BYTES:], key
        )
    except _NaclError:
        raise WrongPassword("wrong password or recovery key, or the blob was altered") from None
    return secret


def _argon2id(password: bytes, salt: bytes, params: KdfParams) -> bytes:
    key: bytes = argon2id.kdf(
        KEY_BYTES, password, salt, opslimit=params.opslimit, memlimit=params.memlimit
    )
    return key


def wrap_with_password(secret: bytes, password: str, *, params: KdfParams = DEFAULT_KDF) -> bytes:
    salt = secrets.token_bytes(SALT_BYTES)
    header = (
        PASSWORD_FORMAT
        + _PARAMS.pack(params.opslimit, params.memlimit)
        + salt
        + secrets.token_bytes(NONCE_BYTES)
    )
    return _seal(_argon2id(_password_bytes(password), salt, params), secret, header)


def kdf_params_of(blob: bytes) -> KdfParams:
    """The Argon2id parameters a password blob was made with.

    Compare them with ``DEFAULT_KDF`` after a successful unwrap, and re-wrap when either is
    lower. Raises ``DecryptionFailed`` for anything that is not a password blob.
    """
    if len(blob) < _PASSWORD_HEADER_BYTES + TAG_BYTES:
        raise DecryptionFailed("the blob is too short to be a password-wrapped secret")
    if blob[:1] != PASSWORD_FORMAT:
        raise DecryptionFailed(f"unknown format {blob[0]} for a password-wrapped secret")
    opslimit, memlimit = _PARAMS.unpack_from(blob, len(PASSWORD_FORMAT))
    try:
        return KdfParams(opslimit=opslimit, memlimit=memlimit)
    except ValueError as error:
        raise DecryptionFailed(
            f"the stored Argon2id parameters are out of range: {error}"
        ) from None


def unwrap_with_password(blob: bytes, password: str) -> bytes:
    params = kdf_params_of(blob)
    salt_start = len(PASSWORD_FORMAT) + _PARAMS.size
    salt = blob[salt_start : salt_start + SALT_BYTES]
    try:
        password_bytes = _password_bytes(password)
    except UnicodeEncodeError:
        # Lone surrogates cannot be encoded, so no blob was ever wrapped with them.
        raise WrongPassword("wrong password") from None
    return _open(_argon2id(password_bytes, salt, params), blob, _PASSWORD_HEADER_BYTES)


# Recovery keys --------------------------------------------------------------------------------

RECOVERY_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford's base32: no I, L, O or U, so nothing reads as another symbol (or a word)."""
RECOVERY_KEY_CHARS = 28
"""28 symbols of 5 bits: 140 bits, printed as 7 groups of 4."""
_RECOVERY_GROUP = 4
_RECOVERY_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_MAX_TYPED_LENGTH = 200
_BLAKE2B_PERSON = b"rightsdesk-rk-v1"


def new_recovery_key() -> str:
    """A fresh recovery key such as ``7K3Q-M0ZP-…``, to be shown once and never stored."""
    symbols = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_KEY_CHARS))
    return _group(symbols)


def _group(symbols: str) -> str:
    return "-".join(
        symbols[i : i + _RECOVERY_GROUP] for i in range(0, len(symbols), _RECOVERY_GROUP)
    )


def normalise_recovery_key(text: str) -> str | None:
    """The canonical form (as ``new_recovery_key`` prints it) of a typed key, or None.

    Forgiving about what people do when copying a key from paper: any case, full-width
    characters, spaces or dashes anywhere, O for 0 and I or L for 1. None when what is left is
    not 28 symbols of the alphabet.
    """
    if len(text) > _MAX_TYPED_LENGTH:
        return None
    kept = [
        character
        for character in unicodedata.normalize("NFKC", text).upper()
        if not (character.isspace() or unicodedata.category(character) in {"Pd", "Cf"})
    ]
    symbols = "".join(kept).translate(_RECOVERY_LOOKALIKES)
    if len(symbols) != RECOVERY_KEY_CHARS or any(c not in RECOVERY_ALPHABET for c in symbols):
        return None
    return _group(symbols)


def _recovery_wrapping_key(recovery_key: str, salt: bytes) -> bytes | None:
    """BLAKE2b keyed with the recovery key, rather than Argon2id.

    A recovery key carries 140 bits from ``secrets``; nobody can enumerate that space, so a slow
    hash would add cost for the server and none for an attacker. (Passwords are different: people
    choose them from a space small enough to search, which only a memory-hard hash slows down.)
    The salt makes each wrap's key distinct; the personalisation keeps these keys apart from any
    other BLAKE2b use.
    """
    canonical = normalise_recovery_key(recovery_key)
    if canonical is None:
        return None
    return hashlib.blake2b(
        digest_size=KEY_BYTES,
        key=canonical.replace("-", "").encode("ascii"),
        salt=salt,
        person=_BLAKE2B_PERSON,
    ).digest()


def wrap_with_recovery_key(secret: bytes, recovery_key: str) -> bytes:
    salt = secrets.token_bytes(SALT_BYTES)
    key = _recovery_wrapping_key(recovery_key, salt)
    if key is None:
        raise ValueError("not a recovery key (28 Crockford base32 symbols)")
    header = RECOVERY_FORMAT + salt + secrets.token_bytes(NONCE_BYTES)
    return _seal(key, secret, header)


def unwrap_with_recovery_key(blob: bytes, recovery_key: str) -> bytes:
    if len(blob) < _RECOVERY_HEADER_BYTES + TAG_BYTES:
        raise DecryptionFailed("the blob is too short to be a recovery-key-wrapped secret")
    if blob[:1] != RECOVERY_FORMAT:
        raise DecryptionFailed(f"unknown format {blob[0]} for a recovery-key-wrapped secret")
    salt = blob[len(RECOVERY_FORMAT) : len(RECOVERY_FORMAT) + SALT_BYTES]
    key = _recovery_wrapping_key(recovery_key, salt)
    if key is None:
        raise WrongPassword("that is not a recovery key (28 symbols in groups of 4)")
    return _open(key, blob, _RECOVERY_HEADER_BYTES)
