"""Small evidence files made on the spot, with and without revealing metadata."""

from __future__ import annotations

import io

from PIL import Image


def jpeg_with_location(*, make: str = "CanaryPhone") -> bytes:
    image = Image.new("RGB", (64, 48), "red")
    exif = Image.Exif()
    exif[0x010F] = make  # Make
    exif[0x0110] = "Model 7"  # Model
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (35.0, 41.0, 22.2), 3: "E", 4: (51.0, 23.0, 3.6)})
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def plain_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "blue").save(buffer, "PNG")
    return buffer.getvalue()
