"""URL ingest through yt-dlp: YouTube, X Spaces and direct media links (SECURITY.md 21-22).

This is the only module that talks to yt-dlp's Python API. :func:`download_url` fetches one media
file into a server-chosen path and maps every failure to a message for the user.

How the SSRF guard (:mod:`spaceclip.services.ingest.urlguard`) is enforced on *every* request:

* the link is checked (and its host resolved) before yt-dlp is created;
* yt-dlp's request director is built with a single handler, :class:`_GuardedRH`, a subclass of its
  urllib handler. Each request URL is checked; each redirect target is checked before it is
  followed; and each TCP connection is made by :meth:`_GuardedRH._connect`, which resolves the host
  through the guard and connects only to the vetted addresses (no second DNS lookup, so DNS
  rebinding cannot swap in a private address). Proxies, ``ftp:`` and ``file:`` are not supported
  by this handler, and no other handler (requests, curl_cffi, websockets) is registered;
* only yt-dlp's native downloaders (HTTP, HLS, DASH), which fetch through that handler, may run.
  Every m3u8 stream is forced onto the native HLS downloader (``external_downloader`` "native"),
  and if yt-dlp ever falls back to ffmpeg as a downloader, ffmpeg gets
  ``-protocol_whitelist file,crypto,data`` so it cannot open a network address itself.

yt-dlp is run without configuration files or plugins (the API never reads config files; plugin
directories are switched off), without a cache directory, with ``noplaylist`` (and at most the
first entry of a playlist), ``max_filesize`` from ``SPACECLIP_MAX_UPLOAD_MB`` (also enforced on the
bytes received, for streams without a length), a duration limit from
``SPACECLIP_MAX_DURATION_MINUTES`` (checked before downloading when the site reports a duration,
and by probing the file afterwards), and cookies only from ``SPACECLIP_COOKIES_FILE`` (copied to
the temporary folder, so yt-dlp never rewrites the configured file). It writes into a fresh
temporary folder inside ``dest_dir``; the finished file is renamed to ``dest_dir/source.<ext>``
and the folder is removed, on success and on failure alike.

The downloaded file is probed through :mod:`spaceclip.services.media.process`. Processes yt-dlp starts
itself (ffmpeg to merge audio and video or to fix a container) run on the local files it just wrote
and do not go through that wrapper.
"""

from __future__ import annotations

import functools
import http.client
import logging
import os
import re
import shutil
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import deque
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yt_dlp
import yt_dlp.globals
from yt_dlp.downloader import get_suitable_downloader
from yt_dlp.downloader.dash import DashSegmentsFD
from yt_dlp.downloader.hls import HlsFD
from yt_dlp.downloader.http import HttpFD
from yt_dlp.networking import _urllib as ytdlp_urllib
from yt_dlp.networking.common import Request as YtdlpRequest
from yt_dlp.networking.exceptions import HTTPError as YtdlpHTTPError
from yt_dlp.networking.exceptions import RequestError, TransportError
from yt_dlp.utils import DownloadCancelled, DownloadError, UnsupportedError

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
    ToolFailed,
    UnsupportedMedia,
    UrlRefused,
)
from spaceclip.services.ingest.storage import SOURCE_STEM, sanitize_extension
from spaceclip.services.ingest.urlguard import AddrInfo, UrlGuard
from spaceclip.services.media.probe import ffprobe_json

log = logging.getLogger(__name__)
ytdlp_log = logging.getLogger("spaceclip.ytdlp")

__all__ = [
    "DownloadResult",
    "check_url",
    "download_url",
]

ProgressFn = Callable[[float], None]
CancelFn = Callable[[], bool]

TEMP_PREFIX = ".download-"
SOCKET_TIMEOUT_S = 30.0
PROBE_TIMEOUT_S = 120.0
# ffmpeg as a *downloader* would open URLs itself, past the guard; this keeps it off the network.
FFMPEG_INPUT_WHITELIST = ["-protocol_whitelist", "file,crypto,data"]
_NATIVE_DOWNLOADERS = (HttpFD, HlsFD, DashSegmentsFD)
_LOGIN_PATTERNS = re.compile(
    r"--cookies|registered users|sign in to confirm|requires authentication|login required|"
    r"log in|not authorized|account credentials|use --username",
    re.IGNORECASE,
)
_NO_REPLAY_PATTERNS = re.compile(
    r"replay is disabled|not started yet|not downloadable yet|space not found", re.IGNORECASE
)
_MAX_FILESIZE_ABORT = re.compile(r"larger than max-filesize \((\d+) bytes")


# -- errors --------------------------------------------------------------------------------------


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


# -- one download's state, shared by the hooks -----------------------------------------------------


