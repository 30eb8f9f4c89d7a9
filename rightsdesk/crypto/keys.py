"""X25519 key pairs and libsodium sealed boxes.

Every case, every staff member and the organisation escrow have a key pair. Anyone holding a
*public* key can seal data to it (the intake form, the reporter, a monitor), but only the holder
of the private key can open it: that asymmetry is what lets the intake path write to a case it
cannot read. Sealed boxes are anonymous (an ephemeral sender key per message), so a sealed blob
says nothing about who wrote it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from nacl import bindings
from nacl.exceptions import CryptoError as _NaclError

from rightsdesk.crypto.errors import DecryptionFailed

PUBLIC_KEY_BYTES: int = bindings.crypto_box_PUBLICKEYBYTES
PRIVATE_KEY_BYTES: int = bindings.crypto_box_SECRETKEYBYTES
SEAL_OVERHEAD: int = bindings.crypto_box_SEALBYTES


@dataclass(frozen=True)
class KeyPair:
    """A public key and its private key, 32 bytes each.

    The private key is left out of ``repr`` so that it never reaches a log line, a traceback
    with locals, or an error report.
    """

    public: bytes
    private: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.public) != PUBLIC_KEY_BYTES or len(self.private) != PRIVATE_KEY_BYTES:
            raise ValueError(
                f"an X25519 key pair has {PUBLIC_KEY_BYTES}-byte keys, "
                f"not {len(self.public)} and {len(self.private)} bytes"
            )


def generate_keypair() -> KeyPair:
    public, private = bindings.crypto_box_keypair()
    return KeyPair(public=public, private=private)


def keypair_from_private(private: bytes) -> KeyPair:
    """Rebuild a key pair from an unwrapped private key; the public key follows from it."""
    if len(private) != PRIVATE_KEY_BYTES:
        raise ValueError(f"an X25519 private key has {PRIVATE_KEY_BYTES} bytes, not {len(private)}")
    return KeyPair(public=bindings.crypto_scalarmult_base(private), private=private)


def _check_public(public: bytes) -> None:
    if len(public) != PUBLIC_KEY_BYTES:
        raise ValueError(f"an X25519 public key has {PUBLIC_KEY_BYTES} bytes, not {len(public)}")


def seal(recipient_public: bytes, plaintext: bytes) -> bytes:
    """Encrypt to a public key; the result is ``SEAL_OVERHEAD`` bytes longer than the input.

    Raises ``ValueError`` for a key that is not a usable X25519 public key (wrong length, or a
    low-order point that would make the shared secret predictable).
    """
    _check_public(recipient_public)
    try:
        sealed: bytes = bindings.crypto_box_seal(plaintext, recipient_public)
    except _NaclError:
        raise ValueError("not a usable X25519 public key") from None
    return sealed


def unseal(keypair: KeyPair, sealed: bytes) -> bytes:
    try:
        opened: bytes = bindings.crypto_box_seal_open(sealed, keypair.public, keypair.private)
    except _NaclError:
        raise DecryptionFailed("the sealed box does not open with this key pair") from None
    return opened


def seal_to_many(recipients: Mapping[str, bytes], secret: bytes) -> dict[str, bytes]:
    """One sealed copy of ``secret`` per named recipient (staff members, the escrow key).

    Each copy opens with its recipient's private key alone, so revoking someone is deleting
    their copy. An empty mapping is refused: a secret sealed to nobody is lost.
    """
    if not recipients:
        raise ValueError("a secret sealed to nobody could never be opened again")
    return {name: seal(public, secret) for name, public in recipients.items()}


def derive_key(private: bytes, *, purpose: bytes) -> bytes:
    """A 32-byte symmetric key for one ``purpose`` (at most 16 bytes), derived from a private key.

    Whoever holds the private key can derive it; nobody else can. Different purposes give
    unrelated keys (BLAKE2b keyed with the private key, the purpose as personalisation).
    """
    if len(purpose) > hashlib.blake2b.PERSON_SIZE:
        raise ValueError("a key purpose is at most 16 bytes")
    return hashlib.blake2b(b"", key=private, person=purpose, digest_size=32).digest()
