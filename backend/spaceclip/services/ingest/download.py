"""URL ingest through yt-dlp: YouTube, X Spaces and direct media links (docs/SECURITY.md, items 21-22).

:func:`download_url` fetches one media file into a server-chosen path and maps every failure to a
message for the user. The work is split by job:

* :mod:`~spaceclip.services.ingest.urlguard`: the SSRF guard. The link is checked (and its host
  resolved) here, before yt-dlp is created;
* :mod:`~spaceclip.services.ingest.ytdlp_guard`: yt-dlp's networking, with the guard on every
  request, redirect and connection, and only native downloaders;
* :mod:`~spaceclip.services.ingest.ytdlp_options`: yt-dlp's options (no config files, plugins,
  cache or playlists; size and duration limits) and the hooks that enforce them while it runs;
* :mod:`~spaceclip.services.ingest.cookies`: cookies only from ``SPACECLIP_COOKIES_FILE``;
* :mod:`~spaceclip.services.ingest.download_errors`: yt-dlp's failures as SpaceClip errors;
* :mod:`~spaceclip.services.ingest.download_checks`: the finished file is inside the work
  folder, is audio or video, and is within the duration limit.

yt-dlp writes into a fresh temporary folder inside ``dest_dir``; the finished file is renamed to
``dest_dir/source.<ext>`` and the folder is removed, on success and on failure alike.

The downloaded file is probed through :mod:`spaceclip.services.media.process`. Processes yt-dlp starts
itself (ffmpeg to merge audio and video or to fix a container) run on the local files it just wrote
and do not go through that wrapper.
"""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yt_dlp.networking.exceptions import RequestError
from yt_dlp.utils import DownloadCancelled, DownloadError

from spaceclip.config import Settings
from spaceclip.errors import JobCancelled, NoMediaFound
from spaceclip.services.ingest.download_checks import downloaded_file, media_duration
from spaceclip.services.ingest.download_errors import NO_MEDIA_MESSAGE, state_problem, translate
from spaceclip.services.ingest.storage import SOURCE_STEM, sanitize_extension
from spaceclip.services.ingest.urlguard import UrlGuard
from spaceclip.services.ingest.ytdlp_guard import GuardedYoutubeDL
from spaceclip.services.ingest.ytdlp_options import disable_ytdlp_plugins, ytdlp_params
from spaceclip.services.ingest.ytdlp_state import CancelFn, DownloadState, ProgressFn

log = logging.getLogger(__name__)

__all__ = [
    "DownloadResult",
    "check_url",
    "download_url",
]

TEMP_PREFIX = ".download-"


@dataclass(frozen=True)
class DownloadResult:
    """The downloaded file and what yt-dlp knew about it.

    Attributes:
        path: ``dest_dir/source.<ext>``.
        title: the page's title, if any.
        duration: seconds, from probing the file (or the site when probing gives none).
        extractor: yt-dlp's extractor key (``Youtube``, ``TwitterSpaces``, ``Generic``).
        webpage_url: the page the media came from.
    """

    path: Path
    title: str | None
    duration: float | None
    extractor: str | None
    webpage_url: str | None


def check_url(url: str, settings: Settings, *, allowed_endpoints: Collection[str] = ()) -> None:
    """Run the SSRF guard on ``url`` now (resolving its host), e.g. before accepting a project.

    Raises:
        UrlRefused: with a message for the user.
    """
    UrlGuard.from_settings(settings, allowed_endpoints=allowed_endpoints).check_url(url)


def download_url(
    url: str,
    dest_dir: Path,
    settings: Settings,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
    allowed_endpoints: Collection[str] = (),
) -> DownloadResult:
    """Download the media at ``url`` to ``dest_dir/source.<ext>``.

    Args:
        url: a YouTube, X Space or direct media link.
        dest_dir: the project's folder (created if missing). Only ``source.<ext>`` is added to it;
            on failure nothing is left behind.
        settings: limits (``max_upload_bytes``, ``max_duration_s``), ``allow_private_urls`` and
            ``cookies_file``.
        progress: called with the fraction done (0..1, never decreasing).
        cancel: polled while downloading; returning True stops the download (:class:`JobCancelled`).
        allowed_endpoints: tests only: exact ``host:port`` strings the guard treats as public.

    Returns:
        The file and its metadata.

    Raises:
        UrlRefused: the link, a redirect or any request yt-dlp tried is refused by the SSRF guard.
        NoMediaFound, NoReplay, SignInRequired, MediaTooLong, MediaTooLarge: the user's link cannot
            be imported; the message says why and what to do.
        DownloadNetworkError: the site could not be reached or answered with an error.
        JobCancelled: ``cancel`` returned True.
        ExternalToolError: yt-dlp failed in a way not listed above.
    """
    guard = UrlGuard.from_settings(settings, allowed_endpoints=allowed_endpoints)
    guard.check_url(url)  # before yt-dlp exists
    state = DownloadState(
        guard=guard,
        max_bytes=settings.max_upload_bytes,
        max_duration_s=settings.max_duration_s,
        progress=progress,
        cancel=cancel,
    )
    if cancel is not None and cancel():
        raise JobCancelled()
    dest_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale_temp_dirs(dest_dir)
    work = dest_dir / f"{TEMP_PREFIX}{uuid.uuid4().hex}"
    work.mkdir()
    try:
        info = _run_ytdlp(url, work, settings, state)
        media = downloaded_file(info, work)
        duration = media_duration(media, settings, cancel)
        final = dest_dir / f"{SOURCE_STEM}{sanitize_extension(media.name) or '.media'}"
        for old in dest_dir.glob(f"{SOURCE_STEM}.*"):
            if old.is_file() and old != final:
                old.unlink()
        os.replace(media, final)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if progress is not None:
        progress(1.0)
    extractor = info.get("extractor_key") or info.get("extractor")
    log.info("downloaded %s (%s, %.1f s) to %s", url, extractor, duration, final)
    return DownloadResult(
        path=final,
        title=info.get("title"),
        duration=duration,
        extractor=extractor,
        webpage_url=info.get("webpage_url"),
    )


def _run_ytdlp(url: str, work: Path, settings: Settings, state: DownloadState) -> dict[str, Any]:
    """Run yt-dlp on ``url`` into ``work``; its info dict for the one entry it downloaded."""
    disable_ytdlp_plugins()
    params = ytdlp_params(work, settings, state)
    try:
        with GuardedYoutubeDL(params, state) as ydl:
            info = ydl.extract_info(url, download=True)
    except (DownloadError, DownloadCancelled, RequestError) as exc:
        raise translate(exc, url, settings, state) from None
    if state.refusals:
        raise state.refusals[0]
    problem = state_problem(state, settings)
    if problem is not None:
        raise problem
    if not isinstance(info, dict):
        raise NoMediaFound(NO_MEDIA_MESSAGE, detail="yt-dlp returned no result")
    if info.get("_type") == "playlist":
        entries = [e for e in info.get("entries") or [] if isinstance(e, dict)]
        if not entries:
            raise NoMediaFound(NO_MEDIA_MESSAGE, detail="empty playlist")
        info = entries[0]
    return info


def _remove_stale_temp_dirs(dest_dir: Path) -> None:
    """Remove temp folders a killed worker left behind (one download per project runs at a time)."""
    for stale in dest_dir.glob(f"{TEMP_PREFIX}*"):
        if stale.is_dir():
            log.info("removing stale download folder %s", stale)
            shutil.rmtree(stale, ignore_errors=True)
