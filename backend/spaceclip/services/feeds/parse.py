"""Read an RSS 2.0 or Atom podcast feed safely into :class:`ParsedFeed`.

A feed is hostile until parsed: it is read by :mod:`defusedxml` with entity declarations and
external references forbidden, so "billion laughs" expansion and external entities (a file on the
server, an address on the private network) are refused before anything is expanded or fetched. The
caller caps the document's size (:mod:`spaceclip.services.feeds.fetch`).

Each item keeps its enclosure only when it is audio or video (the declared type, or the file name's
type when none is declared); other items are listed with the reason they cannot be imported.
:func:`guid_changes` tells when a refresh gives episodes already seen new GUIDs, which would
otherwise import them again.
"""

from __future__ import annotations

import email.utils
import mimetypes
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException, EntitiesForbidden
from defusedxml import ElementTree as SafeET

from spaceclip.errors import FeedRefused

__all__ = ["Episode", "KnownEpisode", "ParsedFeed", "guid_changes", "parse_feed"]

MAX_EPISODES = 5000
MAX_TITLE = 300
ATOM = "{http://www.w3.org/2005/Atom}"

ENTITY_MESSAGE = (
    "This feed declares XML entities, which can expand to gigabytes when read (the 'billion laughs' attack). "
    "SpaceClip did not read it; ask the podcast's host to publish a plain RSS or Atom feed."
)
EXTERNAL_MESSAGE = (
    "This feed refers to an external entity or DTD (a file or address outside the feed), a known attack on "
    "XML readers. SpaceClip did not read it and fetched nothing; ask the podcast's host to fix the feed."
)
DTD_MESSAGE = (
    "This feed declares a DTD (<!DOCTYPE ...>), which podcast feeds never need and XML attacks use. SpaceClip "
    "did not read it; ask the podcast's host to publish a plain RSS or Atom feed."
)
NOT_MEDIA_PROBLEM = "Its enclosure is not audio or video ({kind}), so it cannot be imported."


@dataclass(frozen=True)
class Episode:
    """One feed item.

    Attributes:
        guid: the item's GUID (RSS ``guid``, Atom ``id``), or its enclosure address when it has none.
        title: the item's title (cut to 300 characters).
        enclosure_url: the audio or video file's address, None without an enclosure.
        enclosure_type: its MIME type as declared (or guessed from the file name).
        published: the publication time, if the feed gives a readable one.
        problem: why it cannot be imported (no enclosure, not audio/video), or None.
    """

    guid: str
    title: str
    enclosure_url: str | None
    enclosure_type: str | None
    published: datetime | None
    problem: str | None = None


@dataclass(frozen=True)
class ParsedFeed:
    """A feed's title and its items, in document order."""

    title: str
    episodes: tuple[Episode, ...]


def _text(el: Element | None) -> str:
    return "".join(el.itertext()).strip() if el is not None else ""


def _date(text: str) -> datetime | None:
    if not text:
        return None
    try:
        value = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        try:
            value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _media_problem(url: str | None, declared: str | None) -> tuple[str | None, str | None]:
    """(the type, a problem or None) for an enclosure."""
    if not url:
        return None, "It has no audio or video file (no enclosure), so it cannot be imported."
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        return declared, "Its enclosure is not an http:// or https:// link, so it cannot be imported."
    kind = (declared or "").split(";", 1)[0].strip().lower() or None
    if kind is None:
        kind = mimetypes.guess_type(urllib.parse.urlsplit(url).path)[0]
    if kind is None or kind.split("/", 1)[0] not in ("audio", "video"):
        return kind, NOT_MEDIA_PROBLEM.format(kind=kind or "no type given")
    return kind, None


def _episode(guid: str, title: str, url: str | None, declared: str | None, published: str) -> Episode:
    kind, problem = _media_problem(url, declared)
    return Episode(
        guid=(guid or url or title)[:1000],
        title=(title or "Untitled episode")[:MAX_TITLE],
        enclosure_url=url,
        enclosure_type=kind,
        published=_date(published),
        problem=problem,
    )


