"""Routes: clean a project's whole episode (fillers and long pauses out) as a job, its state, its files."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse

from spaceclip.api.deps import CurrentUser, DbSession, QueueDep, SettingsDep
from spaceclip.api.disposition import attachment
from spaceclip.api.responses import errors
from spaceclip.models.clean_schemas import CleanFileKind, CleanRequest, CleanResultPublic, CleanState
from spaceclip.models.schemas import JobPublic
from spaceclip.usecases import clean
from spaceclip.usecases.projects import get_project

router = APIRouter(prefix="/api", tags=["clean"])


@router.post("/projects/{project_id}/clean", response_model=JobPublic, status_code=202, responses=errors(409))
def start_clean(
    project_id: str, body: CleanRequest, user: CurrentUser, db: DbSession, settings: SettingsDep, queue: QueueDep
) -> JobPublic:
    """Write the whole episode without its filler words and long pauses, with its cut list (.otio)
    and re-timed subtitles; chapters in the file move with the cuts. Follow the job, then download."""
    project = get_project(db, user.id, project_id)
    job = clean.start_clean(db, project, settings, body.model_dump())
    queue.enqueue(job.id)
    return JobPublic.model_validate(job)


@router.get("/projects/{project_id}/clean", response_model=CleanState)
def get_clean(project_id: str, user: CurrentUser, db: DbSession) -> CleanState:
    """The project's latest clean-up job and what the latest finished one took out."""
    state = clean.clean_state(db, get_project(db, user.id, project_id))
    result = None
    if state.result is not None:
        data = dict(state.result)
        data["files"] = sorted(data.get("files", {}))
        result = CleanResultPublic.model_validate(data)
    return CleanState(job=JobPublic.model_validate(state.job) if state.job else None, result=result)


@router.get(
    "/projects/{project_id}/clean/download",
    response_class=FileResponse,
    responses={
        200: {"content": {"video/mp4": {}, "audio/mp4": {}, "application/json": {}, "text/vtt": {}}},
        **errors(404),
    },
)
def download_clean(
    project_id: str,
    user: CurrentUser,
    db: DbSession,
    settings: SettingsDep,
    file: Annotated[CleanFileKind, Query(description="media, otio, srt or vtt")] = CleanFileKind.media,
) -> FileResponse:
    """Download the cleaned episode, its cut list (.otio) or its re-timed SRT / VTT subtitles."""
    found = clean.clean_file(db, get_project(db, user.id, project_id), file.value, settings)
    return FileResponse(
        found.path,
        media_type=found.media_type,
        headers={
            "Content-Disposition": attachment(found.filename, default_stem="episode"),
            "X-Content-Type-Options": "nosniff",
        },
    )
