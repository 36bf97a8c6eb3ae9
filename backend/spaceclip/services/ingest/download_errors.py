"""yt-dlp's failures turned into SpaceClip errors whose messages say what the user can do.

SpaceClip's own reasons, recorded in the
:class:`~spaceclip.services.ingest.ytdlp_state.DownloadState`, come first (a guard refusal wins
over yt-dlp's wording); then yt-dlp's message and the exception it wraps are read for sign-in,
replay, HTTP and network failures. Everything else is an :class:`~spaceclip.errors.ExternalToolError`.
"""

from __future__ import annotations

import re
import urllib.error

from yt_dlp.networking.exceptions import HTTPError as YtdlpHTTPError
from yt_dlp.networking.exceptions import TransportError
from yt_dlp.utils import DownloadError, UnsupportedError

from spaceclip.config import Settings
from spaceclip.errors import (
    DownloadNetworkError,
    ExternalToolError,
    JobCancelled,
    MediaTooLarge,
    MediaTooLong,
    NoMediaFound,
    NoReplay,
    SignInRequired,
    SpaceClipError,
    UnsupportedMedia,
)
from spaceclip.services.ingest.ytdlp_state import DownloadState

__all__ = [
    "NO_MEDIA_MESSAGE",
    "human_duration",
    "state_problem",
    "too_large",
    "too_long",
    "translate",
]

NO_MEDIA_MESSAGE = (
    "SpaceClip found no video or audio at this link. Use a YouTube, X Space or direct media-file "
    "link, or download the file yourself and upload it."
)
_LOGIN_PATTERNS = re.compile(
    r"--cookies|registered users|sign in to confirm|requires authentication|login required|"
    r"log in|not authorized|account credentials|use --username",
    re.IGNORECASE,
)
_NO_REPLAY_PATTERNS = re.compile(
    r"replay is disabled|not started yet|not downloadable yet|space not found", re.IGNORECASE
)
_MAX_FILESIZE_ABORT = re.compile(r"larger than max-filesize \((\d+) bytes")


def human_duration(seconds: float) -> str:
    """``"0.6 seconds"``, ``"10 minutes"``, ``"4.0 hours"``: a length as a message shows it."""
    if seconds < 90:
        value = round(seconds, 1)
        return f"{value:g} second{'' if value == 1 else 's'}"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds / 3600:.1f} hours"


def too_long(duration_s: float, settings: Settings) -> MediaTooLong:
    """The error for a recording over ``SPACECLIP_MAX_DURATION_MINUTES`` (names its length and the limit)."""
    return MediaTooLong(
        f"This recording is {human_duration(duration_s)} long; SpaceClip accepts up to "
        f"{human_duration(settings.max_duration_s)} (setting SPACECLIP_MAX_DURATION_MINUTES="
        f"{settings.max_duration_minutes:g}). Trim it first, or ask your administrator to raise the limit."
    )


def too_large(size: int | None, settings: Settings) -> MediaTooLarge:
    """The error for a recording over ``SPACECLIP_MAX_UPLOAD_MB``."""
    return MediaTooLarge(
        f"This recording is larger than the {settings.max_upload_mb} MB SpaceClip accepts (setting "
        "SPACECLIP_MAX_UPLOAD_MB). Use a shorter or lower-quality version, or ask your administrator "
        "to raise the limit.",
        detail=f"{size} bytes reported or received" if size else None,
    )


def state_problem(state: DownloadState, settings: Settings) -> SpaceClipError | None:
    """A refusal recorded by a hook, filter or the guard, if any (first by importance)."""
    if state.refusals:
        return state.refusals[0]
    if state.cancelled:
        return JobCancelled()
    if state.live_status is not None:
        if state.live_status == "is_upcoming":
            return NoReplay(
                "This Space or stream has not started yet. Import it after it has ended and its replay is available."
            )
        return NoReplay(
            "This Space or stream is live right now. Import it after it has ended and its replay is available."
        )
    if state.too_long_s is not None:
        return too_long(state.too_long_s, settings)
    if state.too_large_bytes is not None:
        return too_large(state.too_large_bytes, settings)
    for msg in state.messages:
        match = _MAX_FILESIZE_ABORT.search(msg)
        if match:
            return too_large(int(match.group(1)), settings)
    if state.unsafe_downloader is not None:
        return UnsupportedMedia(
            "This stream needs a download method SpaceClip does not allow for safety (for example "
            "a live or RTMP stream). Use a link to a finished recording, or upload the file.",
            detail=f"downloader {state.unsafe_downloader}",
        )
    return None


def translate(exc: Exception, url: str, settings: Settings, state: DownloadState) -> SpaceClipError:
    """Turn a yt-dlp failure into a SpaceClip error with a message for the user."""
    problem = state_problem(state, settings)
    if problem is not None:
        return problem
    cause: BaseException | None = exc
    if isinstance(exc, DownloadError) and exc.exc_info and exc.exc_info[1] is not None:
        cause = exc.exc_info[1]
    text = str(exc)
    if isinstance(cause, UnsupportedError) or "Unsupported URL" in text:
        return NoMediaFound(NO_MEDIA_MESSAGE, detail=text)
    if _NO_REPLAY_PATTERNS.search(text):
        return NoReplay(
            "This Space has no replay to download (it ended without one, was deleted, or is not "
            "available yet). Only Spaces whose host kept the recording can be imported.",
            detail=text,
        )
    if _LOGIN_PATTERNS.search(text) or ("/i/spaces/" in url and settings.cookies_file is None):
        return SignInRequired(
            "This link needs a signed-in account (X Spaces always do). Export the browser cookies "
            "of a signed-in session in Netscape format to a file and set SPACECLIP_COOKIES_FILE to "
            "its path, then retry.",
            detail=text,
        )
    http_error = _find_cause(cause, YtdlpHTTPError)
    if http_error is not None:
        status = getattr(http_error, "status", None)
        return DownloadNetworkError(
            f"The site answered with an error (HTTP {status}) when SpaceClip tried to download "
            "this link. Check that the link opens in a browser without signing in, then retry.",
            detail=text,
        )
    if _find_cause(cause, TransportError) is not None or isinstance(cause, TransportError | urllib.error.URLError):
        return DownloadNetworkError(
            "SpaceClip could not reach the site for this link (network failure). Check the link "
            "and your connection, then retry.",
            detail=text,
        )
    if "no video formats" in text.lower() or "no media" in text.lower():
        return NoMediaFound(NO_MEDIA_MESSAGE, detail=text)
    return ExternalToolError(
        "yt-dlp could not download this link. Check that it opens in a browser, or download the "
        "file yourself and upload it.",
        detail=text,
    )


def _find_cause(exc: BaseException | None, kind: type[BaseException]) -> BaseException | None:
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, kind):
            return exc
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None
