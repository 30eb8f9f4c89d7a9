import io
import json
import os
import resource
import signal
import struct
import subprocess
import sys
import zipfile
import zlib
from typing import Any

import pikepdf
import puremagic
import pytest
from PIL import Image, PngImagePlugin
from PIL.ExifTags import GPS, IFD, Base

from rightsdesk.intake import inspection
from rightsdesk.intake.inspection import (
    ALLOWED_TYPES,
    KINDS,
    Inspection,
    detect_type,
    inspect_bytes,
    inspect_in_child,
    strip_metadata,
    strip_metadata_in_child,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
CORE_XML = (
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:dcterms="http://purl.org/dc/terms/">'
    "<dc:creator>Alice Example</dc:creator><cp:lastModifiedBy>Bob</cp:lastModifiedBy>"
    "<dcterms:created>2024-01-02T03:04:05Z</dcterms:created><dc:title>Minutes</dc:title>"
    "</cp:coreProperties>"
)


# --- Sample files, made here ---------------------------------------------------------------------


def jpeg(*, with_exif: bool = True, size: tuple[int, int] = (64, 48)) -> bytes:
    image = Image.new("RGB", size, "red")
    image.paste((0, 0, 255), (0, 0, size[0] // 2, size[1] // 2))
    exif = Image.Exif()
    if with_exif:
        exif[Base.Make] = "Canon"
        exif[Base.Model] = "Canon EOS 5D"
        exif[Base.Orientation] = 6  # to be turned 90° clockwise for display
        exif.get_ifd(IFD.Exif)[Base.DateTimeOriginal] = "2024:03:05 14:22:10"
        gps = exif.get_ifd(IFD.GPSInfo)
        gps[GPS.GPSLatitudeRef] = "N"
        gps[GPS.GPSLatitude] = (52.0, 31.0, 12.0)
        gps[GPS.GPSLongitudeRef] = "W"
        gps[GPS.GPSLongitude] = (13.0, 24.0, 36.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"taken at home" if with_exif else b"")
    return out.getvalue()


def png(size: tuple[int, int] = (32, 32), text: dict[str, str] | None = None) -> bytes:
    info = PngImagePlugin.PngInfo()
    for key, value in (text or {}).items():
        info.add_text(key, value)
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 128, 0, 255)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A PNG header declaring a huge canvas, with (almost) no pixel data: a cheap bomb."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def pdf(*, author: str = "Alice Example", producer: str = "LibreOffice 7.6") -> bytes:
    document = pikepdf.new()
    document.add_blank_page()
    with document.open_metadata(set_pikepdf_as_editor=False) as xmp:
        xmp["dc:title"] = "Threats received"
    document.docinfo["/Author"] = author
    document.docinfo["/Producer"] = producer
    document.docinfo["/CreationDate"] = "D:20240305142210+01'00'"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def zip_of(members: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def docx(*, main_type: str = DOCX_MAIN, extra: dict[str, str | bytes] | None = None) -> bytes:
    content_types = (
        f'<?xml version="1.0"?><Types xmlns="{CONTENT_TYPES_NS}">'
        f'<Override PartName="/word/document.xml" ContentType="{main_type}"/></Types>'
    )
    return zip_of(
        {
            "[Content_Types].xml": content_types,
            "word/document.xml": "<w:document xmlns:w='urn:w'/>",
            "docProps/core.xml": CORE_XML,
            **(extra or {}),
        }
    )


def odt() -> bytes:
    meta = (
        '<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><office:meta>'
        "<meta:initial-creator>Carol</meta:initial-creator>"
        "<meta:generator>LibreOffice/7.6</meta:generator>"
        "<dc:date>2024-02-03T04:05:06</dc:date></office:meta></office:document-meta>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", ODT, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr("meta.xml", meta)
    return out.getvalue()


def mp4(extra: bytes = b"") -> bytes:
    ftyp = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"
    return ftyp + b"\x00\x00\x00\x08free" + extra


def webm(doc_type: bytes = b"webm") -> bytes:
    body = b"\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82" + bytes([0x80 | len(doc_type)]) + doc_type
    return b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(body)]) + body + b"\x18\x53\x80\x67"


def ogg(codec: bytes) -> bytes:
    return b"OggS\x00\x02" + b"\x00" * 20 + b"\x01" + bytes([len(codec) + 8]) + codec + b"\x00" * 8


# --- What is it? ---------------------------------------------------------------------------------


def test_allowed_types_cover_every_kind():
    assert set(ALLOWED_TYPES.values()) == set(KINDS)


def test_jpeg_reveals_location_device_and_date():
    result = inspect_bytes(jpeg())

    assert (result.content_type, result.kind, result.inspected) == ("image/jpeg", "image", True)
    assert result.has_location
    assert result.metadata["location"] == "52.52, -13.41"
    assert result.metadata["device"] == "Canon EOS 5D"
    assert result.metadata["created"] == "2024-03-05 14:22:10"


def test_png_without_metadata():
    assert inspect_bytes(png()) == Inspection("image/png", "image", True, "", {}, False)


def test_png_text_chunks_are_reported():
    result = inspect_bytes(png(text={"Author": "Bob\u202eevil", "Software": "GIMP 2.10"}))

    assert result.metadata == {"author": "Bobevil", "software": "GIMP 2.10"}


def test_pdf_author_producer_and_xmp_title():
    result = inspect_bytes(pdf())

    assert (result.content_type, result.kind, result.inspected) == ("application/pdf", "pdf", True)
    assert result.metadata["author"] == "Alice Example"
    assert result.metadata["software"] == "LibreOffice 7.6"
    assert result.metadata["created"] == "2024-03-05 14:22:10 +01:00"
    assert result.metadata["title"] == "Threats received"
    assert not result.has_location


@pytest.mark.parametrize(
    "data",
    [
        b"He wrote: I know where you live.\n",
        "Он написал: «я знаю, где ты живёшь»\r\n".encode(),
        "\ufeffwith a byte order mark".encode(),
        "UTF-16 text".encode("utf-16"),
        b"From: someone@example.org\nSubject: you\n\nA forwarded mail is text.\n",
    ],
)
def test_plain_text(data):
    assert detect_type(data) == ("text/plain", "text")
    assert inspect_bytes(data) == Inspection("text/plain", "text", True)


def test_docx_like_zip_is_ooxml_with_its_properties():
    result = inspect_bytes(docx())

    assert (result.content_type, result.kind, result.inspected) == (DOCX, "office", True)
    assert result.metadata == {
        "author": "Alice Example; last saved by Bob",
        "created": "2024-01-02 03:04:05 UTC",
        "title": "Minutes",
    }


def test_odt_is_detected_by_its_mimetype_member():
    result = inspect_bytes(odt())

    assert (result.content_type, result.kind) == (ODT, "office")
    assert result.metadata == {
        "author": "Carol",
        "software": "LibreOffice/7.6",
        "modified": "2024-02-03 04:05:06",
    }


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(zip_of({"notes.txt": "hello", "photo.jpg": b"\xff\xd8\xff"}), id="plain-zip"),
        pytest.param(b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56 + b"\x02\x00\x3e\x00", id="elf"),
        pytest.param(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", id="windows-exe"),
        pytest.param(b"<!DOCTYPE html><html><script>alert(1)</script></html>", id="html"),
        pytest.param(b"\n  <html><body>hi</body></html>", id="html-after-spaces"),
        pytest.param(b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', id="svg"),
        pytest.param(b"{\\rtf1\\ansi Hello}", id="rtf"),
        pytest.param(b"%!PS-Adobe-3.0\n%%EOF\n", id="postscript"),
        pytest.param(b"text with \x00 a NUL", id="nul"),
        pytest.param(b"\x1b[31m\x1b[0m\x07\x08", id="controls"),
        pytest.param(b"\xc3\x28 not UTF-8", id="bad-utf8"),
        pytest.param(b"   \n\t", id="blank"),
        pytest.param(b"", id="empty"),
        pytest.param(
            docx(main_type=DOCX_MAIN.replace("document.main", "template.main")), id="dotx"
        ),
        pytest.param(
            docx(main_type="application/vnd.ms-word.document.macroEnabled.main+xml"), id="docm"
        ),
        pytest.param(docx(extra={"word/vbaProject.bin": b"\x00"}), id="docx-with-macros"),
        pytest.param(zip_of({"mimetype": "application/epub+zip", "content.xml": ""}), id="epub"),
        pytest.param(b"RIFF\x24\x00\x00\x00AVI LIST" + b"\x00" * 32, id="avi"),
        pytest.param(webm(b"matroska"), id="mkv"),
        pytest.param(ogg(b"\x80theora"), id="ogg-video"),
        pytest.param(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", id="heic"),
    ],
)
def test_refused(data):
    assert detect_type(data) == (None, None)
    assert inspect_bytes(data) == Inspection(None, None, False, "unknown_type")


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 24, "audio/wav"),
        (b"ID3\x03\x00\x00\x00\x00\x01\x00" + b"\x00" * 32, "audio/mpeg"),
        (b"\xff\xfb\x90\x64" + b"\x00" * 64, "audio/mpeg"),
        (ogg(b"OpusHead"), "audio/ogg"),
        (ogg(b"\x01vorbis"), "audio/ogg"),
        (b"\x00\x00\x00\x18ftypM4A \x00\x00\x02\x00M4A mp42", "audio/mp4"),
        (mp4(), "video/mp4"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  ", "video/quicktime"),
        (webm(), "video/webm"),
    ],
)
def test_media_types_by_signature(data, content_type):
    assert detect_type(data) == (content_type, ALLOWED_TYPES[content_type])


def test_a_renamed_file_is_what_its_bytes_say(tmp_path):
    path = tmp_path / "contract.pdf"
    path.write_bytes(png())

    assert detect_type(path.read_bytes()) == ("image/png", "image")


def test_polyglot_is_decided_by_its_leading_bytes():
    polyglot = jpeg(with_exif=False) + docx()
    assert zipfile.is_zipfile(io.BytesIO(polyglot))  # a zip tool would open it

    assert detect_type(polyglot) == ("image/jpeg", "image")
    assert inspect_bytes(polyglot).inspected


def test_video_location_atom_is_reported():
    result = inspect_bytes(mp4(b"\x00\x00\x00\x1e\xa9xyz\x00\x12\x15\xc7+52.5200+013.4100/"))

    assert result.has_location
    assert result.metadata == {"location": "52.52, 13.41"}


def test_entities_in_office_xml_are_never_expanded():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE Types [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        f'<Types xmlns="{CONTENT_TYPES_NS}"><Override PartName="/word/document.xml" '
        f'ContentType="{DOCX_MAIN}"/><!-- &b; --></Types>'
    )
    data = zip_of({"[Content_Types].xml": laughs, "word/document.xml": "<w/>"})

    assert detect_type(data) == (None, None)


def test_office_metadata_with_a_doctype_makes_the_file_unreadable():
    hostile = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    result = inspect_bytes(docx(extra={"docProps/core.xml": hostile}))

    assert (result.content_type, result.inspected, result.problem) == (DOCX, False, "unreadable")


# --- Damaged and hostile files -------------------------------------------------------------------


def test_truncated_jpeg():
    data = jpeg()
    result = inspect_bytes(data[: len(data) // 2])

    assert result == Inspection("image/jpeg", "image", False, "truncated")


def test_truncated_pdf():
    data = pdf()
    result = inspect_bytes(data[: len(data) // 2])

    assert result == Inspection("application/pdf", "pdf", False, "truncated")


def test_garbage_behind_a_pdf_header_is_unreadable():
    result = inspect_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4 + b"\n%%EOF\n")

    assert result == Inspection("application/pdf", "pdf", False, "unreadable")


def test_decompression_bomb_declared_in_the_header():
    result = inspect_bytes(png_declaring(20_000, 20_000))

    assert result == Inspection("image/png", "image", False, "image_too_large")


def test_image_over_the_pixel_limit(monkeypatch):
    monkeypatch.setattr(inspection.images, "MAX_IMAGE_PIXELS", 100)

    assert inspect_bytes(png((11, 10))).problem == "image_too_large"
    assert inspect_bytes(png((10, 10))).inspected


# --- In a child process --------------------------------------------------------------------------


def test_inspect_in_child_equals_inspect_bytes():
    for data in (jpeg(), pdf()):
        assert inspect_in_child(data) == inspect_bytes(data)


def test_child_timeout():
    result = inspect_in_child(jpeg(), seconds=0.001)

    assert result == Inspection("image/jpeg", "image", False, "timeout")


def test_child_memory_limit():
    result = inspect_in_child(jpeg(), memory_bytes=1024 * 1024)

    assert (result.content_type, result.inspected) == ("image/jpeg", False)
    assert result.problem in ("out_of_memory", "crashed")
    assert not result.metadata


def test_unknown_types_are_not_sent_to_a_child(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("no child should start")

    monkeypatch.setattr(subprocess, "run", refuse)

    assert inspect_in_child(b"\x7fELF\x02") == Inspection(None, None, False, "unknown_type")
    assert strip_metadata_in_child(b"plain text") is None


@pytest.mark.parametrize(
    "output",
    [
        b"not json",
        b"[]",
        b'{"content_type": "image/jpeg"}',
        json.dumps(Inspection("text/plain", "text", True).to_dict()).encode(),  # a lying child
    ],
)
def test_what_a_child_says_is_checked(monkeypatch, output):
    monkeypatch.setattr(inspection.child, "_run_child", lambda *args, **kwargs: (output, ""))

    assert inspect_in_child(jpeg()) == Inspection("image/jpeg", "image", False, "crashed")


def test_child_exit_statuses():
    assert inspection.child._exit_problem(-signal.SIGXCPU) == "timeout"
    assert inspection.child._exit_problem(-signal.SIGKILL) == "out_of_memory"
    assert inspection.child._exit_problem(-signal.SIGSEGV) == "crashed"
    assert inspection.child._exit_problem(1) == "crashed"


def test_the_child_does_not_inherit_the_environment(monkeypatch):
    seen: dict[str, Any] = {}

    def fake_run(arguments, **kwargs):
        seen.update(kwargs, arguments=arguments)
        return subprocess.CompletedProcess(arguments, 0, stdout=b"", stderr=None)

    monkeypatch.setenv("RIGHTSDESK_SECRET_KEY", "do-not-leak")
    monkeypatch.setattr(subprocess, "run", fake_run)
    inspect_in_child(png())

    assert set(seen["env"]) == {"PYTHONPATH"}
    assert seen["stderr"] == subprocess.DEVNULL
    assert seen["arguments"][:5] == [
        sys.executable,
        "-P",
        "-m",
        inspection.child._MODULE,
        "inspect",
    ]


# --- Stripping -----------------------------------------------------------------------------------


def test_strip_jpeg_removes_exif_and_keeps_the_picture_upright():
    stripped = strip_metadata_in_child(jpeg())

    assert stripped is not None
    assert inspect_bytes(stripped) == Inspection("image/jpeg", "image", True)
    with Image.open(io.BytesIO(stripped)) as image:
        assert image.size == (48, 64)  # turned as the orientation tag said
        assert not image.getexif()
        assert "comment" not in image.info
        assert image.getpixel((40, 5)) == pytest.approx((0, 0, 254), abs=8)  # blue, top right


def test_strip_pdf_removes_the_author():
    stripped = strip_metadata_in_child(pdf())

    assert stripped is not None
    assert inspect_bytes(stripped) == Inspection("application/pdf", "pdf", True)
    assert b"Alice" not in stripped
    assert b"Threats received" not in stripped


def test_strip_png_text_chunks():
    stripped = strip_metadata(png(text={"Author": "Bob"}))

    assert stripped is not None
    assert inspect_bytes(stripped) == Inspection("image/png", "image", True)


def test_strip_animated_gif_keeps_its_frames():
    frames = [Image.new("RGB", (8, 8), colour) for colour in ("red", "green", "blue")]
    out = io.BytesIO()
    frames[0].save(
        out, "GIF", save_all=True, append_images=frames[1:], duration=50, comment=b"secret"
    )
    stripped = strip_metadata(out.getvalue())

    assert stripped is not None
    with Image.open(io.BytesIO(stripped)) as image:
        assert getattr(image, "n_frames", 1) == 3
        assert "comment" not in image.info
        assert "loop" not in image.info  # it played once, and still does
        image.seek(2)
        assert image.convert("RGB").getpixel((0, 0)) == (0, 0, 255)


def test_strip_text_returns_none():
    assert strip_metadata_in_child(b"just some text\n") is None


def test_strip_damaged_files_returns_none():
    assert strip_metadata(jpeg()[:300]) is None
    assert strip_metadata(pdf()[:300]) is None


# --- The stored form and the child's entry point -------------------------------------------------


def test_inspection_round_trips_through_json():
    original = inspect_bytes(jpeg())

    assert Inspection.from_dict(json.loads(json.dumps(original.to_dict()))) == original


@pytest.mark.parametrize(
    "changes",
    [
        {"content_type": "text/html", "kind": "text"},
        {"kind": "video"},
        {"problem": "exploded", "inspected": False},
        {"problem": "unknown_type", "inspected": False},
        {"inspected": "yes"},
        {"metadata": {"password": "x"}},
        {"metadata": {"author": "x" * 301}},
        {"metadata": {"author": 1}},
        {"extra": 1},
    ],
)
def test_from_dict_refuses_what_it_did_not_write(changes):
    data = {**Inspection("image/png", "image", True).to_dict(), **changes}

    with pytest.raises(ValueError):  # noqa: PT011 (every refusal is a plain ValueError)
        Inspection.from_dict(data)


def test_metadata_values_are_short_single_lines():
    long_name = "A" * 500 + "\nnext line"
    result = inspect_bytes(png(text={"Author": long_name}))

    assert result.metadata["author"] == "A" * 300


def run_main(monkeypatch, arguments: list[str], data: bytes) -> tuple[int, bytes]:
    stdout = io.BytesIO()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(stdout))
    status = inspection.main(arguments)
    return status, stdout.getvalue()


def test_main_inspect_and_strip(monkeypatch):
    status, output = run_main(monkeypatch, ["inspect"], png())
    assert status == 0
    assert Inspection.from_dict(json.loads(output)) == inspect_bytes(png())

    status, output = run_main(monkeypatch, ["strip"], png())
    assert status == 0
    assert detect_type(output) == ("image/png", "image")

    assert run_main(monkeypatch, ["strip"], b"text") == (inspection.child._EXIT_NOT_STRIPPED, b"")


def test_main_refuses_input_over_the_cap(monkeypatch):
    monkeypatch.setattr(inspection.child, "MAX_INPUT_BYTES", 10)

    assert run_main(monkeypatch, ["inspect"], png()) == (inspection.child._EXIT_TOO_LARGE, b"")


def test_the_module_runs_without_django():
    code = (
        "import sys, rightsdesk.intake.inspection; "
        "print(sorted(m for m in sys.modules if m.startswith(('django', 'rightsdesk.'))))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, check=True, text=True
    ).stdout

    assert output.strip() == str(
        [
            "rightsdesk.intake",
            "rightsdesk.intake.inspection",
            "rightsdesk.intake.inspection.child",
            "rightsdesk.intake.inspection.detection",
            "rightsdesk.intake.inspection.facts",
            "rightsdesk.intake.inspection.images",
            "rightsdesk.intake.inspection.inspecting",
            "rightsdesk.intake.inspection.media",
            "rightsdesk.intake.inspection.office",
            "rightsdesk.intake.inspection.pdf",
            "rightsdesk.intake.inspection.safe_xml",
            "rightsdesk.intake.inspection.vocabulary",
        ]
    )


# --- Edges ---------------------------------------------------------------------------------------


def xmp_packet(description_attributes: str) -> bytes:
    return (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
        'xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:tiff="http://ns.adobe.com/tiff/1.0/" '
        f"{description_attributes}/></rdf:RDF></x:xmpmeta>"
    ).encode()


def test_location_found_in_xmp_alone():
    packet = xmp_packet(
        'exif:GPSLatitude="52,31.2N" exif:GPSLongitude="13,24,36W" '
        'tiff:Make="Fairphone" tiff:Model="FP5"'
    )
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "JPEG", xmp=packet)
    result = inspect_bytes(out.getvalue())

    assert result.has_location
    assert result.metadata == {"location": "52.52, -13.41", "device": "Fairphone FP5"}


def test_unreadable_coordinates_still_count_as_a_location():
    exif = Image.Exif()
    exif[Base.Make] = "Nokia"
    exif[Base.Model] = "3310"
    exif.get_ifd(IFD.Exif)[Base.BodySerialNumber] = "SN-1234"
    gps = exif.get_ifd(IFD.GPSInfo)
    gps[GPS.GPSLatitude] = (1.0, 2.0, 3.0, 4.0)  # one number too many
    gps[GPS.GPSLongitude] = (13.0, 24.0, 36.0)
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "JPEG", exif=exif)
    result = inspect_bytes(out.getvalue())

    assert result.has_location
    assert result.metadata == {"device": "Nokia 3310, serial number SN-1234"}


def test_pdf_with_deflated_xmp_holding_a_location():
    document = pikepdf.new()
    document.add_blank_page()
    packet = xmp_packet('exif:GPSLatitude="10,0S" exif:GPSLongitude="20,30E"')
    document.Root.Metadata = document.make_stream(zlib.compress(packet))
    document.Root.Metadata.Filter = pikepdf.Array([pikepdf.Name.FlateDecode])
    out = io.BytesIO()
    document.save(out, fix_metadata_version=False)  # else pikepdf rewrites the packet
    result = inspect_bytes(out.getvalue())

    assert result.has_location
    assert result.metadata == {"location": "-10, 20.5"}


def test_strip_keeps_the_first_picture_of_a_multi_picture_jpeg():
    out = io.BytesIO()
    first, second = Image.new("RGB", (16, 8), "red"), Image.new("RGB", (4, 4), "blue")
    first.save(out, "MPO", save_all=True, append_images=[second])
    stripped = strip_metadata(out.getvalue())

    assert stripped is not None
    with Image.open(io.BytesIO(stripped)) as image:
        assert (image.format, image.size, getattr(image, "n_frames", 1)) == ("JPEG", (16, 8), 1)


def test_strip_keeps_the_colour_profile_and_looping():
    profile = b"\x00" * 128  # Pillow carries the bytes; it does not parse them
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "JPEG", icc_profile=profile)
    stripped = strip_metadata(out.getvalue())
    assert stripped is not None
    with Image.open(io.BytesIO(stripped)) as image:
        assert image.info["icc_profile"] == profile

    frames = [Image.new("RGB", (8, 8), colour) for colour in ("red", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], loop=0)
    stripped = strip_metadata(out.getvalue())
    assert stripped is not None
    with Image.open(io.BytesIO(stripped)) as image:
        assert image.info["loop"] == 0


def test_strip_pdf_in_process():
    stripped = strip_metadata(pdf())

    assert stripped is not None
    assert b"Alice" not in stripped


def test_bomb_between_pillows_warning_and_error_limits():
    # 100 megapixels: past Pillow's warning threshold, short of the size where it refuses.
    assert inspect_bytes(png_declaring(10_000, 10_000)).problem == "image_too_large"


def test_office_properties_from_app_xml():
    app = (
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties"><Application>Microsoft Office Word</Application>'
        "<AppVersion>16.0000</AppVersion></Properties>"
    )
    result = inspect_bytes(docx(extra={"docProps/app.xml": app}))

    assert result.metadata["software"] == "Microsoft Office Word 16.0000"


def test_damaged_office_member_makes_the_file_unreadable():
    data = bytearray(docx())
    at = data.find(b"docProps/core.xml") + len("docProps/core.xml")
    data[at + 10 : at + 20] = b"\xff" * 10  # inside the compressed properties
    result = inspect_bytes(bytes(data))

    assert (result.content_type, result.problem) == (DOCX, "unreadable")


def test_odt_without_meta_has_no_facts():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", ODT)
        archive.writestr("content.xml", "<office:document-content/>")

    assert inspect_bytes(out.getvalue()) == Inspection(ODT, "office", True)


def test_text_that_turns_binary_after_the_first_megabyte():
    data = b"a" * (1024 * 1024) + b"\x00\x01\x02"

    assert detect_type(data) == ("text/plain", "text")
    assert inspect_bytes(data) == Inspection("text/plain", "text", False, "unreadable")


def test_apple_location_key_in_a_quicktime_file():
    key = b"mdta" + b"com.apple.quicktime.location.ISO6709"
    data = mp4(key + b"\x00" * 24 + b"+35.6895+139.6917+40.0/")
    result = inspect_bytes(data)

    assert result.has_location
    assert result.metadata == {"location": "35.6895, 139.6917"}
    assert inspect_bytes(webm()) == Inspection("video/webm", "video", True)


def zip_claiming_members(count: int) -> bytes:
    data = bytearray(docx())
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, count, count)
    return bytes(data)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(zip_claiming_members(60_000), id="too-many-members"),
        pytest.param(b"PK\x03\x04 but no directory", id="no-directory"),
        pytest.param(
            docx(extra={"[Content_Types].xml": "<Types>" + " " * (1024 * 1024 + 1) + "</Types>"}),
            id="huge-content-types",
        ),
        pytest.param(zip_of({"mimetype": ODT}), id="odt-without-content"),
        pytest.param(
            zip_of(
                {
                    "[Content_Types].xml": (
                        f'<Types xmlns="{CONTENT_TYPES_NS}">'
                        f'<Override PartName="/word/document.xml" ContentType="{DOCX_MAIN}"/>'
                        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
                        'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
                    ),
                    "word/document.xml": "<w/>",
                    "xl/workbook.xml": "<x/>",
                }
            ),
            id="two-main-parts",
        ),
        pytest.param(b"\x00\x00\x00\x08ftypisom", id="ftyp-box-too-small"),
        pytest.param(b"\x1a\x45\xdf\xa3\x00", id="ebml-bad-size"),
        pytest.param(b"\x1a\x45\xdf\xa3\x85\x42\x86\x00", id="ebml-bad-element"),
        pytest.param(b"\x1a\x45\xdf\xa3\x84\x42\x86\x81\x01", id="ebml-without-doctype"),
        pytest.param(b"OggS\x00\x02", id="ogg-too-short"),
        pytest.param(b"RIFF\x24\x00\x00\x00WAVX", id="riff-other"),
        pytest.param(b"\xff\xfb\xf0\x00", id="mpeg-reserved-bitrate"),
    ],
)
def test_refused_edges(data):
    assert detect_type(data) == (None, None)


