"""Authenticated encryption of small values under a server key kept outside the database.

Used for secrets the server itself must be able to read back without anyone's password, such as
TOTP seeds: a dump of the database alone reveals nothing, because the key lives in the data
directory or the environment. Each ciphertext is bound to a *context* (say ``b"totp:42"``) as
associated data, so a row's ciphertext cannot be copied onto another row and still open.
"""

from __future__ import annotations

import base64
import secrets

from nacl import bindings
from nacl.exceptions import CryptoError

# Shared with the rest of the package, so one ``except DecryptionFailed`` covers every cipher.
from rightsdesk.crypto.errors import DecryptionFailed as DecryptionFailed

KEY_BYTES = bindings.crypto_aead_xchacha20poly1305_ietf_KEYBYTES
NONCE_BYTES = bindings.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
VERSION = b"\x01"


class InvalidKey(ValueError):
    """A server key that is not 32 bytes of URL-safe base64."""


def new_server_key() -> str:
    """A fresh key, as text suitable for a secret file or an environment variable."""
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def parse_server_key(text: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise InvalidKey("the server key is not URL-safe base64") from None
    if len(key) != KEY_BYTES:
        raise InvalidKey(f"the server key must be {KEY_BYTES} bytes, not {len(key)}")
    return key


def encrypt(key: bytes, plaintext: bytes, *, context: bytes) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, context, nonce, key)
    return VERSION + nonce + sealed


def decrypt(key: bytes, ciphertext: bytes, *, context: bytes) -> bytes:
    if len(ciphertext) < 1 + NONCE_BYTES or ciphertext[:1] != VERSION:
        raise DecryptionFailed("unknown ciphertext format")
    nonce = ciphertext[1 : 1 + NONCE_BYTES]
    sealed = ciphertext[1 + NONCE_BYTES :]
    try:
        return bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(sealed, context, nonce, key)
    except CryptoError:
        raise DecryptionFailed("the ciphertext does not open with this key and context") from None
