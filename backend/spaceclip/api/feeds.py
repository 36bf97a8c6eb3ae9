"""Routes: podcast feeds — follow one, see its status and episodes, import episodes, auto-import."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from spaceclip.api.deps import CurrentUser, DbSession, QueueDep, SettingsDep
from spaceclip.api.responses import errors
from spaceclip.models.feed_schemas import FeedCreate, FeedEpisodePublic, FeedImported, FeedPublic, FeedUpdate
from spaceclip.models.tables import Feed
from spaceclip.usecases import feeds

router = APIRouter(prefix="/api/feeds", tags=["feeds"])


class FeedImport(BaseModel):
    """Body of ``POST /api/feeds/{id}/import``: the episodes to import (all not yet imported when null)."""

    episode_ids: list[str] | None = Field(default=None, max_length=500)


def _public(feed: Feed, count: int) -> FeedPublic:
    public = FeedPublic.model_validate(feed)
    public.episode_count = count
    return public


def _one(db: DbSession, feed: Feed) -> FeedPublic:
    return _public(feed, feeds.episode_counts(db, [feed.id]).get(feed.id, 0))


@router.get("", response_model=list[FeedPublic])
def list_feeds(user: CurrentUser, db: DbSession) -> list[FeedPublic]:
    """The feeds you follow, newest first, each with its status and last error."""
    rows = feeds.list_feeds(db, user.id)
    counts = feeds.episode_counts(db, [f.id for f in rows])
    return [_public(f, counts.get(f.id, 0)) for f in rows]


@router.post("", response_model=FeedPublic, status_code=201, responses=errors(409))
def add_feed(body: FeedCreate, user: CurrentUser, db: DbSession, settings: SettingsDep) -> FeedPublic:
    """Follow an RSS or Atom feed: fetched now (SSRF-guarded, size-capped, parsed safely); nothing is imported."""
    return _one(db, feeds.add_feed(db, user.id, body.url, settings))


@router.get("/{feed_id}", response_model=FeedPublic)
def get_feed(feed_id: str, user: CurrentUser, db: DbSession) -> FeedPublic:
    """One feed with its status and last error."""
    return _one(db, feeds.get_feed(db, user.id, feed_id))


@router.patch("/{feed_id}", response_model=FeedPublic)
def update_feed(feed_id: str, body: FeedUpdate, user: CurrentUser, db: DbSession) -> FeedPublic:
    """Turn auto-import on or off (new episodes from now on) and set its recipe."""
    feed = feeds.update_feed(db, feeds.get_feed(db, user.id, feed_id), body.model_dump(exclude_unset=True))
    return _one(db, feed)


@router.delete("/{feed_id}", status_code=204, response_class=Response)
def delete_feed(feed_id: str, user: CurrentUser, db: DbSession) -> Response:
    """Stop following a feed; the projects imported from it stay."""
    feeds.delete_feed(db, feeds.get_feed(db, user.id, feed_id))
    return Response(status_code=204)


@router.post("/{feed_id}/refresh", response_model=FeedPublic)
def refresh_feed(feed_id: str, user: CurrentUser, db: DbSession, settings: SettingsDep) -> FeedPublic:
    """Fetch the feed again; a feed that fails keeps its episodes and shows status error with the reason."""
    feed = feeds.get_feed(db, user.id, feed_id)
    feeds.refresh_feed(db, feed, settings)
    return _one(db, feeds.get_feed(db, user.id, feed_id))


@router.get("/{feed_id}/episodes", response_model=list[FeedEpisodePublic])
def list_feed_episodes(feed_id: str, user: CurrentUser, db: DbSession) -> list[FeedEpisodePublic]:
    """The feed's episodes, newest first, with the project each was imported as."""
    episodes = feeds.list_episodes(db, feeds.get_feed(db, user.id, feed_id))
    return [FeedEpisodePublic.model_validate(e) for e in episodes]


@router.post("/{feed_id}/import", response_model=FeedImported, status_code=202, responses=errors(409))
def import_feed_episodes(
    feed_id: str, body: FeedImport, user: CurrentUser, db: DbSession, settings: SettingsDep, queue: QueueDep
) -> FeedImported:
    """Import one episode, some, or all not yet imported: a project and a queued analysis job for each."""
    result = feeds.import_episodes(db, feeds.get_feed(db, user.id, feed_id), settings, body.episode_ids)
    for job_id in result.job_ids:
        queue.enqueue(job_id)
    return FeedImported(project_ids=result.project_ids, job_ids=result.job_ids, skipped=result.skipped)
