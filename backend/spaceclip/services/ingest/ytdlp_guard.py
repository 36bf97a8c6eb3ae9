"""yt-dlp's networking with the SSRF guard on every request, redirect and connection.

yt-dlp's request director is built with a single handler, :class:`_GuardedRH`, a subclass of its
urllib handler. Each request URL is checked; each redirect target is checked before it is
followed; and each TCP connection is made by :meth:`_GuardedRH._connect`, which resolves the host
through the guard (:mod:`spaceclip.services.ingest.urlguard`) and connects only to the vetted
addresses (no second DNS lookup, so DNS rebinding cannot swap in a private address). Proxies,
``ftp:`` and ``file:`` are not supported by this handler, and no other handler (requests,
curl_cffi, websockets) is registered.

:class:`GuardedYoutubeDL` also lets only yt-dlp's native downloaders (HTTP, HLS, DASH) run: they
fetch through that handler, where an external downloader would open URLs itself.
"""

from __future__ import annotations

import functools
import http.client
import logging
import socket
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

import yt_dlp
from yt_dlp.downloader import get_suitable_downloader
from yt_dlp.downloader.dash import DashSegmentsFD
from yt_dlp.downloader.hls import HlsFD
from yt_dlp.downloader.http import HttpFD
from yt_dlp.networking import _urllib as ytdlp_urllib
from yt_dlp.networking.common import Request as YtdlpRequest

from spaceclip.errors import UrlRefused
from spaceclip.services.ingest.urlguard import connect_vetted
from spaceclip.services.ingest.ytdlp_state import Abort, DownloadState

log = logging.getLogger(__name__)

__all__ = ["GuardedYoutubeDL"]

_NATIVE_DOWNLOADERS = (HttpFD, HlsFD, DashSegmentsFD)


class _GuardedRedirectHandler(ytdlp_urllib.RedirectHandler):  # type: ignore[misc]
    def __init__(self, state: DownloadState) -> None:
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

    def __init__(self, *, state: DownloadState, **kwargs: Any) -> None:
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
        return connect_vetted(infos, timeout, source_address)

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


class GuardedYoutubeDL(yt_dlp.YoutubeDL):  # type: ignore[misc]
    """YoutubeDL whose only request handler is :class:`_GuardedRH` and whose downloaders are native."""

    def __init__(self, params: dict[str, Any], state: DownloadState) -> None:
        self._spaceclip_state = state
        super().__init__(params)

    def build_request_director(self, handlers: Any, preferences: Any = None) -> Any:
        guarded = functools.partial(_GuardedRH, state=self._spaceclip_state)
        return super().build_request_director([guarded], None)

    def dl(self, name: str, info: dict[str, Any], subtitle: bool = False, test: bool = False) -> Any:
        downloader = get_suitable_downloader(info, self.params, to_stdout=(name == "-"))
        if downloader not in _NATIVE_DOWNLOADERS:
            self._spaceclip_state.unsafe_downloader = getattr(downloader, "__name__", str(downloader))
            raise Abort("only native downloaders are allowed")
        return super().dl(name, info, subtitle=subtitle, test=test)
