"""Fetch a podcast feed document through the SSRF guard, with a size cap and a time limit.

Every hop (the feed's address and each redirect) is checked by
:class:`~spaceclip.services.ingest.urlguard.UrlGuard`, and each TCP connection goes to exactly the
addresses the guard vetted (no second DNS lookup, as in ``ytdlp_guard``). The body is refused
before it is read when its ``Content-Length`` is over the cap, and while it streams otherwise, so a
50 MB feed never lands in memory. Nothing but ``http``/``https`` is ever opened.
"""

from __future__ import annotations

import http.client
import logging
import socket
import ssl
import urllib.parse
from dataclasses import dataclass

from spaceclip.errors import FeedRefused
from spaceclip.services.ingest.urlguard import AddrInfo, UrlGuard, connect_vetted

log = logging.getLogger(__name__)

__all__ = ["FeedGone", "FetchedFeed", "fetch_feed"]

MAX_REDIRECTS = 5
CHUNK = 64 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_GONE = frozenset({404, 410})
HEADERS = {
    "User-Agent": "SpaceClip feed reader",
    "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1",
    "Accept-Encoding": "identity",
}


class FeedGone(FeedRefused):
    """The feed's address answers 404 or 410: the feed was taken down or moved without a redirect."""


@dataclass(frozen=True)
class FetchedFeed:
    """A feed document as fetched.

    Attributes:
        url: the address it finally came from (after redirects).
        body: the raw bytes, at most the cap.
    """

    url: str
    body: bytes


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, infos: list[AddrInfo], timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._infos = infos

    def connect(self) -> None:
        self.sock = connect_vetted(self._infos, self.timeout, None)


class _PinnedHTTPS(http.client.HTTPSConnection, _PinnedHTTP):
    # HTTPSConnection.connect calls super().connect() (here _PinnedHTTP.connect), then wraps the socket
    # with TLS for the host name, so certificates are still checked against the name in the link.
    def __init__(self, host: str, port: int, infos: list[AddrInfo], timeout: float) -> None:
        http.client.HTTPSConnection.__init__(self, host, port, timeout=timeout, context=ssl.create_default_context())
        self._infos = infos


def _too_large(max_bytes: int, size: int | None = None) -> FeedRefused:
    told = f" (it says {size / 1e6:.1f} MB)" if size is not None else ""
    return FeedRefused(
        f"This feed is larger than {max_bytes // (1024 * 1024)} MB{told}, more than any podcast feed needs, so "
        "SpaceClip did not read it. Check that the link is the podcast's RSS feed, not a media file.",
    )


def _read_capped(resp: http.client.HTTPResponse, max_bytes: int) -> bytes:
    length = resp.getheader("Content-Length")
    if length is not None and length.strip().isdigit() and int(length) > max_bytes:
        raise _too_large(max_bytes, int(length))
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = resp.read(CHUNK)
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > max_bytes:
            raise _too_large(max_bytes)
        chunks.append(chunk)


def _open(guard: UrlGuard, url: str, timeout_s: float) -> http.client.HTTPConnection:
    vetted = guard.check_url(url, resolve=False)
    infos = guard.resolve(vetted.host, vetted.port)
    kind = _PinnedHTTPS if vetted.scheme == "https" else _PinnedHTTP
    return kind(vetted.host, vetted.port, infos, timeout_s)


def fetch_feed(url: str, guard: UrlGuard, *, max_bytes: int, timeout_s: float) -> FetchedFeed:
    """GET ``url`` through ``guard``, following at most :data:`MAX_REDIRECTS` vetted redirects.

    Raises:
        UrlRefused: the link or a redirect target is refused by the guard (nothing is sent to it).
        FeedGone: the feed answers 404 or 410.
        FeedRefused: too large, another HTTP error, too many redirects, or the server cannot be reached.
    """
    for _hop in range(MAX_REDIRECTS + 1):
        conn = _open(guard, url, timeout_s)
        try:
            parts = urllib.parse.urlsplit(url)
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            conn.request("GET", target, headers=HEADERS)
            resp = conn.getresponse()
            if resp.status in _REDIRECTS:
                location = resp.getheader("Location")
                if not location:
                    raise FeedRefused("The feed's server sent a redirect without an address. Check the feed's link.")
                url = urllib.parse.urljoin(url, location.strip())
                log.info("feed redirect -> %s", url)
                continue
            if resp.status in _GONE:
                raise FeedGone(
                    f"The feed is gone: its address answers HTTP {resp.status}. The episodes already imported are "
                    "kept; ask the podcast for its new feed address and add that.",
                )
            if resp.status != 200:
                raise FeedRefused(
                    f"The feed's server answered HTTP {resp.status}. Try again later, or check the feed's link.",
                )
            return FetchedFeed(url=url, body=_read_capped(resp, max_bytes))
        except (OSError, http.client.HTTPException) as exc:
            timed_out = isinstance(exc, socket.timeout | TimeoutError)
            raise FeedRefused(
                "The feed's server did not answer in time. Try again later."
                if timed_out
                else "The feed's server could not be reached. Check the link and try again later.",
                detail=str(exc),
            ) from None
        finally:
            conn.close()
    raise FeedRefused(f"The feed redirected more than {MAX_REDIRECTS} times. Check the feed's link.")
