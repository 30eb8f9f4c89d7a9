"""Files protected by a passphrase, for handing a case to someone outside rightsdesk.

A legal partner has no staff key pair, so an export cannot be sealed to a public key. Instead a
key is derived from a passphrase with Argon2id and the content is encrypted with libsodium's
secretstream, in chunks, in constant memory. The passphrase travels by another channel than the
file; the Argon2id cost is recorded in the file, so a later reader needs nothing but the
passphrase.

Layout, version 1::

    magic "RDARCHIVE" (9) | version (1) | opslimit (4, big-endian) | memlimit (8, big-endian,
    bytes) | salt (16) | secretstream header (24)
    then, for each chunk:  ciphertext length (4, big-endian) | ciphertext (plaintext + 17)

Every chunk but the last holds exactly ``chunk_size`` plaintext bytes; the last one holds fewer
(none when the content ends on a chunk boundary) and carries ``TAG_FINAL``; nothing may follow
it. Everything before the first chunk is authenticated as its associated data, so altered
Argon2id parameters or salt make the file refuse to open. Any libsodium binding can read it:
derive the key with ``crypto_pwhash`` (Argon2id 1.3, 32 bytes) and pull the chunks with
``crypto_secretstream_xchacha20poly1305``.
"""

from __future__ import annotations

import secrets
import struct
from typing import BinaryIO

from nacl import bindings
from nacl.pwhash import argon2id

from rightsdesk.crypto.errors import DecryptionFailed, StreamCorrupted, WrongPassword
from rightsdesk.crypto.passwords import KdfParams, _password_bytes
from rightsdesk.crypto.stream import (
    CHUNK_SIZE,
    MAX_CHUNK_SIZE,
    ChunkRejected,
    _read_exactly,
    pull_chunks,
)

MAGIC = b"RDARCHIVE"
VERSION = b"\x01"
SALT_BYTES: int = argon2id.SALTBYTES
KEY_BYTES: int = bindings.crypto_secretstream_xchacha20poly1305_KEYBYTES
STREAM_HEADER_BYTES: int = bindings.crypto_secretstream_xchacha20poly1305_HEADERBYTES
CHUNK_OVERHEAD: int = bindings.crypto_secretstream_xchacha20poly1305_ABYTES
_TAG_MESSAGE: int = bindings.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
_TAG_FINAL: int = bindings.crypto_secretstream_xchacha20poly1305_TAG_FINAL
_PARAMS = struct.Struct(">IQ")
_CHUNK_LENGTH = struct.Struct(">I")
HEADER_BYTES = len(MAGIC) + len(VERSION) + _PARAMS.size + SALT_BYTES

ARCHIVE_KDF = KdfParams(opslimit=3, memlimit=256 * 1024 * 1024)
"""libsodium's MODERATE cost (about a second). Higher than for staff keys: an archive leaves the
server, so whoever intercepts it may guess passphrases offline for as long as they like, while
the partner derives the key once."""


