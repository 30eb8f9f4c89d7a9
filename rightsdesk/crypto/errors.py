"""The exceptions the crypto package raises, in one hierarchy.

Callers mostly need one distinction: "this does not open" (:class:`DecryptionFailed` and its
subclasses, which a view turns into a polite refusal) versus a programming error (``ValueError``
and ``TypeError``, which should crash loudly). Subclasses say *why* something does not open when
that helps a person act on it: retype a password, fetch the file again, find another trustee.
"""

from __future__ import annotations


class CryptoError(Exception):
    """Base class for everything in this package that is about data rather than about code."""


class DecryptionFailed(CryptoError):
    """The ciphertext was altered, belongs to another context, or the key is wrong.

    Authenticated encryption cannot tell these apart, so neither can this exception: the message
    says only what is known for certain (say, an unknown format version).
    """


class WrongPassword(DecryptionFailed):
    """The password or recovery key does not open the blob (or the blob was altered).

    Raised only where a person typed something, so the interface can ask them to try again.
    """


class StreamCorrupted(DecryptionFailed):
    """An encrypted file was altered, its chunks reordered, or it was cut short or extended.

    The message says which when the reader knows it. Whatever was written to the destination
    before this was raised must be thrown away.
    """


class InvalidShares(CryptoError):
    """Escrow shares that do not rebuild a secret: too few, from different splits, or mistyped."""
