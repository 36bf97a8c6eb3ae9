"""Checks on what yt-dlp wrote: the finished file stays inside the work folder and is real media.

The file is probed through :func:`~spaceclip.services.media.probe.ffprobe_json` (local files only,
allow-listed demuxers, so a playlist or a page disguised as media is not opened), and its
duration is held against ``SPACECLIP_MAX_DURATION_MINUTES`` again: the site's own report, checked
before downloading, may be missing or wrong.

That duration is still the container's claim, which a crafted file can understate. What is decoded
is held against the limit by :func:`~spaceclip.services.media.probe.extract_audio`, which every
downloaded file goes through next (the analyze job, the CLI), exactly as an uploaded one does.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from spaceclip.config import Settings
from spaceclip.errors import NoMediaFound, ToolFailed, UnsupportedMedia
from spaceclip.services.ingest.download_errors import NO_MEDIA_MESSAGE, too_long
from spaceclip.services.ingest.ytdlp_state import CancelFn
from spaceclip.services.media.probe import ffprobe_json

log = logging.getLogger(__name__)

__all__ = ["downloaded_file", "media_duration", "probe_duration"]

PROBE_TIMEOUT_S = 120.0


def downloaded_file(info: dict[str, Any], work: Path) -> Path:
    """The finished file yt-dlp wrote, checked to be inside ``work``.

    Raises:
        NoMediaFound: yt-dlp reported no finished file there.
    """
    candidates = [str(d.get("filepath") or "") for d in info.get("requested_downloads") or [] if isinstance(d, dict)]
    candidates.append(str(info.get("filepath") or ""))
    root = work.resolve()
    for name in candidates:
        if not name:
            continue
        path = Path(name).resolve()
        if path.is_file() and path.is_relative_to(root):
            return path
    media = sorted(p for p in work.glob("media.*") if p.is_file() and not p.name.endswith((".part", ".ytdl")))
    if len(media) == 1:
        return media[0]
    raise NoMediaFound(NO_MEDIA_MESSAGE, detail=f"no finished file in {work.name}")


def media_duration(media: Path, settings: Settings, cancel: CancelFn | None) -> float:
    """The downloaded file's duration in seconds, once it is known to be allowed media.

    Raises:
        NoMediaFound: ffprobe cannot read it as audio or video.
        MediaTooLong: it is over ``settings.max_duration_s``.
    """
    duration = probe_duration(media, cancel)
    if duration is None:
        raise NoMediaFound(
            "The link gave SpaceClip a file that is not audio or video. Use a link to a video, "
            "a Space or a media file, or upload the file.",
            detail=f"ffprobe could not read {media.name}",
        )
    if duration > settings.max_duration_s:
        raise too_long(duration, settings)
    return duration


def probe_duration(path: Path, cancel: CancelFn | None) -> float | None:
    """The container's duration in seconds, or None when ffprobe cannot read it as allowed media."""
    try:
        data = ffprobe_json(path, "-show_entries", "format=duration", timeout_s=PROBE_TIMEOUT_S, cancel=cancel)
    except (ToolFailed, UnsupportedMedia) as exc:
        log.info("ffprobe rejected %s: %s", path.name, exc)
        return None
    try:
        duration = float((data.get("format") or {})["duration"])
    except (KeyError, TypeError, ValueError):
        return None
    return duration if duration > 0 else None