def test_brands_decide_iso_media():
    other_major = b"\x00\x00\x00\x18ftypXAVC\x00\x00\x00\x00XAVCmp42"
    assert detect_type(other_major) == ("video/mp4", "video")
    assert detect_type(b"ID3 is a tag format") == ("text/plain", "text")


@pytest.mark.parametrize(
    ("function", "value", "expected"),
    [
        (inspection.facts._plain, b"Caf\xc3\xa9\x00\x00", "Café"),
        (inspection.facts._plain, 42, ""),
        (inspection.facts._pdf_date, "D:20240305142210Z", "2024-03-05 14:22:10 UTC"),
        (inspection.facts._pdf_date, "D:2024", "2024"),
        (inspection.facts._pdf_date, "yesterday", "yesterday"),
        (inspection.facts._iso_date, "2024-03-05T14:22:10.5+01:00", "2024-03-05 14:22:10 +01:00"),
        (inspection.facts._exif_date, "sometime", "sometime"),
    ],
)
def test_values_are_made_readable(function, value, expected):
    assert function(value) == expected


def test_coordinates_that_make_no_sense_are_not_reported():
    assert inspection.images._degrees((1, 2, 3, 4), "N") is None
    assert inspection.images._degrees((float("inf"),), "N") is None
    assert inspection.images._degrees((1, "x"), "N") is None
    assert inspection.facts._format_location(91.0, 0.0) is None
    assert inspection.facts._xmp_coordinate("north") is None


