"""A feed's recipe on an auto-imported, analysed episode: its top highlights become clips (in the
recipe's caption style) and exports for each of the recipe's platforms, exactly once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.models.tables import (
    Clip,
    Export,
    Feed,
    FeedEpisode,
    Highlight,
    Job,
    Project,
    ProjectStatus,
    new_id,
    utcnow,
)
from spaceclip.usecases.feed_recipes import apply_recipes
from spaceclip.usecases.transcripts import save_transcript
from tests.factories import UserFactory
from tests.render_media import attach_source, made_up_transcript, make_talk_video


@pytest.fixture(scope="module")
def talk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_talk_video(tmp_path_factory.mktemp("recipe-src") / "talk.mp4", seconds=12.0)


def _episode(database: Database, settings: Settings, owner_id: str, source: Path, *, auto: bool = True) -> str:
    """An auto-import feed with a recipe and one imported episode whose project is ready with 3 highlights."""
    with database.session() as db:
        since = utcnow() - timedelta(minutes=5)
        feed = Feed(
            owner_id=owner_id, url=f"https://podcast.example/{new_id()}.xml", title="Show", status="ok",
            auto_import=auto, auto_import_since=since,
            recipe={"platforms": ["tiktok", "youtube_shorts"], "caption_style": "boxed", "clips": 2},
        )  # fmt: skip
        project = Project(owner_id=owner_id, name="Episode 4", source_kind="url", status=ProjectStatus.READY)
        db.add_all([feed, project])
        db.flush()
        info = attach_source(project, source, settings)
        save_transcript(db, project.id, made_up_transcript(info.duration_s), model="made-up")
        for rank, (start, end) in enumerate([(0.5, 6.0), (6.5, 11.5), (2.0, 8.0)]):
            db.add(Highlight(project_id=project.id, rank=rank, start=start, end=end, title=f"Moment {rank + 1}"))
        db.add(FeedEpisode(feed_id=feed.id, guid="ep-4", title="Episode 4", first_seen_at=utcnow(),
                           imported_at=utcnow(), project_id=project.id))  # fmt: skip
        db.commit()
        return project.id


def _counts(database: Database, project_id: str) -> tuple[int, int, int]:
    with database.session() as db:
        clips = db.scalar(select(func.count()).select_from(Clip).where(Clip.project_id == project_id)) or 0
        exports = db.scalar(select(func.count()).select_from(Export).where(Export.project_id == project_id)) or 0
        renders = db.scalar(
            select(func.count()).select_from(Job).where(Job.project_id == project_id, Job.kind == "render")
        )
        return clips, exports, renders or 0


def test_recipe_makes_top_clips_and_their_exports_once(
    database: Database, settings: Settings, users: UserFactory, talk: Path
) -> None:
    project_id = _episode(database, settings, users.create().id, talk)
    jobs = apply_recipes(database, settings)
    assert len(jobs) == 4, "2 clips x 2 platforms"
    assert _counts(database, project_id) == (2, 4, 4)
    with database.session() as db:
        clips = db.scalars(select(Clip).where(Clip.project_id == project_id).order_by(Clip.start)).all()
        assert [c.caption_style for c in clips] == ["boxed", "boxed"]
        assert [c.title for c in clips] == ["Moment 1", "Moment 2"], "the top two highlights"
        platforms = sorted(db.scalars(select(Export.platform).where(Export.project_id == project_id)))
        assert platforms == ["tiktok", "tiktok", "youtube_shorts", "youtube_shorts"]
    assert apply_recipes(database, settings) == [], "applied once"
    assert _counts(database, project_id) == (2, 4, 4)


def test_no_recipe_without_auto_import_or_before_analysis(
    database: Database, settings: Settings, users: UserFactory, talk: Path
) -> None:
    owner = users.create().id
    manual = _episode(database, settings, owner, talk, auto=False)
    analysing = _episode(database, settings, owner, talk)
    with database.session() as db:
        project = db.get(Project, analysing)
        assert project is not None
        project.status = ProjectStatus.ANALYZING
        db.commit()
    assert apply_recipes(database, settings) == []
    assert _counts(database, manual) == (0, 0, 0) and _counts(database, analysing) == (0, 0, 0)