@dataclass
class _State:
    guard: UrlGuard
    max_bytes: int
    max_duration_s: float
    progress: ProgressFn | None
    cancel: CancelFn | None
    refusals: list[UrlRefused] = field(default_factory=list)
    too_long_s: float | None = None
    too_large_bytes: int | None = None
    live_status: str | None = None
    cancelled: bool = False
    unsafe_downloader: str | None = None
    messages: deque[str] = field(default_factory=lambda: deque(maxlen=50))
    bytes_by_file: dict[str, int] = field(default_factory=dict)
    fraction_by_file: dict[str, float] = field(default_factory=dict)
    last_fraction: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def refuse(self, exc: UrlRefused) -> _GuardRefusal:
        with self.lock:
            self.refusals.append(exc)
        return _GuardRefusal(exc)


class _GuardRefusal(RequestError):  # type: ignore[misc]
    """Carries a guard refusal through yt-dlp's networking layer (it expects RequestError)."""

    def __init__(self, refusal: UrlRefused) -> None:
        super().__init__(f"SpaceClip URL guard refused the request: {refusal}")
        self.refusal = refusal


class _Abort(DownloadCancelled):  # type: ignore[misc]
    """Stops yt-dlp from a hook; the reason is in :class:`_State`."""


# -- yt-dlp networking: one guarded handler -------------------------------------------------------


class _GuardedRedirectHandler(ytdlp_urllib.RedirectHandler):  # type: ignore[misc]
    def __init__(self, state: _State) -> None:
        super().__init__()
        self._state = state

    def _vet(self, req: urllib.request.Request, newurl: str) -> None:
        try:
            self._state.guard.check_url(newurl, resolve=False)
        except UrlRefused as exc:
            log.info("refused redirect %s -> %s", req.full_url, newurl)
            raise self._state.refuse(exc) from None

    def http_error_302(self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any) -> Any:
        # Checked here, before urllib's own scheme filter, so that every refused redirect (file:,
        # ftp:, private hosts) is reported as the guard's refusal.
        location = headers.get("location") or headers.get("uri")
        if location:
            self._vet(req, urllib.parse.urljoin(req.full_url, location))
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        self._vet(req, newurl)
        result: urllib.request.Request | None = super().redirect_request(req, fp, code, msg, headers, newurl)
        return result


