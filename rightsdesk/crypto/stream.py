"""Files encrypted to a case public key with libsodium's secretstream, in constant memory.

A fresh file key is sealed to the recipient in the header, so the uploader cannot read the file
back. The content follows in chunks; secretstream authenticates each chunk *and its position*,
and marks the last one with ``TAG_FINAL``, so a reader notices altered, reordered, dropped or
appended chunks, and a file cut short.

Layout, version 1::

    version (1) | sealed key length (2, big-endian) | sealed file key | secretstream header (24)
    then, for each chunk:  ciphertext length (4, big-endian) | ciphertext (plaintext + 17)

Every chunk but the last holds exactly ``chunk_size`` plaintext bytes; the last one holds fewer
(none when the file is empty or ends on a chunk boundary) and carries ``TAG_FINAL``. Nothing may
follow it. The header (version, key length and sealed key) is authenticated as associated data of
the first chunk.
"""

from __future__ import annotations

import secrets
import struct
from typing import BinaryIO

from nacl import bindings
from nacl.exceptions import CryptoError as _NaclError

from rightsdesk.crypto.errors import StreamCorrupted
from rightsdesk.crypto.keys import SEAL_OVERHEAD, KeyPair, seal, unseal

VERSION = b"\x01"
CHUNK_SIZE = 64 * 1024
MAX_CHUNK_SIZE = 1024 * 1024
"""Largest chunk a writer may choose, and so the most a reader ever holds in memory at once."""

KEY_BYTES: int = bindings.crypto_secretstream_xchacha20poly1305_KEYBYTES
HEADER_BYTES: int = bindings.crypto_secretstream_xchacha20poly1305_HEADERBYTES
CHUNK_OVERHEAD: int = bindings.crypto_secretstream_xchacha20poly1305_ABYTES
_TAG_MESSAGE: int = bindings.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
_TAG_FINAL: int = bindings.crypto_secretstream_xchacha20poly1305_TAG_FINAL

_KEY_LENGTH = struct.Struct(">H")
_CHUNK_LENGTH = struct.Struct(">I")
_SEALED_KEY_BYTES = SEAL_OVERHEAD + KEY_BYTES


def _read_exactly(source: BinaryIO, size: int) -> bytes:
    """Up to ``size`` bytes, fewer only at the end of the source.

    ``read`` may return short counts on pipes and sockets without being at the end, so keep
    asking, but never for more than what is still missing.
    """
    parts: list[bytes] = []
    missing = size
    while missing:
        part = source.read(missing)
        if not part:
            break
        parts.append(part)
        missing -= len(part)
    return b"".join(parts)


def _check_chunk_size(chunk_size: int) -> None:
    if not 1 <= chunk_size <= MAX_CHUNK_SIZE:
        raise ValueError(f"chunk_size must be between 1 and {MAX_CHUNK_SIZE}, not {chunk_size}")


class StreamEncryptor:
    """Encrypts data that arrives in pieces of any size (an upload being received) into the format
    above, holding at most one chunk of plaintext besides the piece being written.

    The header is written as soon as the encryptor is created; each full chunk is written as soon
    as it is complete; ``finish`` writes the final, shorter chunk. A file is only readable once
    ``finish`` has returned. After ``finish``, or after writing to ``destination`` failed, the
    encryptor refuses further use.
    """

    def __init__(
        self, recipient_public: bytes, destination: BinaryIO, *, chunk_size: int = CHUNK_SIZE
    ) -> None:
        _check_chunk_size(chunk_size)
        file_key = secrets.token_bytes(KEY_BYTES)
        sealed_key = seal(recipient_public, file_key)
        file_header = VERSION + _KEY_LENGTH.pack(len(sealed_key)) + sealed_key
        self._state = bindings.crypto_secretstream_xchacha20poly1305_state()
        stream_header: bytes = bindings.crypto_secretstream_xchacha20poly1305_init_push(
            self._state, file_key
        )
        self._destination = destination
        self._chunk_size = chunk_size
        self._associated_data: bytes | None = file_header
        self._buffer = bytearray()
        self._plaintext_bytes = 0
        self._closed: str | None = None
        self._destination.write(file_header + stream_header)

    @property
    def plaintext_bytes(self) -> int:
        """How many plaintext bytes have been accepted so far."""
        return self._plaintext_bytes

    def write(self, data: bytes) -> None:
        """Add ``data`` to the file, writing every chunk it completes."""
        self._check_open()
        size = self._chunk_size
        position = 0
        if self._buffer:
            position = min(size - len(self._buffer), len(data))
            self._buffer += data[:position]
            if len(self._buffer) < size:
                self._plaintext_bytes += len(data)
                return
            self._emit(bytes(self._buffer), final=False)
            self._buffer.clear()
        # Whole chunks straight from ``data``, without passing through the buffer.
        while len(data) - position >= size:
            self._emit(data[position : position + size], final=False)
            position += size
        self._buffer += data[position:]
        self._plaintext_bytes += len(data)

    def finish(self) -> int:
        """Write the final chunk; returns how many plaintext bytes the file holds."""
        self._check_open()
        self._emit(bytes(self._buffer), final=True)
        self._buffer.clear()
        self._closed = "finished"
        return self._plaintext_bytes

    def _check_open(self) -> None:
        if self._closed is not None:
            raise ValueError(f"this StreamEncryptor is {self._closed}")

    def _emit(self, plaintext: bytes, *, final: bool) -> None:
        try:
            ciphertext: bytes = bindings.crypto_secretstream_xchacha20poly1305_push(
                self._state,
                plaintext,
                self._associated_data,
                _TAG_FINAL if final else _TAG_MESSAGE,
            )
            self._associated_data = None
            self._destination.write(_CHUNK_LENGTH.pack(len(ciphertext)) + ciphertext)
        except BaseException:
            # The stream state has moved on; a chunk that never reached the destination would
            # leave a gap, so nothing more may be written.
            self._closed = "broken by a failed write"
            raise