def test_a_confused_puremagic_does_not_refuse_text(monkeypatch):
    def confused(data):
        raise puremagic.PureError("no idea")

    monkeypatch.setattr(puremagic, "magic_string", confused)

    assert detect_type(b"hello") == ("text/plain", "text")


@pytest.mark.parametrize(
    "fields",
    [
        {"inspected": True, "problem": "timeout"},
        {"inspected": False, "problem": "timeout", "metadata": {"author": "x"}},
        {"inspected": False, "problem": "timeout", "has_location": True},
    ],
)
def test_inconsistent_inspections_cannot_be_made(fields):
    with pytest.raises(ValueError):  # noqa: PT011 (every refusal is a plain ValueError)
        Inspection(content_type="image/png", kind="image", **fields)


@pytest.mark.parametrize(
    "changes",
    [{"content_type": 1}, {"kind": 1}, {"problem": None}, {"metadata": ["author"]}],
)
def test_from_dict_checks_types(changes):
    data = {**Inspection("image/png", "image", True).to_dict(), **changes}

    with pytest.raises(ValueError):  # noqa: PT011 (every refusal is a plain ValueError)
        Inspection.from_dict(data)


def test_child_failures_without_a_child(monkeypatch):
    def no_processes(*args, **kwargs):
        raise OSError("Resource temporarily unavailable")

    monkeypatch.setattr(subprocess, "run", no_processes)
    assert inspect_in_child(png()).problem == "crashed"

    monkeypatch.setattr(inspection.child, "MAX_INPUT_BYTES", 10)
    assert inspect_in_child(png()).problem == "out_of_memory"


