"""API shapes of podcast feeds, their episodes and the auto-import recipe."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from spaceclip.models.render_keys import CaptionStyleKey, PlatformKey

__all__ = ["FeedCreate", "FeedEpisodePublic", "FeedImported", "FeedPublic", "FeedRecipe", "FeedUpdate"]


class FeedRecipe(BaseModel):
    """What auto-import makes of each new episode."""

    platforms: list[PlatformKey] = Field(default_factory=lambda: [PlatformKey.youtube_shorts], max_length=7)
    caption_style: CaptionStyleKey = CaptionStyleKey.karaoke
    clips: int = Field(default=3, ge=1, le=10, description="How many of the top highlights become clips.")


class FeedCreate(BaseModel):
    """Body of ``POST /api/feeds``."""

    url: str = Field(min_length=1, max_length=2048, description="http(s) address of an RSS 2.0 or Atom feed.")


class FeedUpdate(BaseModel):
    """Body of ``PATCH /api/feeds/{id}``: turn auto-import on or off and set its recipe."""

    auto_import: bool | None = None
    recipe: FeedRecipe | None = None


class FeedPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    url: str
    title: str
    status: str = Field(description="new, ok or error (see last_error)")
    last_error: str | None
    last_checked_at: datetime | None
    auto_import: bool
    auto_import_since: datetime | None
    recipe: FeedRecipe | None
    episode_count: int = 0
    created_at: datetime


class FeedEpisodePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    guid: str
    title: str
    enclosure_url: str | None
    enclosure_type: str | None
    published_at: datetime | None
    problem: str | None = Field(description="Why it cannot be imported (not audio/video, no file), or null.")
    imported_at: datetime | None
    project_id: str | None


class FeedImported(BaseModel):
    """What an import made: one project (and its queued analysis job) per episode."""

    project_ids: list[str]
    job_ids: list[str]
    skipped: list[str] = Field(default_factory=list, description="Episodes not imported, each with why.")