class _PinnedHTTPHandler(ytdlp_urllib.HTTPHandler):  # type: ignore[misc]
    """yt-dlp's HTTP handler whose connections are opened by the guard's resolver."""

    def __init__(self, connect: Callable[..., socket.socket], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._connect = connect

    def _connection(self, conn_class: type[http.client.HTTPConnection], *args: Any, **kwargs: Any) -> Any:
        conn = conn_class(*args, **kwargs)
        conn._create_connection = self._connect  # type: ignore[attr-defined]
        return conn

    def http_open(self, req: urllib.request.Request) -> Any:
        return self.do_open(functools.partial(self._connection, http.client.HTTPConnection), req)

    def https_open(self, req: urllib.request.Request) -> Any:
        return self.do_open(
            functools.partial(self._connection, http.client.HTTPSConnection), req, context=self._context
        )


class _GuardedRH(ytdlp_urllib.UrllibRH):  # type: ignore[misc]
    """yt-dlp's urllib request handler with the SSRF guard on every request, redirect and connection."""

    _SUPPORTED_URL_SCHEMES = ("http", "https", "data")
    RH_NAME = "spaceclip-guarded-urllib"

    def __init__(self, *, state: _State, **kwargs: Any) -> None:
        kwargs.pop("enable_file_urls", None)
        super().__init__(**kwargs)
        self._state = state

    def _check_proxies(self, proxies: Any) -> None:
        """Proxies are ignored: a connection must go straight to the address the guard vetted."""

    def _send(self, request: YtdlpRequest) -> Any:
        if not request.url.lower().startswith("data:"):
            try:
                self._state.guard.check_url(request.url, resolve=False)
            except UrlRefused as exc:
                raise self._state.refuse(exc) from None
        return super()._send(request)

    def _connect(
        self,
        address: tuple[str, int],
        timeout: Any = socket._GLOBAL_DEFAULT_TIMEOUT,  # type: ignore[attr-defined]
        source_address: tuple[str, int] | None = None,
    ) -> socket.socket:
        host, port = address
        try:
            infos = self._state.guard.resolve(host, port)
        except UrlRefused as exc:
            raise self._state.refuse(exc) from None
        return _connect_first(infos, timeout, source_address)

    def _create_instance(self, proxies: Any, cookiejar: Any, legacy_ssl_support: Any = None) -> Any:
        opener = urllib.request.OpenerDirector()
        handlers: list[urllib.request.BaseHandler] = [
            _PinnedHTTPHandler(
                self._connect,
                debuglevel=int(bool(self.verbose)),
                context=self._make_sslcontext(legacy_ssl_support=legacy_ssl_support),
                source_address=self.source_address,
            ),
            urllib.request.HTTPCookieProcessor(cookiejar),
            urllib.request.DataHandler(),
            urllib.request.UnknownHandler(),
            urllib.request.HTTPDefaultErrorHandler(),
            urllib.request.HTTPErrorProcessor(),
            _GuardedRedirectHandler(self._state),
        ]
        for handler in handlers:
            opener.add_handler(handler)
        opener.addheaders = []
        return opener


def _connect_first(infos: list[AddrInfo], timeout: Any, source_address: tuple[str, int] | None) -> socket.socket:
    """Connect to the first vetted address that answers (like ``socket.create_connection``)."""
    last_error: OSError | None = None
    for family, kind, proto, _name, sockaddr in infos:
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:  # type: ignore[attr-defined]
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            sock.close()
            last_error = exc
    raise last_error or OSError("no address to connect to")


class _GuardedYoutubeDL(yt_dlp.YoutubeDL):  # type: ignore[misc]
    """YoutubeDL whose only request handler is :class:`_GuardedRH` and whose downloaders are native."""

    def __init__(self, params: dict[str, Any], state: _State) -> None:
        self._spaceclip_state = state
        super().__init__(params)

    def build_request_director(self, handlers: Any, preferences: Any = None) -> Any:
        guarded = functools.partial(_GuardedRH, state=self._spaceclip_state)
        return super().build_request_director([guarded], None)

    def dl(self, name: str, info: dict[str, Any], subtitle: bool = False, test: bool = False) -> Any:
        downloader = get_suitable_downloader(info, self.params, to_stdout=(name == "-"))
        if downloader not in _NATIVE_DOWNLOADERS:
            self._spaceclip_state.unsafe_downloader = getattr(downloader, "__name__", str(downloader))
            raise _Abort("only native downloaders are allowed")
        return super().dl(name, info, subtitle=subtitle, test=test)


class _LogAdapter:
    """yt-dlp's ``logger`` param: its messages go to :mod:`logging` and are kept for diagnosis."""

    def __init__(self, state: _State) -> None:
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


# -- hooks ------------------------------------------------------------------------------------------


def _match_filter(state: _State) -> Callable[..., str | None]:
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


def _progress_hook(state: _State) -> Callable[[dict[str, Any]], None]:
    def hook(d: dict[str, Any]) -> None:
        if state.cancel is not None and state.cancel():
            state.cancelled = True
            raise _Abort("cancelled")
        key = str(d.get("filename") or d.get("tmpfilename") or "")
        downloaded = int(d.get("downloaded_bytes") or 0)
        state.bytes_by_file[key] = downloaded
        total_received = sum(state.bytes_by_file.values())
        if total_received > state.max_bytes or int(d.get("total_bytes") or 0) > state.max_bytes:
            state.too_large_bytes = max(total_received, int(d.get("total_bytes") or 0))
            raise _Abort("too large")
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


# -- the public functions ---------------------------------------------------------------------------


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
    state = _State(
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
        media = _downloaded_file(info, work)
        duration = _probe_duration(media, cancel)
        if duration is None:
            raise NoMediaFound(
                "The link gave SpaceClip a file that is not audio or video. Use a link to a video, "
                "a Space or a media file, or upload the file.",
                detail=f"ffprobe could not read {media.name}",
            )
        if duration > settings.max_duration_s:
            raise _too_long(duration, settings)
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


# -- internals --------------------------------------------------------------------------------------


def _ytdlp_params(work: Path, settings: Settings, state: _State) -> dict[str, Any]:
    params: dict[str, Any] = {
        "logger": _LogAdapter(state),
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
        "match_filter": _match_filter(state),
        "progress_hooks": [_progress_hook(state)],
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
        params["cookiefile"] = str(_private_cookie_copy(settings.cookies_file, work))
    return params


def _private_cookie_copy(cookies_file: Path, work: Path) -> Path:
    if not cookies_file.is_file():
        raise SignInRequired(
            f"The cookies file set in SPACECLIP_COOKIES_FILE ({cookies_file}) does not exist. Export "
            "your signed-in cookies in Netscape format to that path, or unset the setting."
        )
    copy = work / "cookies.txt"
    shutil.copyfile(cookies_file, copy)
    copy.chmod(0o600)
    return copy


_plugins_off_lock = threading.Lock()


def _disable_ytdlp_plugins() -> None:
    """Switch off yt-dlp's plugin directories (the ``--no-plugin-dirs`` of the command line)."""
    with _plugins_off_lock:
        if yt_dlp.globals.plugin_dirs.value:
            yt_dlp.globals.plugin_dirs.value = []


def _run_ytdlp(url: str, work: Path, settings: Settings, state: _State) -> dict[str, Any]:
    _disable_ytdlp_plugins()
    params = _ytdlp_params(work, settings, state)
    try:
        with _GuardedYoutubeDL(params, state) as ydl:
            info = ydl.extract_info(url, download=True)
    except (DownloadError, DownloadCancelled, RequestError) as exc:
        raise _translate(exc, url, settings, state) from None
    if state.refusals:
        raise state.refusals[0]
    problem = _state_problem(state, settings)
    if problem is not None:
        raise problem
    if not isinstance(info, dict):
        raise NoMediaFound(_NO_MEDIA_MESSAGE, detail="yt-dlp returned no result")
    if info.get("_type") == "playlist":
        entries = [e for e in info.get("entries") or [] if isinstance(e, dict)]
        if not entries:
            raise NoMediaFound(_NO_MEDIA_MESSAGE, detail="empty playlist")
        info = entries[0]
    return info


_NO_MEDIA_MESSAGE = (
    "SpaceClip found no video or audio at this link. Use a YouTube, X Space or direct media-file "
    "link, or download the file yourself and upload it."
)


def _human_duration(seconds: float) -> str:
    if seconds < 90:
        value = round(seconds, 1)
        return f"{value:g} second{'' if value == 1 else 's'}"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds / 3600:.1f} hours"


def _too_long(duration_s: float, settings: Settings) -> MediaTooLong:
    return MediaTooLong(
        f"This recording is {_human_duration(duration_s)} long; SpaceClip accepts up to "
        f"{_human_duration(settings.max_duration_s)} (setting SPACECLIP_MAX_DURATION_MINUTES="
        f"{settings.max_duration_minutes:g}). Trim it first, or ask your administrator to raise the limit."
    )


def _too_large(size: int | None, settings: Settings) -> MediaTooLarge:
    return MediaTooLarge(
        f"This recording is larger than the {settings.max_upload_mb} MB SpaceClip accepts (setting "
        "SPACECLIP_MAX_UPLOAD_MB). Use a shorter or lower-quality version, or ask your administrator "
        "to raise the limit.",
        detail=f"{size} bytes reported or received" if size else None,
    )


def _state_problem(state: _State, settings: Settings) -> SpaceClipError | None:
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
        return _too_long(state.too_long_s, settings)
    if state.too_large_bytes is not None:
        return _too_large(state.too_large_bytes, settings)
    for msg in state.messages:
        match = _MAX_FILESIZE_ABORT.search(msg)
        if match:
            return _too_large(int(match.group(1)), settings)
    if state.unsafe_downloader is not None:
        return UnsupportedMedia(
            "This stream needs a download method SpaceClip does not allow for safety (for example "
            "a live or RTMP stream). Use a link to a finished recording, or upload the file.",
            detail=f"downloader {state.unsafe_downloader}",
        )
    return None


def _translate(exc: Exception, url: str, settings: Settings, state: _State) -> SpaceClipError:
    """Turn a yt-dlp failure into a SpaceClip error with a message for the user."""
    problem = _state_problem(state, settings)
    if problem is not None:
        return problem
    cause: BaseException | None = exc
    if isinstance(exc, DownloadError) and exc.exc_info and exc.exc_info[1] is not None:
        cause = exc.exc_info[1]
    text = str(exc)
    if isinstance(cause, UnsupportedError) or "Unsupported URL" in text:
        return NoMediaFound(_NO_MEDIA_MESSAGE, detail=text)
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
        return NoMediaFound(_NO_MEDIA_MESSAGE, detail=text)
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


def _downloaded_file(info: dict[str, Any], work: Path) -> Path:
    """The finished file yt-dlp wrote, checked to be inside ``work``."""
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
    raise NoMediaFound(_NO_MEDIA_MESSAGE, detail=f"no finished file in {work.name}")


def _remove_stale_temp_dirs(dest_dir: Path) -> None:
    """Remove temp folders a killed worker left behind (one download per project runs at a time)."""
    for stale in dest_dir.glob(f"{TEMP_PREFIX}*"):
        if stale.is_dir():
            log.info("removing stale download folder %s", stale)
            shutil.rmtree(stale, ignore_errors=True)


def _probe_duration(path: Path, cancel: CancelFn | None) -> float | None:
    """The container's duration in seconds, or None when ffprobe cannot read it as allowed media.

    Goes through :func:`~spaceclip.services.media.probe.ffprobe_json` (local files only, allow-listed
    demuxers, so a playlist or a page disguised as media is not opened).
    """
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
