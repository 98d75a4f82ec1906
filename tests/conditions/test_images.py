import struct
import zlib
from io import BytesIO

import pytest
from PIL import Image

from conditions import images
from conditions.images import ImageRejected, inspect, process
from tests.conditions.factory import jpeg_bytes, png_bytes


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG file whose header claims an enormous image (a 'decompression bomb')."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def test_a_text_file_is_refused_as_not_an_image():
    with pytest.raises(ImageRejected, match="not an image"):
        inspect(b"<svg onload=alert(1)></svg> or any other text")


def test_formats_other_than_jpeg_png_and_webp_are_refused():
    buffer = BytesIO()
    Image.new("RGB", (20, 20)).save(buffer, "GIF")
    with pytest.raises(ImageRejected, match="JPEG, PNG or WebP"):
        inspect(buffer.getvalue())


def test_a_huge_pixel_count_is_refused_from_the_header_before_decoding():
    with pytest.raises(ImageRejected, match="pixels"):
        inspect(png_header_only(100_000, 100_000))


def test_an_image_just_over_the_pixel_limit_is_refused(monkeypatch):
    monkeypatch.setattr(images, "MAX_PIXELS", 50 * 50)
    inspect(png_bytes(50, 50))
    with pytest.raises(ImageRejected, match="51 x 50 pixels"):
        inspect(png_bytes(51, 50))


def test_a_file_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(images, "MAX_BYTES", 100)
    with pytest.raises(ImageRejected, match="too big"):
        inspect(png_bytes(200, 200, color=None) + b"\0" * 200)


def test_a_truncated_image_is_refused():
    data = jpeg_bytes(400, 300)
    with pytest.raises(ImageRejected):
        process(data[: len(data) // 3])


def test_processing_removes_exif_such_as_camera_and_location():
    data = jpeg_bytes(exif={0x010F: "SecretCam", 0x8825: {2: (1.0, 17.0, 3.0)}})
    assert b"SecretCam" in data
    result = process(data)
    for encoded in (result.master, *result.renditions):
        assert b"SecretCam" not in encoded.data
        with Image.open(BytesIO(encoded.data)) as image:
            assert not image.getexif()
            assert "icc_profile" not in image.info


def test_processing_turns_the_image_the_way_its_exif_orientation_says():
    buffer = BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    Image.new("RGB", (400, 200)).save(buffer, "JPEG", exif=exif)
    result = process(buffer.getvalue())
    assert (result.master.width, result.master.height) == (200, 400)


def test_renditions_are_webp_and_a_fallback_at_each_width_never_wider_than_the_source():
    result = process(png_bytes(1000, 500))
    sizes = [(r.format, r.width, r.height) for r in result.renditions]
    assert sizes == [
        ("WEBP", 480, 240), ("PNG", 480, 240),
        ("WEBP", 800, 400), ("PNG", 800, 400),
        ("WEBP", 1000, 500), ("PNG", 1000, 500),
    ]  # fmt: skip
    for rendition in result.renditions:
        with Image.open(BytesIO(rendition.data)) as image:
            assert image.format == rendition.format and image.size == (rendition.width, rendition.height)


def test_large_images_get_the_three_standard_widths_and_a_capped_master():
    result = process(jpeg_bytes(3000, 1500))
    assert sorted({r.width for r in result.renditions}) == [480, 800, 1200]
    assert result.master.width == images.MASTER_MAX_WIDTH


def test_photographs_fall_back_to_jpeg_and_drawings_or_transparent_images_to_png():
    assert {r.format for r in process(jpeg_bytes(600, 400)).renditions} == {"WEBP", "JPEG"}
    transparent = png_bytes(600, 400, mode="RGBA", color=(0, 0, 0, 0))
    assert {r.format for r in process(transparent).renditions} == {"WEBP", "PNG"}