def _derive(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    try:
        secret = _password_bytes(passphrase)
    except UnicodeEncodeError:
        raise WrongPassword("the passphrase does not open this archive") from None
    key: bytes = argon2id.kdf(
        KEY_BYTES, secret, salt, opslimit=params.opslimit, memlimit=params.memlimit
    )
    return key


class ArchiveWriter:
    """Encrypts what is written to it, a chunk at a time, into ``destination``.

    It has ``write`` and ``flush`` so that a ``zipfile.ZipFile`` can write straight into it: the
    plaintext archive then exists only a chunk at a time, in memory. Call ``finish`` once, after
    the last write.
    """

    def __init__(
        self,
        passphrase: str,
        destination: BinaryIO,
        *,
        params: KdfParams = ARCHIVE_KDF,
        chunk_size: int = CHUNK_SIZE,
    ) -> None:
        if not 1 <= chunk_size <= MAX_CHUNK_SIZE:
            raise ValueError(f"chunk_size must be between 1 and {MAX_CHUNK_SIZE}")
        salt = secrets.token_bytes(SALT_BYTES)
        header = MAGIC + VERSION + _PARAMS.pack(params.opslimit, params.memlimit) + salt
        self._state = bindings.crypto_secretstream_xchacha20poly1305_state()
        stream_header: bytes = bindings.crypto_secretstream_xchacha20poly1305_init_push(
            self._state, _derive(passphrase, salt, params)
        )
        self._destination = destination
        self._chunk_size = chunk_size
        self._associated_data: bytes | None = header + stream_header
        self._buffer = bytearray()
        self._finished = False
        destination.write(header + stream_header)

    def write(self, data: bytes) -> int:
        if self._finished:
            raise ValueError("this archive is finished")
        self._buffer += data
        while len(self._buffer) >= self._chunk_size:
            self._emit(bytes(self._buffer[: self._chunk_size]), final=False)
            del self._buffer[: self._chunk_size]
        return len(data)

    def flush(self) -> None:
        """Nothing to do: a chunk is written as soon as it is complete."""

    def finish(self) -> None:
        if self._finished:
            raise ValueError("this archive is finished")
        self._emit(bytes(self._buffer), final=True)
        self._buffer.clear()
        self._finished = True

    def _emit(self, plaintext: bytes, *, final: bool) -> None:
        ciphertext: bytes = bindings.crypto_secretstream_xchacha20poly1305_push(
            self._state, plaintext, self._associated_data, _TAG_FINAL if final else _TAG_MESSAGE
        )
        self._associated_data = None
        self._destination.write(_CHUNK_LENGTH.pack(len(ciphertext)) + ciphertext)


def encrypt_archive(
    passphrase: str,
    source: BinaryIO,
    destination: BinaryIO,
    *,
    params: KdfParams = ARCHIVE_KDF,
    chunk_size: int = CHUNK_SIZE,
) -> None:
    writer = ArchiveWriter(passphrase, destination, params=params, chunk_size=chunk_size)
    while piece := source.read(chunk_size):
        writer.write(piece)
    writer.finish()


def archive_params(header: bytes) -> KdfParams:
    """The Argon2id cost a file asks for, checked against the ceilings in ``passwords``."""
    if len(header) < HEADER_BYTES or not header.startswith(MAGIC):
        raise DecryptionFailed("this is not a rightsdesk archive")
    if header[len(MAGIC) : len(MAGIC) + 1] != VERSION:
        raise DecryptionFailed(f"unknown archive version {header[len(MAGIC)]}")
    opslimit, memlimit = _PARAMS.unpack_from(header, len(MAGIC) + len(VERSION))
    try:
        return KdfParams(opslimit=opslimit, memlimit=memlimit)
    except ValueError as error:
        raise DecryptionFailed(f"the archive asks for an impossible key cost: {error}") from None


def decrypt_archive(passphrase: str, source: BinaryIO, destination: BinaryIO) -> int:
    """Decrypt into ``destination``; returns how many plaintext bytes were written.

    Raises ``WrongPassword`` when the passphrase does not open the first chunk, and
    ``StreamCorrupted`` when a later chunk was altered or the file was cut short. As with
    ``stream.decrypt_stream``, keep what was written only once this function returns.
    """
    header = _read_exactly(source, HEADER_BYTES)
    params = archive_params(header)
    salt = header[-SALT_BYTES:]
    stream_header = _read_exactly(source, STREAM_HEADER_BYTES)
    if len(stream_header) < STREAM_HEADER_BYTES:
        raise StreamCorrupted("truncated: the file ends inside its header")
    state = bindings.crypto_secretstream_xchacha20poly1305_state()
    bindings.crypto_secretstream_xchacha20poly1305_init_pull(
        state, stream_header, _derive(passphrase, salt, params)
    )
    try:
        return pull_chunks(state, source, destination, associated_data=header + stream_header)
    except ChunkRejected as rejected:
        if rejected.index == 1:
            # The first chunk is where a wrong passphrase shows; authenticated encryption
            # cannot tell it from an altered header, and says so.
            raise WrongPassword(
                "the passphrase does not open this archive, or its header was altered"
            ) from None
        raise
