"""Small still pictures of a project and of its highlights, for the dashboard and the highlight lane.

A video source gives its own frame (:func:`source_frame`, one ffmpeg seek through the user-media
allow-lists); an audio-only source gives the look its clips have, an audiogram frame drawn by the
render pipeline (:func:`audiogram_frame`). :func:`thumbnail_moment` (pure) picks when: a project at
a tenth of its length (past intros and black frames), a highlight a third of the way in.
"""

from __future__ import annotations

import io
import os
import uuid
from pathlib import Path

from PIL import Image

from spaceclip.config import Settings
from spaceclip.errors import ValidationFailed
from spaceclip.services.media.probe import MediaInfo
from spaceclip.services.media.process import ffmpeg_args, media_input_args, run_process, tier_timeout

__all__ = ["THUMB_WIDTH", "audiogram_frame", "source_frame", "thumbnail_moment", "write_jpeg"]

#: Thumbnails are this wide (px): sharp on a dashboard card at 2x, a few tens of kB as JPEG.
THUMB_WIDTH = 480
JPEG_QUALITY = 82


def thumbnail_moment(duration: float, start: float | None = None, end: float | None = None) -> float:
    """Seconds into the source to take the picture at. Pure.

    Without a range: a tenth of the way in (at most 30 s, and never past the last half second). With
    ``[start, end]`` (a highlight): a third of the way in, clamped to the source.
    """
    last = max(0.0, duration - 0.5)
    if start is None or end is None:
        return round(min(last, min(30.0, duration * 0.1)), 3)
    return round(min(last, max(0.0, start + (end - start) / 3)), 3)


def _tmp(dest: Path) -> Path:
    return dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:12]}.tmp")


def write_jpeg(png_or_jpeg: bytes, dest: Path, width: int = THUMB_WIDTH) -> Path:
    """``png_or_jpeg`` scaled to ``width`` px wide, written to ``dest`` as JPEG (temp file, then renamed)."""
    with Image.open(io.BytesIO(png_or_jpeg)) as img:
        rgb = img.convert("RGB")
    if rgb.width != width:
        rgb = rgb.resize((width, max(2, round(rgb.height * width / rgb.width))), Image.Resampling.LANCZOS)
    tmp = _tmp(dest)
    try:
        rgb.save(tmp, format="JPEG", quality=JPEG_QUALITY, optimize=True)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest


def source_frame(source: Path, at: float, settings: Settings) -> bytes:
    """The source's frame at ``at`` s as PNG bytes, scaled to :data:`THUMB_WIDTH` wide.

    Raises:
        ValidationFailed: no frame there (a source whose picture ends early).
    """
    argv = ffmpeg_args(
        "-ss", f"{at:.3f}", *media_input_args(source), "-frames:v", "1",
        "-vf", f"scale={THUMB_WIDTH}:-2", "-c:v", "png", "-f", "image2", "pipe:1",
    )  # fmt: skip
    out = run_process(argv, timeout_s=tier_timeout(settings.process_timeout_s, "still")).stdout
    if not out:
        raise ValidationFailed("No picture could be taken from this recording at that moment. Try again later.")
    return out


def audiogram_frame(source: Path, info: MediaInfo, at: float, settings: Settings, work_dir: Path) -> bytes:
    """A 16:9 audiogram frame (the default style) of the sound around ``at``, as exports draw it (PNG)."""
    from spaceclip.services.render.presets import get_preset
    from spaceclip.services.render.render import render_frame
    from spaceclip.services.render.spec import ClipSpec

    start = max(0.0, min(at, max(0.0, info.duration_s - 1.0)))
    spec = ClipSpec(
        source=source, info=info, start=start, end=min(info.duration_s, start + 2.0),
        preset=get_preset("linkedin_landscape"), caption_style=None,
    )  # fmt: skip
    return render_frame(spec, 1.0, settings, work_dir)