def encrypt_stream(
    recipient_public: bytes,
    source: BinaryIO,
    destination: BinaryIO,
    *,
    chunk_size: int = CHUNK_SIZE,
) -> int:
    """Encrypt ``source`` into ``destination``; returns how many plaintext bytes were read."""
    encryptor = StreamEncryptor(recipient_public, destination, chunk_size=chunk_size)
    while True:
        plaintext = _read_exactly(source, chunk_size)
        encryptor.write(plaintext)
        if len(plaintext) < chunk_size:
            return encryptor.finish()


def decrypt_stream(keypair: KeyPair, source: BinaryIO, destination: BinaryIO) -> int:
    """Decrypt ``source`` into ``destination``; returns how many plaintext bytes were written.

    Plaintext reaches ``destination`` chunk by chunk, before the reader can know whether the
    file is complete. Write to a temporary file and keep it only once this function returns;
    on ``StreamCorrupted`` (or ``DecryptionFailed`` for the wrong key) throw it away.
    """
    prefix = _read_exactly(source, len(VERSION) + _KEY_LENGTH.size)
    if len(prefix) < len(VERSION) + _KEY_LENGTH.size:
        raise StreamCorrupted("truncated: the file ends inside its header")
    if prefix[:1] != VERSION:
        raise StreamCorrupted(f"unknown encrypted file version {prefix[0]}")
    (sealed_length,) = _KEY_LENGTH.unpack_from(prefix, len(VERSION))
    if sealed_length != _SEALED_KEY_BYTES:
        raise StreamCorrupted(f"a sealed file key of {sealed_length} bytes cannot be valid")
    sealed_key = _read_exactly(source, sealed_length)
    stream_header = _read_exactly(source, HEADER_BYTES)
    if len(sealed_key) + len(stream_header) < sealed_length + HEADER_BYTES:
        raise StreamCorrupted("truncated: the file ends inside its header")
    # DecryptionFailed here: the wrong key pair, or an altered key. A sealed key of the checked
    # length always opens to a key of the right length, which init_pull then accepts.
    file_key = unseal(keypair, sealed_key)
    state = bindings.crypto_secretstream_xchacha20poly1305_state()
    bindings.crypto_secretstream_xchacha20poly1305_init_pull(state, stream_header, file_key)

    return pull_chunks(state, source, destination, associated_data=prefix + sealed_key)


class ChunkRejected(StreamCorrupted):
    """A chunk did not authenticate. ``index`` 1 is the first chunk, where a wrong key shows."""

    def __init__(self, index: int) -> None:
        super().__init__(f"chunk {index} was altered, moved, or comes from another file")
        self.index = index


def pull_chunks(
    state: bindings.crypto_secretstream_xchacha20poly1305_state,
    source: BinaryIO,
    destination: BinaryIO,
    *,
    associated_data: bytes,
) -> int:
    """Decrypt length-prefixed secretstream chunks from ``source`` (its header already read,
    ``state`` initialised) into ``destination`` until the final chunk; returns the plaintext
    length. ``associated_data`` (the file's header) is bound to the first chunk."""
    pending_data: bytes | None = associated_data
    total = 0
    index = 0
    while True:
        length_bytes = _read_exactly(source, _CHUNK_LENGTH.size)
        if len(length_bytes) < _CHUNK_LENGTH.size:
            raise StreamCorrupted(
                f"truncated: the file ends after chunk {index} without its final chunk"
            )
        (length,) = _CHUNK_LENGTH.unpack(length_bytes)
        if not CHUNK_OVERHEAD <= length <= MAX_CHUNK_SIZE + CHUNK_OVERHEAD:
            raise StreamCorrupted(f"chunk {index + 1} claims an impossible length of {length}")
        ciphertext = _read_exactly(source, length)
        if len(ciphertext) < length:
            raise StreamCorrupted(f"truncated: the file ends inside chunk {index + 1}")
        index += 1
        try:
            plaintext, tag = bindings.crypto_secretstream_xchacha20poly1305_pull(
                state, ciphertext, pending_data
            )
        except _NaclError:
            raise ChunkRejected(index) from None
        pending_data = None
        destination.write(plaintext)
        total += len(plaintext)
        if tag == _TAG_FINAL:
            if source.read(1):
                raise StreamCorrupted("extra data follows the final chunk")
            return total
        if tag != _TAG_MESSAGE:
            raise StreamCorrupted(f"chunk {index} carries an unexpected tag {tag}")
