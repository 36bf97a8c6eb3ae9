"""Podcast feeds: follow a feed, keep its episode list, import episodes as projects (once each).

A feed is fetched through the SSRF guard (:mod:`spaceclip.services.feeds.fetch`) and parsed safely
(:mod:`spaceclip.services.feeds.parse`) with no database transaction open; what was read is then
written in one transaction. Adding a feed that cannot be read stores nothing. A feed that later
breaks (gone, hostile, rewritten GUIDs) keeps its stored episodes and imported projects; its
``status`` becomes ``error`` with the reason in ``last_error``.

Exactly once: an episode is a row keyed ``UNIQUE(feed_id, guid)``; importing it claims the row with
``UPDATE ... SET imported_at = now WHERE imported_at IS NULL`` in the transaction that writes the
Project and its queued ``analyze`` Job, so two workers (or a worker and a click) can never both
import it, and a restarted worker finds it already imported.

Auto-import (:func:`poll_due_feeds`, run by the worker's maintenance loop) is bounded: at most
:data:`FEEDS_PER_PASS` due feeds per pass, each claimed by moving its ``next_check_at`` forward
first, and at most :data:`IMPORTS_PER_FEED` episodes per feed per pass.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from spaceclip.config import Settings
from spaceclip.db import Database, transactional
from spaceclip.errors import Conflict, FeedRefused, NotFound, UrlRefused, ValidationFailed
from spaceclip.models.schemas import ProjectUrlCreate
from spaceclip.models.tables import Feed, FeedEpisode, FeedStatus, Project, utcnow
from spaceclip.services.feeds.fetch import fetch_feed
from spaceclip.services.feeds.parse import KnownEpisode, ParsedFeed, guid_changes, parse_feed
from spaceclip.services.ingest.urlguard import UrlGuard
from spaceclip.usecases.ingest import create_url_project

log = logging.getLogger(__name__)

__all__ = [
    "FEEDS_PER_PASS",
    "IMPORTS_PER_FEED",
    "Imported",
    "add_feed",
    "delete_feed",
    "episode_counts",
    "get_feed",
    "import_episodes",
    "list_episodes",
    "list_feeds",
    "poll_due_feeds",
    "refresh_feed",
    "update_feed",
]

FEEDS_PER_PASS = 5
IMPORTS_PER_FEED = 5
MAX_FEEDS_PER_USER = 200


@dataclass
class Imported:
    """Projects (and their queued jobs: enqueue them) made by an import, and what was skipped."""

    project_ids: list[str] = field(default_factory=list)
    job_ids: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _read(url: str, settings: Settings, guard: UrlGuard | None) -> ParsedFeed:
    guard = guard or UrlGuard.from_settings(settings)
    fetched = fetch_feed(url, guard, max_bytes=settings.feed_max_mb * 1024 * 1024, timeout_s=settings.feed_timeout_s)
    return parse_feed(fetched.body)


def _new_episode(feed_id: str, episode: Any) -> FeedEpisode:
    return FeedEpisode(
        feed_id=feed_id,
        guid=episode.guid,
        title=episode.title,
        enclosure_url=episode.enclosure_url,
        enclosure_type=episode.enclosure_type,
        published_at=episode.published,
        problem=episode.problem,
    )


def add_feed(db: Session, owner_id: str, url: str, settings: Settings, *, guard: UrlGuard | None = None) -> Feed:
    """Fetch and parse the feed at ``url``, then store it with its episodes (none imported yet).

    Raises:
        UrlRefused: the SSRF guard refused the link or a redirect (nothing fetched from it).
        FeedRefused: the feed is gone, too large, hostile XML or not a feed (nothing stored).
        Conflict: the owner already follows this feed.
    """
    url = url.strip()
    (guard or UrlGuard.from_settings(settings)).check_url(url)
    if db.scalar(select(Feed.id).where(Feed.owner_id == owner_id, Feed.url == url)) is not None:
        raise Conflict("You already follow this feed. Open it in the list of feeds.")
    if (db.scalar(select(func.count()).select_from(Feed).where(Feed.owner_id == owner_id)) or 0) >= MAX_FEEDS_PER_USER:
        raise ValidationFailed(f"You follow {MAX_FEEDS_PER_USER} feeds, the most allowed. Delete one to add another.")
    db.rollback()  # no transaction open while the feed downloads
    parsed = _read(url, settings, guard)
    try:
        now = utcnow()
        feed = Feed(owner_id=owner_id, url=url, title=parsed.title, status=FeedStatus.OK, last_checked_at=now)
        db.add(feed)
        db.flush()
        db.add_all(_new_episode(feed.id, e) for e in parsed.episodes)
        db.commit()
    except IntegrityError:
        db.rollback()
        raise Conflict("You already follow this feed. Open it in the list of feeds.") from None
    except BaseException:
        db.rollback()
        raise
    return feed


def get_feed(db: Session, owner_id: str, feed_id: str) -> Feed:
    """The owner's feed; another user's id is :class:`NotFound`."""
    feed = db.get(Feed, feed_id)
    if feed is None or feed.owner_id != owner_id:
        raise NotFound("This feed does not exist (or was deleted).")
    return feed


def list_feeds(db: Session, owner_id: str) -> Sequence[Feed]:
    """The owner's feeds, newest first."""
    return db.scalars(select(Feed).where(Feed.owner_id == owner_id).order_by(Feed.created_at.desc())).all()


