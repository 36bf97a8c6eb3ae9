"""Feeds are hostile until parsed: each hostile feed is refused with its message, and a canary
server on loopback receives no request. Real HTTP servers on 127.0.0.1, the real SSRF guard."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from spaceclip.errors import FeedRefused, PrivateAddressRefused, UrlRefused
from spaceclip.services.feeds.fetch import FeedGone, fetch_feed
from spaceclip.services.feeds.parse import (
    DTD_MESSAGE,
    ENTITY_MESSAGE,
    EXTERNAL_MESSAGE,
    KnownEpisode,
    guid_changes,
    parse_feed,
)
from spaceclip.services.ingest.urlguard import UrlGuard
from tests.feeds import BILLION_LAUGHS, RSS_TYPE, atom, canary, external_dtd, external_entity, item, rss
from tests.ingest import LoopbackServer

MB = 1024 * 1024
CAP = 10 * MB


@pytest.fixture
def watch() -> Iterator[LoopbackServer]:
    server = canary()
    yield server
    server.close()


def strict_guard(server: LoopbackServer) -> UrlGuard:
    """Loopback refused like any private address, except the feed server itself (a stand-in for a
    public host): the canary, on another loopback port, counts as private."""
    return UrlGuard(allowed_endpoints=[server.endpoint])


def read(server: LoopbackServer, path: str) -> object:
    fetched = fetch_feed(server.url(path), strict_guard(server), max_bytes=CAP, timeout_s=10)
    return parse_feed(fetched.body)


def test_rss_and_atom_are_read() -> None:
    base = "http://cdn.example/media"
    feed = parse_feed(rss(item(1, base), item(2, base, kind="video/mp4"), item(3, base, kind="application/pdf")))
    assert feed.title == "Loopback Show"
    assert [(e.guid, e.title, e.enclosure_type) for e in feed.episodes] == [
        ("ep-1", "Episode 1", "audio/wav"),
        ("ep-2", "Episode 2", "video/mp4"),
        ("ep-3", "Episode 3", "application/pdf"),
    ]
    assert feed.episodes[0].published == datetime(2026, 11, 1, 10, tzinfo=UTC)
    assert [e.problem for e in feed.episodes[:2]] == [None, None]
    assert (
        feed.episodes[2].problem == "Its enclosure is not audio or video (application/pdf), so it cannot be imported."
    )

    entries = parse_feed(atom(base)).episodes
    assert [(e.guid, e.enclosure_url, e.enclosure_type, e.problem) for e in entries] == [
        ("urn:uuid:1", f"{base}/a1.mp3", "audio/mpeg", None),
        ("urn:uuid:2", f"{base}/a2.mp4", "video/mp4", None),  # type guessed from the file name
    ]
    assert entries[1].published == datetime(2026, 11, 3, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kind", "path", "problem"),
    [
        ("text/html", "/ep.html", "not audio or video (text/html)"),
        ("application/x-sh", "/run.sh", "not audio or video (application/x-sh)"),
        ("image/png", "/cover.png", "not audio or video (image/png)"),
        ("", "/file.unknownext", "not audio or video (no type given)"),
    ],
)
def test_enclosure_that_is_not_audio_or_video_cannot_be_imported(kind: str, path: str, problem: str) -> None:
    (episode,) = parse_feed(rss(item(1, "http://cdn.example", kind=kind, path=path))).episodes
    assert episode.problem is not None and problem in episode.problem


def test_enclosure_with_another_scheme_cannot_be_imported() -> None:
    body = rss("<item><title>x</title><guid>g</guid><enclosure url='file:///etc/passwd' type='audio/mpeg'/></item>")
    assert "not an http:// or https:// link" in (parse_feed(body).episodes[0].problem or "")


def test_billion_laughs_is_refused_before_expansion(watch: LoopbackServer) -> None:
    server = LoopbackServer({"/feed.xml": (BILLION_LAUGHS, RSS_TYPE)})
    try:
        with pytest.raises(FeedRefused) as caught:
            read(server, "/feed.xml")
    finally:
        server.close()
    assert caught.value.user_message == ENTITY_MESSAGE and "billion laughs" in ENTITY_MESSAGE


def test_external_entities_and_dtds_are_refused_and_never_fetched(watch: LoopbackServer) -> None:
    docs = {
        "/xxe-http.xml": (external_entity(watch.url("/secret")), EXTERNAL_MESSAGE),
        "/xxe-file.xml": (external_entity("file:///etc/passwd"), EXTERNAL_MESSAGE),
        "/dtd.xml": (external_dtd(watch.url("/x.dtd")), DTD_MESSAGE),
    }
    server = LoopbackServer({path: (body, RSS_TYPE) for path, (body, _m) in docs.items()})
    try:
        for path, (_body, message) in docs.items():
            with pytest.raises(FeedRefused) as caught:
                read(server, path)
            assert caught.value.user_message == message, path
            assert "passwd" not in str(caught.value) or path == "/xxe-file.xml"
    finally:
        server.close()
    assert watch.hits == [], "the canary was asked for something"


def test_a_50_mb_feed_is_refused_before_it_is_read() -> None:
    big = b"<rss version='2.0'><channel>" + b" " * (50 * MB) + b"</channel></rss>"
    server = LoopbackServer(
        {"/big.xml": (big, RSS_TYPE), "/big-stream.xml": (big, RSS_TYPE)}, streamed={"/big-stream.xml"}
    )
    try:
        with pytest.raises(FeedRefused, match=r"larger than 10 MB \(it says 52\.4 MB\)"):
            read(server, "/big.xml")
        with pytest.raises(FeedRefused, match="larger than 10 MB, more than any podcast feed needs"):
            read(server, "/big-stream.xml")  # no Content-Length: stopped while streaming
    finally:
        server.close()


@pytest.mark.parametrize("private", ["CANARY", "http://10.0.0.1/feed", "http://169.254.169.254/latest/meta-data/"])
def test_a_redirect_to_a_private_address_is_refused(watch: LoopbackServer, private: str) -> None:
    target = watch.url("/secret") if private == "CANARY" else private
    server = LoopbackServer(redirects={"/feed.xml": (302, target), "/hop": (301, "/feed.xml")})
    try:
        with pytest.raises(PrivateAddressRefused, match="private network address"):
            read(server, "/hop")
        assert server.hits == ["GET /hop", "GET /feed.xml"]
    finally:
        server.close()
    assert watch.hits == []


def test_the_feed_itself_on_a_private_address_or_odd_scheme_is_refused(watch: LoopbackServer) -> None:
    for url in (watch.url("/secret"), "http://192.168.1.1/feed", "file:///etc/passwd", "ftp://example.com/f"):
        with pytest.raises(UrlRefused):
            fetch_feed(url, UrlGuard(), max_bytes=CAP, timeout_s=5)
    assert watch.hits == []


def test_a_feed_that_is_gone_or_not_a_feed() -> None:
    server = LoopbackServer(
        {"/page": (b"<html><body>hi</body></html>", "text/html"), "/junk": (b"not xml", "text/plain")}
    )
    try:
        with pytest.raises(FeedGone, match="The feed is gone: its address answers HTTP 404"):
            read(server, "/missing.xml")
        with pytest.raises(FeedRefused, match="XML but not an RSS or Atom feed"):
            read(server, "/page")
        with pytest.raises(FeedRefused, match="not a valid RSS or Atom feed"):
            read(server, "/junk")
    finally:
        server.close()


def test_guid_changes_are_detected() -> None:
    base = "http://cdn.example"
    first = parse_feed(rss(item(1, base), item(2, base), item(3, base))).episodes
    known = {e.guid: KnownEpisode(e.title, e.enclosure_url, e.published) for e in first}
    same = parse_feed(rss(item(1, base), item(2, base), item(3, base), item(4, base))).episodes
    assert guid_changes(known, same) == [], "a new episode is not a changed GUID"
    renamed = parse_feed(rss(item(1, base, guid="new-1"), item(2, base, guid="new-2"), item(3, base))).episodes
    assert guid_changes(known, renamed) == ["Episode 1", "Episode 2"]
    moved = parse_feed(rss(item(1, base, guid="x", path="/moved.wav"), item(2, base), item(3, base))).episodes
    assert guid_changes(known, moved) == ["Episode 1"], "same title and date under a new GUID"
