"""Routes: a project's chapters — plan them (a job), read, edit (rename, move, merge), download."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from spaceclip.api.deps import CurrentUser, DbSession, QueueDep, SettingsDep
from spaceclip.api.disposition import attachment
from spaceclip.api.responses import errors
from spaceclip.errors import Conflict
from spaceclip.models.chapter_schemas import (
    ChapterEdit,
    ChapterFormat,
    ChapterPublic,
    ChapterState,
    PlanChaptersRequest,
)
from spaceclip.models.schemas import JobPublic
from spaceclip.services.edit import chapter_formats
from spaceclip.usecases import chapters as chapter_store
from spaceclip.usecases.projects import get_project

router = APIRouter(prefix="/api", tags=["chapters"])

FORMATS = {
    ChapterFormat.youtube: ("text/plain; charset=utf-8", "chapters-youtube.txt"),
    ChapterFormat.podlove: ("application/xml", "chapters-podlove.xml"),
    ChapterFormat.json: (chapter_formats.PODCAST_JSON_TYPE, "chapters.json"),
}


def _state(state: chapter_store.ChapterState) -> ChapterState:
    chapters = chapter_store.chapters_of(state.row)
    return ChapterState(
        chapters=[ChapterPublic(start=c.start, end=c.end, title=c.title) for c in chapters] if state.row else None,
        version=state.row.version if state.row else None,
        edited=bool(state.row and state.row.edited),
        youtube_problems=chapter_formats.youtube_rules(chapters) if state.row else [],
        llm_note=state.row.llm_note if state.row else None,
        job=JobPublic.model_validate(state.job) if state.job else None,
    )


@router.get("/projects/{project_id}/chapters", response_model=ChapterState)
def get_chapters(project_id: str, user: CurrentUser, db: DbSession) -> ChapterState:
    """The project's chapters (null until planned), with what YouTube would refuse in them."""
    return _state(chapter_store.chapter_state(db, get_project(db, user.id, project_id)))


@router.post("/projects/{project_id}/chapters/plan", response_model=JobPublic, status_code=202, responses=errors(409))
def plan_chapters(
    project_id: str, body: PlanChaptersRequest, user: CurrentUser, db: DbSession, settings: SettingsDep, queue: QueueDep
) -> JobPublic:
    """Plan the chapters from the transcript's topic changes (a job; titles from the local LLM when it runs)."""
    job = chapter_store.start_plan(db, get_project(db, user.id, project_id), settings, body.model_dump())
    queue.enqueue(job.id)
    return JobPublic.model_validate(job)


@router.patch("/projects/{project_id}/chapters", response_model=ChapterState, responses=errors(409))
def edit_chapters(project_id: str, body: ChapterEdit, user: CurrentUser, db: DbSession) -> ChapterState:
    """Rename a chapter, move its start to the nearest sentence start, or merge it into the one before."""
    project = get_project(db, user.id, project_id)
    chapter_store.edit_chapters(db, project, body.model_dump())
    return _state(chapter_store.chapter_state(db, project))


@router.get(
    "/projects/{project_id}/chapters/download",
    response_class=Response,
    responses={
        200: {"content": {"text/plain": {}, "application/xml": {}, chapter_formats.PODCAST_JSON_TYPE: {}}},
        **errors(409),
    },
)
def download_chapters(
    project_id: str,
    user: CurrentUser,
    db: DbSession,
    fmt: Annotated[
        ChapterFormat, Query(alias="format", description="youtube, podlove or json")
    ] = ChapterFormat.youtube,
) -> Response:
    """The chapters as a YouTube description block, Podlove Simple Chapters or Podcasting 2.0 JSON."""
    project = get_project(db, user.id, project_id)
    chapters = chapter_store.chapters_of(chapter_store.chapter_state(db, project).row)
    if not chapters:
        raise Conflict(chapter_store.NO_CHAPTERS)
    if fmt is ChapterFormat.youtube:
        body = chapter_formats.youtube_block(chapters)
    elif fmt is ChapterFormat.podlove:
        body = chapter_formats.podlove_xml(chapters)
    else:
        body = chapter_formats.podcast_json(chapters, title=project.name)
    media_type, filename = FORMATS[fmt]
    return Response(
        content=body.encode("utf-8"),
        media_type=media_type,
        headers={"Content-Disposition": attachment(filename, default_stem="chapters")},
    )