def episode_counts(db: Session, feed_ids: Sequence[str]) -> dict[str, int]:
    """How many episodes each feed lists."""
    if not feed_ids:
        return {}
    rows = db.execute(
        select(FeedEpisode.feed_id, func.count()).where(FeedEpisode.feed_id.in_(feed_ids)).group_by(FeedEpisode.feed_id)
    )
    return {feed_id: count for feed_id, count in rows}


def list_episodes(db: Session, feed: Feed) -> Sequence[FeedEpisode]:
    """The feed's episodes, newest first (by publication time, then by when first seen)."""
    return db.scalars(
        select(FeedEpisode)
        .where(FeedEpisode.feed_id == feed.id)
        .order_by(FeedEpisode.published_at.desc().nulls_last(), FeedEpisode.first_seen_at.desc())
    ).all()


@transactional
def update_feed(db: Session, feed: Feed, changes: dict[str, Any]) -> Feed:
    """Turn auto-import on (episodes first seen from now on are imported) or off; set the recipe."""
    if "recipe" in changes and changes["recipe"] is not None:
        feed.recipe = changes["recipe"]
    if changes.get("auto_import") is not None and changes["auto_import"] != feed.auto_import:
        feed.auto_import = bool(changes["auto_import"])
        feed.auto_import_since = utcnow() if feed.auto_import else None
        feed.next_check_at = utcnow() if feed.auto_import else None
    return feed


@transactional
def delete_feed(db: Session, feed: Feed) -> None:
    """Stop following the feed; projects imported from it stay."""
    db.delete(feed)


def _fail(db: Session, feed_id: str, message: str) -> None:
    db.rollback()
    db.execute(
        update(Feed)
        .where(Feed.id == feed_id)
        .values(status=FeedStatus.ERROR, last_error=message, last_checked_at=utcnow())
    )
    db.commit()


def _guid_change_message(titles: list[str]) -> str:
    return (
        f"The feed gave {len(titles)} episode(s) it had already published a new GUID (first: {titles[0]!r}). "
        "SpaceClip kept the episodes it had and imported nothing, so nothing is imported twice. If the podcast "
        "really re-published its episodes, delete this feed and add it again."
    )


def refresh_feed(db: Session, feed: Feed, settings: Settings, *, guard: UrlGuard | None = None) -> list[FeedEpisode]:
    """Fetch the feed again and store the episodes it did not list before.

    A feed that cannot be read, or that rewrote the GUIDs of episodes already stored, is left as it
    was apart from ``status = error`` and ``last_error``; nothing it lists is stored.

    Returns:
        The episodes new in this refresh (empty when it failed).
    """
    feed_id, url = feed.id, feed.url
    db.rollback()  # no transaction open while the feed downloads
    try:
        parsed = _read(url, settings, guard)
    except (FeedRefused, UrlRefused) as exc:
        log.info("feed %s: %s", feed_id, exc)
        _fail(db, feed_id, exc.user_message)
        return []
    known = {
        row.guid: KnownEpisode(row.title, row.enclosure_url, row.published_at)
        for row in db.scalars(select(FeedEpisode).where(FeedEpisode.feed_id == feed_id))
    }
    changed = guid_changes(known, parsed.episodes)
    if changed:
        log.info("feed %s: %d episode GUIDs changed; refresh refused", feed_id, len(changed))
        _fail(db, feed_id, _guid_change_message(changed))
        return []
    fresh = [_new_episode(feed_id, e) for e in parsed.episodes if e.guid not in known]
    try:
        db.add_all(fresh)
        db.execute(
            update(Feed)
            .where(Feed.id == feed_id)
            .values(title=parsed.title, status=FeedStatus.OK, last_error=None, last_checked_at=utcnow())
        )
        db.commit()
    except IntegrityError:  # another worker stored the same new episodes first: theirs stand
        db.rollback()
        return []
    return fresh


