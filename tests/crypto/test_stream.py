import hashlib
import io
import itertools
import random
import struct
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nacl import bindings

from rightsdesk.crypto import stream
from rightsdesk.crypto.errors import DecryptionFailed, StreamCorrupted
from rightsdesk.crypto.keys import SEAL_OVERHEAD, generate_keypair

CASE = generate_keypair()
OTHER = generate_keypair()
HEADER_BYTES = 1 + 2 + SEAL_OVERHEAD + 32 + stream.HEADER_BYTES
RECORD_OVERHEAD = 4 + stream.CHUNK_OVERHEAD


def encrypt(data: bytes, chunk_size: int = 16) -> bytes:
    out = io.BytesIO()
    assert stream.encrypt_stream(CASE.public, io.BytesIO(data), out, chunk_size=chunk_size) == len(
        data
    )
    return out.getvalue()


def decrypt(blob: bytes, keypair=CASE) -> bytes:
    out = io.BytesIO()
    written = stream.decrypt_stream(keypair, io.BytesIO(blob), out)
    assert written == len(out.getvalue())
    return out.getvalue()


def split(blob: bytes) -> tuple[bytes, list[bytes]]:
    """The header and each chunk record (length prefix and ciphertext) of an encrypted file."""
    records = []
    position = HEADER_BYTES
    while position < len(blob):
        (length,) = struct.unpack_from(">I", blob, position)
        records.append(blob[position : position + 4 + length])
        position += 4 + length
    return blob[:HEADER_BYTES], records


@settings(max_examples=50)
@given(data=st.binary(max_size=300), chunk_size=st.integers(min_value=1, max_value=64))
def test_round_trip(data: bytes, chunk_size: int):
    assert decrypt(encrypt(data, chunk_size)) == data


def test_empty_file_is_one_empty_final_chunk():
    blob = encrypt(b"")
    _header, records = split(blob)
    assert len(records) == 1
    assert len(records[0]) == RECORD_OVERHEAD
    assert decrypt(blob) == b""


def test_exact_multiple_of_chunk_size_ends_with_an_empty_final_chunk():
    data = bytes(range(48))
    _header, records = split(encrypt(data, chunk_size=16))
    assert [len(record) for record in records] == [16 + RECORD_OVERHEAD] * 3 + [RECORD_OVERHEAD]
    assert decrypt(encrypt(data, chunk_size=16)) == data


def test_short_last_chunk_is_the_final_one():
    _header, records = split(encrypt(bytes(40), chunk_size=16))
    assert [len(record) - RECORD_OVERHEAD for record in records] == [16, 16, 8]


def test_wrong_key_does_not_open():
    with pytest.raises(DecryptionFailed) as caught:
        decrypt(encrypt(b"photo"), OTHER)
    assert not isinstance(caught.value, StreamCorrupted)


def test_every_changed_byte_is_detected():
    blob = encrypt(bytes(range(40)), chunk_size=16)
    for position in range(len(blob)):
        altered = bytearray(blob)
        altered[position] ^= 0x01
        with pytest.raises(DecryptionFailed):
            decrypt(bytes(altered))


def test_every_truncation_is_reported_as_such():
    blob = encrypt(bytes(range(40)), chunk_size=16)
    for length in range(len(blob)):
        with pytest.raises(StreamCorrupted):
            decrypt(blob[:length])


def test_reordered_chunks_are_detected():
    header, records = split(encrypt(bytes(range(40)), chunk_size=16))
    swapped = header + records[1] + records[0] + records[2]
    with pytest.raises(StreamCorrupted, match="chunk 1 was altered, moved"):
        decrypt(swapped)


def test_dropped_middle_chunk_is_detected():
    header, records = split(encrypt(bytes(range(40)), chunk_size=16))
    with pytest.raises(StreamCorrupted, match="chunk 2"):
        decrypt(header + records[0] + records[2])


def test_dropped_last_chunk_is_reported_as_truncation():
    header, records = split(encrypt(bytes(range(40)), chunk_size=16))
    with pytest.raises(StreamCorrupted, match="truncated"):
        decrypt(header + records[0] + records[1])


def test_dropped_empty_final_chunk_is_reported_as_truncation():
    header, records = split(encrypt(bytes(32), chunk_size=16))
    with pytest.raises(StreamCorrupted, match="truncated"):
        decrypt(header + b"".join(records[:-1]))


@pytest.mark.parametrize("extra", [b"\x00", b"more data", None])
def test_trailing_data_is_refused(extra: bytes | None):
    blob = encrypt(bytes(range(40)), chunk_size=16)
    _header, records = split(blob)
    with pytest.raises(StreamCorrupted, match="extra data"):
        decrypt(blob + (records[-1] if extra is None else extra))


