"""A feed's recipe applied to its auto-imported episodes: the top highlights become clips and exports.

Once an auto-imported episode's project is ``ready`` (its analysis found highlights), the worker's
feed pass (:func:`apply_recipes`) claims the episode with ``UPDATE ... SET recipe_applied_at = now
WHERE recipe_applied_at IS NULL`` and, in that same transaction, makes a clip of each of the
recipe's top ``clips`` highlights in its caption style and an export of each clip for each of its
platforms. A clip too short or too long for a platform gets no export for it (logged); the others
are made. Bounded: :data:`EPISODES_PER_PASS` episodes per pass.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from spaceclip.config import Settings
from spaceclip.db import Database, transaction
from spaceclip.errors import Conflict, ValidationFailed
from spaceclip.models.tables import Feed, FeedEpisode, Project, ProjectStatus, utcnow
from spaceclip.usecases.clips import create_clip
from spaceclip.usecases.exports import create_export
from spaceclip.usecases.highlights import list_highlights

log = logging.getLogger(__name__)

__all__ = ["EPISODES_PER_PASS", "apply_recipes"]

EPISODES_PER_PASS = 5


def _apply(
    db: Session, episode_id: str, owner_id: str, project_id: str, recipe: dict[str, Any], settings: Settings
) -> list[str]:
    """Claim the episode and make its clips and exports in one transaction; the render job ids."""
    job_ids: list[str] = []
    with transaction(db):
        claimed = db.execute(
            update(FeedEpisode)
            .where(FeedEpisode.id == episode_id, FeedEpisode.recipe_applied_at.is_(None))
            .values(recipe_applied_at=utcnow())
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return []
        count = int(recipe.get("clips", 3))
        platforms = [str(p) for p in recipe.get("platforms") or []]
        for highlight in list_highlights(db, project_id)[:count]:
            clip = create_clip(
                db,
                owner_id,
                project_id,
                start=highlight.start,
                end=highlight.end,
                caption_style=str(recipe.get("caption_style") or "karaoke"),
                highlight=highlight,
            )
            for platform in platforms:
                try:
                    _export, job = create_export(db, owner_id, clip.id, platform, settings)
                except (ValidationFailed, Conflict) as exc:
                    log.info("feed recipe: no %s export of clip %s: %s", platform, clip.id, exc)
                    continue
                job_ids.append(job.id)
    log.info("feed episode %s: recipe made %d export job(s)", episode_id, len(job_ids))
    return job_ids


def apply_recipes(database: Database, settings: Settings) -> list[str]:
    """Apply each auto-import feed's recipe to its analysed, not yet served episodes (a few per pass).

    Returns:
        The queued render jobs' ids (the caller enqueues them).
    """
    job_ids: list[str] = []
    with database.session() as db:
        rows = db.execute(
            select(FeedEpisode.id, Feed.owner_id, Project.id, Feed.recipe)
            .join(Feed, Feed.id == FeedEpisode.feed_id)
            .join(Project, Project.id == FeedEpisode.project_id)
            .where(
                FeedEpisode.recipe_applied_at.is_(None),
                Feed.auto_import.is_(True),
                Feed.recipe.is_not(None),
                FeedEpisode.first_seen_at >= Feed.auto_import_since,
                Project.status == ProjectStatus.READY,
            )
            .limit(EPISODES_PER_PASS)
        ).all()
        db.rollback()
        for episode_id, owner_id, project_id, recipe in rows:
            job_ids += _apply(db, episode_id, owner_id, project_id, recipe, settings)
    return job_ids
