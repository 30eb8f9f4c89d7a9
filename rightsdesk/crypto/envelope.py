"""Small items (answers, contact details, messages, file names) encrypted to a case public key.

A fresh 32-byte data key encrypts the item with XChaCha20-Poly1305; the data key is sealed to the
recipient's public key. Whoever writes an item therefore cannot read it back, nor read anything
else in the case. The *context* (say ``b"case:81f3:answer:where"``) is authenticated as associated
data, so a ciphertext copied onto another row or field of the database does not open there.

Blob layout, version 1::

    version (1) | sealed data key (80) | nonce (24) | ciphertext with tag (len + 16)

The version byte and sealed key are authenticated too (they are prepended to the associated
data), so every byte of the blob is covered.
"""

from __future__ import annotations

import secrets

from nacl import bindings
from nacl.exceptions import CryptoError as _NaclError

from rightsdesk.crypto.errors import DecryptionFailed
from rightsdesk.crypto.keys import SEAL_OVERHEAD, KeyPair, seal, unseal

VERSION = b"\x01"
KEY_BYTES: int = bindings.crypto_aead_xchacha20poly1305_ietf_KEYBYTES
NONCE_BYTES: int = bindings.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
TAG_BYTES: int = bindings.crypto_aead_xchacha20poly1305_ietf_ABYTES
_SEALED_KEY_BYTES = SEAL_OVERHEAD + KEY_BYTES
_HEADER_BYTES = len(VERSION) + _SEALED_KEY_BYTES
OVERHEAD = _HEADER_BYTES + NONCE_BYTES + TAG_BYTES
"""How many bytes a blob adds to its plaintext."""


def encrypt_to(recipient_public: bytes, plaintext: bytes, *, context: bytes) -> bytes:
    data_key = secrets.token_bytes(KEY_BYTES)
    header = VERSION + seal(recipient_public, data_key)
    # The data key is used once, so the nonce need not be random; it is anyway, which costs
    # 24 bytes and keeps the blob safe should a key ever be reused by mistake.
    nonce = secrets.token_bytes(NONCE_BYTES)
    ciphertext: bytes = bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
        plaintext, header + context, nonce, data_key
    )
    return header + nonce + ciphertext


def decrypt_with(keypair: KeyPair, blob: bytes, *, context: bytes) -> bytes:
    if len(blob) < OVERHEAD:
        raise DecryptionFailed("the blob is too short to be an envelope")
    if blob[:1] != VERSION:
        raise DecryptionFailed(f"unknown envelope version {blob[0]}")
    header = blob[:_HEADER_BYTES]
    nonce = blob[_HEADER_BYTES : _HEADER_BYTES + NONCE_BYTES]
    ciphertext = blob[_HEADER_BYTES + NONCE_BYTES :]
    data_key = unseal(keypair, header[len(VERSION) :])
    try:
        plaintext: bytes = bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
            ciphertext, header + context, nonce, data_key
        )
    except _NaclError:
        raise DecryptionFailed("the envelope was altered or belongs to another context") from None
    return plaintext