def test_chunks_from_another_file_are_detected():
    header, records = split(encrypt(bytes(40), chunk_size=16))
    _other_header, other_records = split(encrypt(bytes(40), chunk_size=16))
    with pytest.raises(StreamCorrupted):
        decrypt(header + records[0] + other_records[1] + records[2])


def test_unknown_version_is_refused():
    blob = encrypt(b"photo")
    with pytest.raises(StreamCorrupted, match="version 2"):
        decrypt(b"\x02" + blob[1:])


def test_impossible_chunk_length_is_refused_without_reading_it():
    header, _records = split(encrypt(b"photo"))
    with pytest.raises(StreamCorrupted, match="impossible length"):
        decrypt(header + struct.pack(">I", 0xFFFFFFFF))


@pytest.mark.parametrize("chunk_size", [0, -1, stream.MAX_CHUNK_SIZE + 1])
def test_chunk_size_must_be_sensible(chunk_size: int):
    with pytest.raises(ValueError, match="chunk_size"):
        stream.encrypt_stream(CASE.public, io.BytesIO(b"x"), io.BytesIO(), chunk_size=chunk_size)


class Trickle(io.BytesIO):
    """A source that, like a pipe, returns fewer bytes than asked for."""

    def read(self, size: int | None = -1, /) -> bytes:
        return super().read(min(7, size) if size is not None and size >= 0 else size)


def test_short_reads_from_the_source_are_handled():
    data = bytes(range(256)) * 3
    out = io.BytesIO()
    stream.encrypt_stream(CASE.public, Trickle(data), out, chunk_size=100)
    decrypted = io.BytesIO()
    stream.decrypt_stream(CASE, Trickle(out.getvalue()), decrypted)
    assert decrypted.getvalue() == data


class RecordingReader(io.BufferedReader):
    def __init__(self, path: Path) -> None:
        super().__init__(io.FileIO(path, "r"))
        self.sizes: list[int | None] = []

    def read(self, size: int | None = -1, /) -> bytes:
        self.sizes.append(size)
        return super().read(size)


def test_multi_megabyte_file_streams_in_bounded_memory(tmp_path: Path):
    size = 3 * 1024 * 1024 + 123
    plain, sealed, opened = tmp_path / "plain", tmp_path / "sealed", tmp_path / "opened"
    plain.write_bytes(random.Random(7).randbytes(size))

    tracemalloc.start()
    try:
        with RecordingReader(plain) as source, sealed.open("wb") as destination:
            assert stream.encrypt_stream(CASE.public, source, destination) == size
        encrypt_sizes = source.sizes
        with RecordingReader(sealed) as source, opened.open("wb") as destination:
            assert stream.decrypt_stream(CASE, source, destination) == size
        decrypt_sizes = source.sizes
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert opened.read_bytes() == plain.read_bytes()
    assert all(s is not None and 0 < s <= stream.CHUNK_SIZE for s in encrypt_sizes)
    assert all(
        s is not None and 0 < s <= stream.CHUNK_SIZE + stream.CHUNK_OVERHEAD for s in decrypt_sizes
    )
    assert len(encrypt_sizes) > size // stream.CHUNK_SIZE
    assert peak < 1024 * 1024, f"peak traced memory {peak} bytes for a {size}-byte file"


def test_a_chunk_with_a_tag_this_format_never_writes_is_refused(monkeypatch: pytest.MonkeyPatch):
    push = bindings.crypto_secretstream_xchacha20poly1305_TAG_PUSH
    monkeypatch.setattr(stream, "_TAG_MESSAGE", push)
    blob = encrypt(bytes(40), chunk_size=16)
    monkeypatch.undo()
    with pytest.raises(StreamCorrupted, match="chunk 1 carries an unexpected tag"):
        decrypt(blob)


def encrypt_pieces(pieces: list[bytes], chunk_size: int = 16) -> bytes:
    out = io.BytesIO()
    encryptor = stream.StreamEncryptor(CASE.public, out, chunk_size=chunk_size)
    for piece in pieces:
        encryptor.write(piece)
        assert len(encryptor._buffer) < chunk_size
    assert encryptor.finish() == sum(len(piece) for piece in pieces)
    return out.getvalue()


@st.composite
def split_data(draw: st.DrawFn) -> tuple[list[bytes], int]:
    chunk_size = draw(st.integers(min_value=1, max_value=32))
    data = draw(
        st.one_of(
            st.binary(max_size=300),
            st.integers(min_value=0, max_value=8).map(lambda n: bytes(range(n * chunk_size))),
        )
    )
    if draw(st.booleans()):
        return [data[i : i + 1] for i in range(len(data))], chunk_size
    cuts = draw(st.lists(st.integers(min_value=0, max_value=len(data))))
    bounds = [0, *sorted(cuts), len(data)]
    return [data[start:end] for start, end in itertools.pairwise(bounds)], chunk_size