def _import_one(db: Session, owner_id: str, episode: FeedEpisode, settings: Settings) -> tuple[str, str] | None:
    """Claim and import one episode; (project id, job id), or None when it was already imported."""
    if episode.problem:
        raise ValidationFailed(episode.problem)
    if not episode.enclosure_url:
        raise ValidationFailed("This episode has no audio or video file to import.")
    episode_id, title, url = episode.id, episode.title, episode.enclosure_url
    db.rollback()
    claimed = db.execute(
        update(FeedEpisode)
        .where(FeedEpisode.id == episode_id, FeedEpisode.imported_at.is_(None))
        .values(imported_at=utcnow())
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        db.rollback()
        return None

    def link(project: Project) -> None:
        db.execute(update(FeedEpisode).where(FeedEpisode.id == episode_id).values(project_id=project.id))

    try:
        project, job = create_url_project(
            db, owner_id, ProjectUrlCreate(url=url, name=title), settings, before_commit=link
        )
    except BaseException:
        db.rollback()
        raise
    log.info("feed episode %s imported as project %s", episode_id, project.id)
    return project.id, job.id


def import_episodes(db: Session, feed: Feed, settings: Settings, episode_ids: Sequence[str] | None = None) -> Imported:
    """Import the given episodes of ``feed`` (all not yet imported when ``episode_ids`` is None).

    Raises:
        NotFound: an episode id is not one of this feed's.
        ValidationFailed / UrlRefused: importing one episode asked for by id that cannot be imported.
        Conflict: the one episode asked for is already imported.
    """
    query = select(FeedEpisode).where(FeedEpisode.feed_id == feed.id)
    if episode_ids is not None:
        query = query.where(FeedEpisode.id.in_(episode_ids))
    else:
        query = query.where(FeedEpisode.imported_at.is_(None), FeedEpisode.problem.is_(None))
    episodes = list(db.scalars(query.order_by(FeedEpisode.published_at.asc().nulls_first())))
    if episode_ids is not None and len(episodes) != len(set(episode_ids)):
        raise NotFound("This episode is not in this feed (it may have been deleted with the feed).")
    return _import_many(db, feed.owner_id, episodes, settings, single=episode_ids is not None and len(episode_ids) == 1)


def _import_many(
    db: Session, owner_id: str, episodes: Sequence[FeedEpisode], settings: Settings, *, single: bool
) -> Imported:
    result = Imported()
    for episode in episodes:
        title = episode.title
        try:
            made = _import_one(db, owner_id, episode, settings)
        except (ValidationFailed, UrlRefused) as exc:
            if single:
                raise
            result.skipped.append(f"{title}: {exc.user_message}")
            continue
        if made is None:
            if single:
                raise Conflict("This episode is already imported. Open its project in the list of projects.")
            result.skipped.append(f"{title}: already imported")
            continue
        result.project_ids.append(made[0])
        result.job_ids.append(made[1])
    return result


def _claim_due(db: Session, settings: Settings) -> list[str]:
    now = utcnow()
    due = db.scalars(
        select(Feed.id)
        .where(Feed.auto_import.is_(True), or_(Feed.next_check_at.is_(None), Feed.next_check_at <= now))
        .order_by(Feed.next_check_at.asc().nulls_first())
        .limit(FEEDS_PER_PASS)
    ).all()
    claimed: list[str] = []
    for feed_id in due:
        moved = db.execute(
            update(Feed)
            .where(Feed.id == feed_id, or_(Feed.next_check_at.is_(None), Feed.next_check_at <= now))
            .values(next_check_at=now + timedelta(seconds=settings.feed_poll_s))
        )
        db.commit()
        if moved.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append(feed_id)
    return claimed


def _auto_import(db: Session, feed_id: str, settings: Settings) -> list[str]:
    feed = db.get(Feed, feed_id)
    if feed is None or not feed.auto_import:
        return []
    refresh_feed(db, feed, settings)
    feed = db.get(Feed, feed_id)
    if feed is None or feed.status == FeedStatus.ERROR or feed.auto_import_since is None:
        return []
    pending = db.scalars(
        select(FeedEpisode)
        .where(
            FeedEpisode.feed_id == feed_id,
            FeedEpisode.imported_at.is_(None),
            FeedEpisode.problem.is_(None),
            FeedEpisode.first_seen_at >= feed.auto_import_since,
        )
        .order_by(FeedEpisode.first_seen_at.asc())
        .limit(IMPORTS_PER_FEED)
    ).all()
    result = _import_many(db, feed.owner_id, pending, settings, single=False)
    for note in result.skipped:
        log.info("feed %s auto-import skipped %s", feed_id, note)
    return result.job_ids


def poll_due_feeds(database: Database, settings: Settings) -> list[str]:
    """One bounded auto-import pass: refresh due feeds and import their new episodes.

    Returns:
        The ids of the queued jobs it created (the caller enqueues them; a job lost between commit and
        enqueue is redelivered by the worker's maintenance).
    """
    job_ids: list[str] = []
    with database.session() as db:
        for feed_id in _claim_due(db, settings):
            try:
                job_ids += _auto_import(db, feed_id, settings)
            except (ValidationFailed, UrlRefused, Conflict, NotFound) as exc:
                log.info("feed %s auto-import: %s", feed_id, exc)
                db.rollback()
    return job_ids
