"""
Figure images: check an upload and produce clean, resized copies. Pure Pillow, no Django imports.

`inspect()` refuses anything that is not a JPEG, PNG or WebP image, files over MAX_BYTES, images
over MAX_PIXELS and files that do not decode completely. The pixel check reads only the header,
before any pixel is decoded, so a small file claiming to be 100,000 x 100,000 pixels (a
"decompression bomb") never reaches memory.

`process()` re-encodes the image from its pixels alone, so no metadata survives: no EXIF (camera,
GPS position, date), no XMP, no text chunks, no ICC profile (after applying the EXIF rotation). It
returns a cleaned "master" (at most MASTER_MAX_WIDTH wide) and renditions at RENDITION_WIDTHS in
WebP plus a fallback (PNG for drawings and anything transparent, JPEG for photographs).
"""

import warnings
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 24_000_000  # 6000 x 4000: more than any article figure needs
MASTER_MAX_WIDTH = 2400
RENDITION_WIDTHS = (480, 800, 1200)
MIME_TYPES = {"WEBP": "image/webp", "PNG": "image/png", "JPEG": "image/jpeg"}
EXTENSIONS = {"WEBP": "webp", "PNG": "png", "JPEG": "jpg"}


class ImageRejected(ValueError):
    """The file is not an image we accept; the message is written for the editor."""


@dataclass(frozen=True)
class ImageInfo:
    format: str
    width: int
    height: int


@dataclass(frozen=True)
class EncodedImage:
    format: str  # "WEBP", "PNG" or "JPEG"
    width: int
    height: int
    data: bytes

    @property
    def mime_type(self) -> str:
        return MIME_TYPES[self.format]

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format]


@dataclass(frozen=True)
class ProcessedImage:
    master: EncodedImage
    renditions: tuple[EncodedImage, ...]  # WebP and fallback per width, narrowest first


def inspect(data: bytes) -> ImageInfo:
    """Check that `data` is an acceptable image; raise ImageRejected (with a reason) if not."""
    if len(data) > MAX_BYTES:
        raise ImageRejected(f"This file is too big. Please upload an image under {MAX_BYTES // 2**20} MB.")
    try:
        with warnings.catch_warnings():
            # Pillow only warns about very large images; here that is a refusal like any other.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data)) as image:
                image_format, (width, height) = image.format, image.size
                if image_format not in ALLOWED_FORMATS:
                    raise ImageRejected("Please upload a JPEG, PNG or WebP image.")
                if width * height > MAX_PIXELS:
                    raise ImageRejected(_too_many_pixels(width, height))
                image.verify()  # structure and checksums; it does not decode every format fully
            with Image.open(BytesIO(data)) as image:
                image.load()  # so a truncated or corrupt file is refused here, not when resizing
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected("This image has far too many pixels. Please upload a smaller image.") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        # verify() and the decoders report a damaged or fake file with any of these.
        raise ImageRejected(
            "This file is not an image we can read. Please upload a JPEG, PNG or WebP."
        ) from None
    return ImageInfo(format=image_format, width=width, height=height)


def process(data: bytes, *, widths: tuple[int, ...] = RENDITION_WIDTHS) -> ProcessedImage:
    """A metadata-free master and WebP + fallback renditions of an image that passes inspect()."""
    info = inspect(data)
    with Image.open(BytesIO(data)) as opened:
        upright = ImageOps.exif_transpose(opened)
        has_alpha = upright.mode in {"RGBA", "LA", "PA"} or "transparency" in upright.info
        pixels = upright.convert("RGBA" if has_alpha else "RGB")
    # A new image holds the pixels only: none of the source's info/EXIF/ICC comes along.
    clean = Image.new(pixels.mode, pixels.size)
    clean.paste(pixels)
    fallback = "PNG" if has_alpha or info.format == "PNG" else "JPEG"

    master = _encode(_scaled(clean, min(clean.width, MASTER_MAX_WIDTH)), fallback)
    targets = sorted({w for w in widths if w < clean.width} | {min(clean.width, max(widths))})
    renditions: list[EncodedImage] = []
    for width in targets:
        scaled = _scaled(clean, width)
        renditions += [_encode(scaled, "WEBP"), _encode(scaled, fallback)]
    return ProcessedImage(master=master, renditions=tuple(renditions))


def _too_many_pixels(width: int, height: int) -> str:
    return (
        f"This image is {width:,} x {height:,} pixels, too large to process. "
        f"Please upload one under {MAX_PIXELS // 1_000_000} million pixels (for example 6000 x 4000)."
    )


def _scaled(image: Image.Image, width: int) -> Image.Image:
    if width >= image.width:
        return image
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS)


def _encode(image: Image.Image, image_format: str) -> EncodedImage:
    buffer = BytesIO()
    if image_format == "WEBP":
        image.save(buffer, "WEBP", quality=80, method=6)
    elif image_format == "JPEG":
        image.convert("RGB").save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
    else:
        image.save(buffer, "PNG", optimize=True)
    return EncodedImage(format=image_format, width=image.width, height=image.height, data=buffer.getvalue())
