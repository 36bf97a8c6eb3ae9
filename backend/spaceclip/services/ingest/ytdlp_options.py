"""The yt-dlp options for one download, and the hooks that watch it.

yt-dlp is run without configuration files or plugins (the API never reads config files; plugin
directories are switched off), without a cache directory, with ``noplaylist`` (and at most the
first entry of a playlist), ``max_filesize`` from ``SPACECLIP_MAX_UPLOAD_MB`` (also enforced on the
bytes received by :func:`progress_hook`, for streams without a length), a duration limit from
``SPACECLIP_MAX_DURATION_MINUTES`` (checked by :func:`match_filter` before downloading when the
site reports a duration) and cookies only from ``SPACECLIP_COOKIES_FILE``
(:mod:`spaceclip.services.ingest.cookies`).

Every m3u8 stream is forced onto the native HLS downloader (``external_downloader`` "native"), and
if yt-dlp ever falls back to ffmpeg as a downloader, ffmpeg gets
``-protocol_whitelist file,crypto,data`` so it cannot open a network address itself.

The hooks record what they notice in the :class:`~spaceclip.services.ingest.ytdlp_state.DownloadState`
and stop yt-dlp with :class:`~spaceclip.services.ingest.ytdlp_state.Abort`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yt_dlp.globals

from spaceclip.config import Settings
from spaceclip.services.ingest.cookies import private_cookie_copy
from spaceclip.services.ingest.ytdlp_state import Abort, DownloadState

ytdlp_log = logging.getLogger("spaceclip.ytdlp")

__all__ = [
    "FFMPEG_INPUT_WHITELIST",
    "LogAdapter",
    "disable_ytdlp_plugins",
    "match_filter",
    "progress_hook",
    "ytdlp_params",
]

SOCKET_TIMEOUT_S = 30.0
# ffmpeg as a *downloader* would open URLs itself, past the guard; this keeps it off the network.
FFMPEG_INPUT_WHITELIST = ["-protocol_whitelist", "file,crypto,data"]


def ytdlp_params(work: Path, settings: Settings, state: DownloadState) -> dict[str, Any]:
    """yt-dlp's params for a download into ``work`` under ``settings``' limits.

    Raises:
        SignInRequired: ``settings.cookies_file`` is set but missing.
    """
    params: dict[str, Any] = {
        "logger": LogAdapter(state),
        "quiet": True,
        "no_warnings": False,
        "noprogress": True,
        "color": {"stdout": "no_color", "stderr": "no_color"},
        "ignoreconfig": True,  # a CLI option; the API reads no config files anyway
        "noplaylist": True,
        "playlist_items": "1",
        "lazy_playlist": True,
        "ignoreerrors": False,
        "max_filesize": settings.max_upload_bytes,
        "match_filter": match_filter(state),
        "progress_hooks": [progress_hook(state)],
        "paths": {"home": str(work), "temp": str(work)},
        "outtmpl": {"default": "media.%(ext)s"},
        "format": "bv*+ba/b",
        "format_sort": ["res:1080"],
        "merge_output_format": "mp4/mkv",
        "overwrites": True,
        "continuedl": False,
        "updatetime": False,
        "cachedir": False,
        "writethumbnail": False,
        "writesubtitles": False,
        "writeinfojson": False,
        "socket_timeout": SOCKET_TIMEOUT_S,
        "retries": 3,
        "fragment_retries": 3,
        "extractor_retries": 1,
        "proxy": "",
        "external_downloader": {"default": "native"},
        "external_downloader_args": {"ffmpeg_i": list(FFMPEG_INPUT_WHITELIST)},
        "cookiesfrombrowser": None,
        "usenetrc": False,
    }
    if settings.cookies_file is not None:
        params["cookiefile"] = str(private_cookie_copy(settings.cookies_file, work))
    return params


_plugins_off_lock = threading.Lock()


def disable_ytdlp_plugins() -> None:
    """Switch off yt-dlp's plugin directories (the ``--no-plugin-dirs`` of the command line)."""
    with _plugins_off_lock:
        if yt_dlp.globals.plugin_dirs.value:
            yt_dlp.globals.plugin_dirs.value = []


class LogAdapter:
    """yt-dlp's ``logger`` param: its messages go to :mod:`logging` and are kept for diagnosis."""

    def __init__(self, state: DownloadState) -> None:
        self._state = state

    def debug(self, msg: str) -> None:
        self._state.messages.append(msg)
        ytdlp_log.debug("%s", msg.removeprefix("[debug] "))

    def info(self, msg: str) -> None:
        self._state.messages.append(msg)
        ytdlp_log.info("%s", msg)

    def warning(self, msg: str) -> None:
        self._state.messages.append(msg)
        ytdlp_log.warning("%s", msg)

    def error(self, msg: str) -> None:
        self._state.messages.append(msg)
        ytdlp_log.info("%s", msg)  # re-raised as a SpaceClip error with a user message


def match_filter(state: DownloadState) -> Callable[..., str | None]:
    """yt-dlp's ``match_filter``: refuses live or upcoming streams and media over the limits."""

    def match(info: dict[str, Any], *, incomplete: bool | str = False) -> str | None:
        live = info.get("live_status")
        if info.get("is_live") or live in ("is_live", "is_upcoming"):
            state.live_status = live or "is_live"
            return "live or upcoming"
        duration = info.get("duration")
        if isinstance(duration, int | float) and duration > state.max_duration_s:
            state.too_long_s = float(duration)
            return "too long"
        if incomplete is False:
            size = info.get("filesize") or info.get("filesize_approx")
            if isinstance(size, int | float) and size > state.max_bytes:
                state.too_large_bytes = int(size)
                return "too large"
        return None

    return match


def progress_hook(state: DownloadState) -> Callable[[dict[str, Any]], None]:
    """yt-dlp's progress hook: polls ``cancel``, caps the bytes received, reports progress."""

    def hook(d: dict[str, Any]) -> None:
        if state.cancel is not None and state.cancel():
            state.cancelled = True
            raise Abort("cancelled")
        key = str(d.get("filename") or d.get("tmpfilename") or "")
        downloaded = int(d.get("downloaded_bytes") or 0)
        state.bytes_by_file[key] = downloaded
        total_received = sum(state.bytes_by_file.values())
        if total_received > state.max_bytes or int(d.get("total_bytes") or 0) > state.max_bytes:
            state.too_large_bytes = max(total_received, int(d.get("total_bytes") or 0))
            raise Abort("too large")
        if state.progress is None:
            return
        if d.get("status") == "finished":
            fraction = 1.0
        elif d.get("fragment_count"):
            fraction = float(d.get("fragment_index") or 0) / float(d["fragment_count"])
        elif d.get("total_bytes") or d.get("total_bytes_estimate"):
            fraction = downloaded / float(d.get("total_bytes") or d["total_bytes_estimate"])
        else:
            return
        state.fraction_by_file[key] = min(max(fraction, 0.0), 1.0)
        info = d.get("info_dict") or {}
        parts = max(len(info.get("requested_formats") or ()), len(state.fraction_by_file), 1)
        overall = sum(state.fraction_by_file.values()) / parts
        # Leave the last 2% for merging and renaming; never go backwards.
        overall = min(overall * 0.98, 0.98)
        if overall > state.last_fraction:
            state.last_fraction = overall
            state.progress(overall)

    return hook