@settings(max_examples=100)
@given(case=split_data())
def test_encryptor_round_trip_for_any_split(case: tuple[list[bytes], int]):
    pieces, chunk_size = case
    assert decrypt(encrypt_pieces(pieces, chunk_size)) == b"".join(pieces)


@pytest.mark.parametrize("size", [0, 1, 15, 16, 17, 48, 50])
def test_encryptor_single_byte_writes_match_encrypt_stream(size: int):
    data = random.Random(size).randbytes(size)
    pushed = encrypt_pieces([data[i : i + 1] for i in range(size)])
    pulled = encrypt(data)
    assert len(pushed) == len(pulled)
    assert [len(record) for record in split(pushed)[1]] == [
        len(record) for record in split(pulled)[1]
    ]
    assert decrypt(pushed) == decrypt(pulled) == data


@settings(max_examples=50)
@given(case=split_data())
def test_encryptor_and_encrypt_stream_write_the_same_layout(case: tuple[list[bytes], int]):
    pieces, chunk_size = case
    data = b"".join(pieces)
    pushed = encrypt_pieces(pieces, chunk_size)
    pulled = encrypt(data, chunk_size)
    assert len(pushed) == len(pulled)
    assert decrypt(pushed) == decrypt(pulled) == data


def test_encryptor_writes_the_header_at_once_and_chunks_as_soon_as_complete():
    out = io.BytesIO()
    encryptor = stream.StreamEncryptor(CASE.public, out, chunk_size=16)
    assert len(out.getvalue()) == HEADER_BYTES
    encryptor.write(bytes(10))
    assert len(out.getvalue()) == HEADER_BYTES
    encryptor.write(bytes(6))
    assert len(out.getvalue()) == HEADER_BYTES + 16 + RECORD_OVERHEAD
    encryptor.write(bytes(40))
    assert len(out.getvalue()) == HEADER_BYTES + 3 * (16 + RECORD_OVERHEAD)
    assert encryptor.plaintext_bytes == 56
    assert encryptor.finish() == 56
    assert [len(r) - RECORD_OVERHEAD for r in split(out.getvalue())[1]] == [16, 16, 16, 8]


def test_encryptor_refuses_use_after_finish():
    encryptor = stream.StreamEncryptor(CASE.public, io.BytesIO(), chunk_size=16)
    encryptor.write(b"photo")
    assert encryptor.finish() == 5
    with pytest.raises(ValueError, match="finished"):
        encryptor.write(b"more")
    with pytest.raises(ValueError, match="finished"):
        encryptor.finish()
    assert encryptor.plaintext_bytes == 5


class FailingWriter(io.BytesIO):
    def __init__(self, fail_after: int) -> None:
        super().__init__()
        self.writes_left = fail_after

    def write(self, data, /) -> int:
        if not self.writes_left:
            raise OSError("disk full")
        self.writes_left -= 1
        return super().write(data)


def test_encryptor_refuses_use_after_a_failed_write():
    encryptor = stream.StreamEncryptor(CASE.public, FailingWriter(fail_after=1), chunk_size=16)
    with pytest.raises(OSError, match="disk full"):
        encryptor.write(bytes(16))
    with pytest.raises(ValueError, match="broken"):
        encryptor.write(b"x")
    with pytest.raises(ValueError, match="broken"):
        encryptor.finish()


@pytest.mark.parametrize("chunk_size", [0, -1, stream.MAX_CHUNK_SIZE + 1])
def test_encryptor_chunk_size_must_be_sensible(chunk_size: int):
    out = io.BytesIO()
    with pytest.raises(ValueError, match="chunk_size"):
        stream.StreamEncryptor(CASE.public, out, chunk_size=chunk_size)
    assert out.getvalue() == b""


def test_encryptor_memory_stays_bounded_for_a_multi_megabyte_upload(tmp_path: Path):
    rng = random.Random(11)
    sealed = tmp_path / "sealed"
    written = hashlib.sha256()
    largest_piece = 200_000
    tracemalloc.start()
    try:
        with sealed.open("wb") as destination:
            encryptor = stream.StreamEncryptor(CASE.public, destination)
            total = 0
            while total < 3 * 1024 * 1024:
                piece = rng.randbytes(rng.choice([1, 1000, 65535, 65536, 65537, largest_piece]))
                written.update(piece)
                encryptor.write(piece)
                assert len(encryptor._buffer) < stream.CHUNK_SIZE
                total += len(piece)
            del piece
            assert encryptor.finish() == total
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The caller holds one piece at a time; the encryptor adds about one chunk to that.
    assert peak < largest_piece + 1024 * 1024, f"peak traced memory {peak} bytes"
    opened = hashlib.sha256()

    class Digest(io.RawIOBase):
        def write(self, data, /) -> int:
            opened.update(data)
            return len(data)

    with sealed.open("rb") as source:
        assert stream.decrypt_stream(CASE, source, Digest()) == total  # type: ignore[arg-type]
    assert opened.digest() == written.digest()