def _rss_items(channel: Element) -> Iterable[Episode]:
    for item in channel.iter("item"):
        enclosure = item.find("enclosure")
        url = (enclosure.get("url") or "").strip() or None if enclosure is not None else None
        declared = enclosure.get("type") if enclosure is not None else None
        yield _episode(_text(item.find("guid")), _text(item.find("title")), url, declared, _text(item.find("pubDate")))


def _atom_items(feed: Element) -> Iterable[Episode]:
    for entry in feed.iter(f"{ATOM}entry"):
        link = next((ln for ln in entry.iter(f"{ATOM}link") if ln.get("rel") == "enclosure"), None)
        url = (link.get("href") or "").strip() or None if link is not None else None
        declared = link.get("type") if link is not None else None
        published = _text(entry.find(f"{ATOM}published")) or _text(entry.find(f"{ATOM}updated"))
        yield _episode(_text(entry.find(f"{ATOM}id")), _text(entry.find(f"{ATOM}title")), url, declared, published)


def parse_feed(body: bytes) -> ParsedFeed:
    """Parse an RSS 2.0 or Atom document (already size-capped by the caller).

    Raises:
        FeedRefused: entity declarations ("billion laughs"), external entities or DTDs, malformed
            XML, or a document that is neither RSS nor Atom.
    """
    try:
        root = SafeET.fromstring(body, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except EntitiesForbidden as exc:
        raise FeedRefused(EXTERNAL_MESSAGE if exc.sysid else ENTITY_MESSAGE, detail=str(exc)) from None
    except DefusedXmlException as exc:  # ExternalReferenceForbidden, NotSupportedError
        raise FeedRefused(EXTERNAL_MESSAGE, detail=str(exc)) from None
    except ParseError as exc:
        raise FeedRefused(
            f"This is not a valid RSS or Atom feed (XML error at line {exc.position[0]}). Check that the link is "
            "the podcast's feed, not its web page.",
        ) from None
    if b"<!DOCTYPE" in body:
        # Entity-free, but a feed has no use for a DTD (an external one could be fetched by a laxer reader).
        raise FeedRefused(DTD_MESSAGE)
    if root.tag == "rss" and (channel := root.find("channel")) is not None:
        title, items = _text(channel.find("title")), _rss_items(channel)
    elif root.tag == f"{ATOM}feed":
        title, items = _text(root.find(f"{ATOM}title")), _atom_items(root)
    else:
        raise FeedRefused(
            "This document is XML but not an RSS or Atom feed. Check that the link is the podcast's feed."
        )
    episodes: list[Episode] = []
    seen: set[str] = set()
    for episode in items:
        if episode.guid in seen:  # a feed listing one item twice: keep the first
            continue
        seen.add(episode.guid)
        episodes.append(episode)
        if len(episodes) >= MAX_EPISODES:
            break
    return ParsedFeed(title=(title or "Untitled feed")[:MAX_TITLE], episodes=tuple(episodes))


@dataclass(frozen=True)
class KnownEpisode:
    """What was stored of an episode, to recognise it under another GUID."""

    title: str
    enclosure_url: str | None
    published: datetime | None


def guid_changes(known: Mapping[str, KnownEpisode], episodes: Iterable[Episode]) -> list[str]:
    """Titles of episodes already seen that the feed now lists under a new GUID.

    An episode is the same when an unknown GUID carries a stored episode's enclosure address, or its
    title and publication time, and that stored GUID is no longer in the feed.
    """
    episodes = list(episodes)
    present = {e.guid for e in episodes}
    gone = {guid: k for guid, k in known.items() if guid not in present}
    by_url: dict[str | None, str] = {k.enclosure_url: guid for guid, k in gone.items() if k.enclosure_url}
    by_title: dict[tuple[str, datetime | None], str] = {
        (k.title, k.published): guid for guid, k in gone.items() if k.published is not None
    }
    changed: list[str] = []
    for episode in episodes:
        if episode.guid in known:
            continue
        old = by_url.get(episode.enclosure_url) or by_title.get((episode.title, episode.published))
        if old is not None:
            changed.append(episode.title)
    return changed