def test_a_stripped_copy_of_another_type_is_refused(monkeypatch):
    monkeypatch.setattr(inspection.child, "_run_child", lambda *args, **kwargs: (b"plain text", ""))

    assert strip_metadata_in_child(png()) is None


def test_limits_never_exceed_the_hard_limits_already_set(monkeypatch):
    calls = []
    monkeypatch.setattr(resource, "getrlimit", lambda which: (100, 1000))
    monkeypatch.setattr(resource, "setrlimit", lambda which, limits: calls.append((which, limits)))

    inspection.child._limit_resources(None, None)
    assert calls == []

    inspection.child._limit_resources(5000, 10)
    assert calls == [
        (resource.RLIMIT_CORE, (0, 0)),
        (resource.RLIMIT_AS, (1000, 1000)),
        (resource.RLIMIT_CPU, (10, 11)),
    ]


def test_main_leaves_at_once_when_memory_runs_out(monkeypatch):
    class Exited(Exception):
        pass

    def out_of_memory(data):
        raise MemoryError

    def exit_now(status):
        raise Exited(status)

    monkeypatch.setattr(inspection.child, "inspect_bytes", out_of_memory)
    monkeypatch.setattr(os, "_exit", exit_now)

    with pytest.raises(Exited, match=str(inspection.child._EXIT_OUT_OF_MEMORY)):
        run_main(monkeypatch, ["inspect"], png())
