"""Speaker photos for the audiogram's badges: what an upload must be, and the picture SpaceClip keeps.

:func:`check_photo` opens the upload with Pillow by its contents (never its name or type), refuses
what is not a PNG, JPEG or WebP image, too large a file or too many pixels, or a file Pillow cannot
decode, and returns the photo upright (EXIF orientation applied), centre-cropped to a square of at
most :data:`STORED_SIDE` px and re-encoded as PNG, so what is stored is always SpaceClip's own file.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from spaceclip.errors import PayloadTooLarge, UnsupportedMedia

__all__ = ["MAX_PHOTO_BYTES", "MAX_PHOTO_SIDE", "MIN_PHOTO_SIDE", "STORED_SIDE", "Photo", "check_photo"]

MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PHOTO_SIDE = 8000
MIN_PHOTO_SIDE = 32
STORED_SIDE = 512
FORMATS = frozenset({"PNG", "JPEG", "WEBP"})


@dataclass(frozen=True, slots=True)
class Photo:
    """An accepted photo: its format and size as uploaded, and the square PNG to store."""

    format: str
    width: int
    height: int
    png: bytes


def _not_an_image() -> UnsupportedMedia:
    return UnsupportedMedia(
        "This file is not a PNG, JPEG or WebP image (its contents say otherwise, whatever its name). "
        "Upload the speaker's photo in one of those formats."
    )


def _unreadable(exc: BaseException) -> UnsupportedMedia:
    return UnsupportedMedia(
        "This photo is damaged or not an image SpaceClip can read. Upload the speaker's photo as a PNG, JPEG "
        "or WebP file.",
        detail=f"{type(exc).__name__}: {exc}",
    )


def check_photo(data: bytes) -> Photo:
    """The upload ``data`` as a speaker photo to store.

    Raises:
        PayloadTooLarge: over :data:`MAX_PHOTO_BYTES`, or a side over :data:`MAX_PHOTO_SIDE` px.
        UnsupportedMedia: not a PNG/JPEG/WebP image (whatever its name says), under
            :data:`MIN_PHOTO_SIDE` px a side, or unreadable.
    """
    if len(data) > MAX_PHOTO_BYTES:
        raise PayloadTooLarge(
            f"This photo is {len(data) / 1_048_576:.1f} MB; a speaker photo can be at most "
            f"{MAX_PHOTO_BYTES // 1_048_576} MB. Save it smaller (a 1000 px JPEG is plenty)."
        )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind, (width, height) = probe.format or "", probe.size
            if kind not in FORMATS:
                raise _not_an_image()
            if max(width, height) > MAX_PHOTO_SIDE:
                raise PayloadTooLarge(
                    f"This photo is {width}x{height} px; at most {MAX_PHOTO_SIDE} px a side. Save it smaller."
                )
            if min(width, height) < MIN_PHOTO_SIDE:
                raise UnsupportedMedia(
                    f"This photo is {width}x{height} px, too small for a badge. Upload one at least "
                    f"{MIN_PHOTO_SIDE} px a side."
                )
            probe.verify()
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            upright = ImageOps.exif_transpose(img).convert("RGB")
    except (UnsupportedMedia, PayloadTooLarge):
        raise
    except UnidentifiedImageError as exc:
        raise _not_an_image() from exc
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise _unreadable(exc) from exc
    side = min(STORED_SIDE, upright.width, upright.height)
    square = ImageOps.fit(upright, (side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    square.save(out, format="PNG", optimize=True)
    return Photo(format=kind, width=width, height=height, png=out.getvalue())
