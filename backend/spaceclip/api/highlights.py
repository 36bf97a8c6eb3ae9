"""Routes: a project's highlights, "find more" as a job, the creator's thumbs, and highlight → clip."""

from __future__ import annotations

from fastapi import APIRouter

from spaceclip.api.clips import clip_public
from spaceclip.api.deps import CurrentUser, DbSession, QueueDep, SettingsDep
from spaceclip.api.responses import errors
from spaceclip.models.clip_schemas import ClipPublic
from spaceclip.models.highlight_schemas import (
    FeedbackUpdate,
    FindHighlightsRequest,
    HighlightClipCreate,
    HighlightList,
    HighlightPublic,
)
from spaceclip.models.schemas import JobPublic
from spaceclip.models.tables import Highlight
from spaceclip.usecases import highlights as highlight_store
from spaceclip.usecases.clips import clip_cuts, clip_from_highlight
from spaceclip.usecases.projects import get_project

router = APIRouter(tags=["highlights"])


def highlight_public(row: Highlight, names: dict[str, str]) -> HighlightPublic:
    public = HighlightPublic.model_validate(
        {
            **{c.key: getattr(row, c.key) for c in Highlight.__table__.columns},
            "duration": round(row.end - row.start, 3),
            "speakers": [names.get(s, s) for s in row.speakers],
        }
    )
    return public


@router.get("/api/projects/{project_id}/highlights", response_model=HighlightList)
def list_highlights(project_id: str, user: CurrentUser, db: DbSession) -> HighlightList:
    """The project's highlights, best first (the analysis' batch, then each "find more" batch)."""
    get_project(db, user.id, project_id)
    rows = highlight_store.list_highlights(db, project_id)
    names = highlight_store.speaker_names(db, project_id)
    return HighlightList(
        highlights=[highlight_public(r, names) for r in rows], llm_note=highlight_store.latest_llm_note(rows)
    )


@router.post("/api/projects/{project_id}/highlights", response_model=JobPublic, status_code=202, responses=errors(409))
def find_highlights(
    project_id: str,
    body: FindHighlightsRequest,
    user: CurrentUser,
    db: DbSession,
    settings: SettingsDep,
    queue: QueueDep,
) -> JobPublic:
    """Look for more highlights (in a range, with other lengths); new ones are appended as a batch."""
    project = get_project(db, user.id, project_id)
    job = highlight_store.start_find_highlights(db, project, settings, body.model_dump())
    queue.enqueue(job.id)
    return JobPublic.model_validate(job)


@router.put("/api/highlights/{highlight_id}/feedback", response_model=HighlightPublic)
def set_feedback(highlight_id: str, body: FeedbackUpdate, user: CurrentUser, db: DbSession) -> HighlightPublic:
    """Store your thumbs up (1), down (-1) or none (0) for a highlight."""
    row = highlight_store.set_feedback(db, user.id, highlight_id, body.value)
    return highlight_public(row, highlight_store.speaker_names(db, row.project_id))


@router.post("/api/highlights/{highlight_id}/clip", response_model=ClipPublic, status_code=201, responses=errors(409))
def make_clip(highlight_id: str, body: HighlightClipCreate, user: CurrentUser, db: DbSession) -> ClipPublic:
    """Turn a highlight into a clip (snapped to words, titled after the highlight)."""
    row = highlight_store.get_highlight(db, user.id, highlight_id)
    clip = clip_from_highlight(db, user.id, row, platform=body.platform)
    return clip_public(clip, clip_cuts(db, clip))
