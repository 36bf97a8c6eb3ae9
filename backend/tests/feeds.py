"""Shared by the feed tests: RSS/Atom documents, hostile ones, and a canary server.

Every server here listens on 127.0.0.1 only; the canary records any request it gets, which for a
hostile feed must be none.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from tests.ingest import LoopbackServer

RSS_TYPE = "application/rss+xml"


def item(n: int, base: str, *, guid: str | None = None, kind: str = "audio/wav", path: str | None = None) -> str:
    """One RSS item for episode ``n`` with its enclosure at ``base`` + ``/ep<n>.wav``."""
    url = base + (path or f"/ep{n}.wav")
    return (
        f"<item><title>Episode {n}</title><guid isPermaLink='false'>{escape(guid or f'ep-{n}')}</guid>"
        f"<pubDate>Mon, 0{n} Nov 2026 10:00:00 +0000</pubDate>"
        f"<enclosure url='{escape(url)}' type='{kind}' length='1000'/></item>"
    )


def rss(*items: str, title: str = "Loopback Show") -> bytes:
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0' "
        "xmlns:itunes='http://www.itunes.com/dtds/podcast-1.0.dtd'>"
        f"<channel><title>{escape(title)}</title>{''.join(items)}</channel></rss>"
    ).encode()


def atom(base: str) -> bytes:
    return (
        "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'><title>Atom Show</title>"
        "<entry><id>urn:uuid:1</id><title>Atom one</title><published>2026-11-02T10:00:00Z</published>"
        f"<link rel='enclosure' href='{base}/a1.mp3' type='audio/mpeg'/></entry>"
        "<entry><id>urn:uuid:2</id><title>Atom two</title><updated>2026-11-03T10:00:00Z</updated>"
        f"<link rel='alternate' href='{base}/page'/><link rel='enclosure' href='{base}/a2.mp4'/></entry>"
        "</feed>"
    ).encode()


BILLION_LAUGHS = (
    b"<?xml version='1.0'?><!DOCTYPE rss [<!ENTITY lol 'lol'>"
    + b"".join(
        f"<!ENTITY lol{i} '{('&lol' + (str(i - 1) if i > 1 else '') + ';') * 10}'>".encode() for i in range(1, 10)
    )
    + b"]><rss version='2.0'><channel><title>&lol9;</title></channel></rss>"
)


def external_entity(target: str) -> bytes:
    return (
        f"<?xml version='1.0'?><!DOCTYPE rss [<!ENTITY xxe SYSTEM '{target}'>]>"
        "<rss version='2.0'><channel><title>&xxe;</title></channel></rss>"
    ).encode()


def external_dtd(target: str) -> bytes:
    return (
        f"<?xml version='1.0'?><!DOCTYPE rss SYSTEM '{target}'>"
        "<rss version='2.0'><channel><title>DTD</title></channel></rss>"
    ).encode()


def canary() -> LoopbackServer:
    """A server that must never be asked for anything: it records every request."""
    return LoopbackServer({"/secret": (b"canary secret", "text/plain"), "/x.dtd": (b"<!ENTITY a 'b'>", "text/plain")})
