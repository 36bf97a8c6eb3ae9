"""Routes: projects (upload or URL import, list, read, rename or set the language, delete, jobs)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from spaceclip.api.deps import CurrentUser, DbSession, QueueDep, SettingsDep
from spaceclip.api.responses import errors
from spaceclip.models.bounds import MAX_INT
from spaceclip.models.schemas import (
    JobPublic,
    ProjectCreated,
    ProjectList,
    ProjectPublic,
    ProjectUpdate,
    ProjectUrlCreate,
)
from spaceclip.models.tables import Project
from spaceclip.services.ingest import uploads
from spaceclip.services.ingest.storage import Storage
from spaceclip.usecases import ingest, projects

router = APIRouter(prefix="/api/projects", tags=["projects"])

# The upload route reads the body itself (as a stream), so FastAPI cannot infer it; describe it here
# so /docs shows a file picker and clients can be generated.
CREATE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary", "description": "Audio or video file."},
                        "name": {"type": "string", "maxLength": 300, "description": "Project name."},
                    },
                }
            },
            "application/json": {"schema": ProjectUrlCreate.model_json_schema()},
        },
    }
}


@router.post(
    "",
    status_code=202,
    response_model=ProjectCreated,
    openapi_extra=CREATE_BODY,
    responses=errors(400, 413, 415),
)
async def create_project(
    request: Request,
    user: CurrentUser,
    db: DbSession,
    settings: SettingsDep,
    queue: QueueDep,
    analyze: Annotated[
        bool, Query(description="Analyze right away (transcript, speakers). false: only check the file.")
    ] = True,
) -> ProjectCreated:
    """Upload a media file (multipart, field `file`) or import a URL (JSON); starts its analysis job."""
    if uploads.request_kind(request.headers.get("content-type")) == "url":
        url_request = await uploads.read_url_request(request.stream())
        project, job = await run_in_threadpool(ingest.create_url_project, db, user.id, url_request, settings)
    else:
        uploads.check_content_length(request.headers.get("content-length"), settings)
        storage = Storage(settings)
        content_type = request.headers["content-type"]
        upload = await ingest.receive_upload(request.stream(), content_type, settings, storage)
        project, job = await run_in_threadpool(
            ingest.create_upload_project, db, user.id, upload, settings, storage, analyze=analyze
        )
    await run_in_threadpool(queue.enqueue, job.id)
    return ProjectCreated(project=ProjectPublic.model_validate(project), job=JobPublic.model_validate(job))


@router.get("", response_model=ProjectList)
def list_projects(
    user: CurrentUser,
    db: DbSession,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_INT)] = 0,
) -> ProjectList:
    """List your projects, newest first, each with its latest job."""
    rows = projects.list_projects(db, user.id, limit=limit, offset=offset)
    ids = [p.id for p in rows]
    latest = projects.latest_jobs(db, user.id, ids)
    detected = projects.detected_languages(db, ids)
    items = []
    for row in rows:
        item = _public(row, detected)
        job = latest.get(row.id)
        item.latest_job = JobPublic.model_validate(job) if job else None
        items.append(item)
    return ProjectList(items=items)


def _public(project: Project, detected: dict[str, str]) -> ProjectPublic:
    item = ProjectPublic.model_validate(project)
    item.detected_language = detected.get(project.id)
    return item


def _one(db: Session, project: Project) -> ProjectPublic:
    return _public(project, projects.detected_languages(db, [project.id]))


@router.get("/{project_id}", response_model=ProjectPublic)
def get_project(project_id: str, user: CurrentUser, db: DbSession) -> ProjectPublic:
    """Get one of your projects."""
    return _one(db, projects.get_project(db, user.id, project_id))


@router.patch("/{project_id}", response_model=ProjectPublic, responses=errors(409))
def update_project(
    project_id: str, body: ProjectUpdate, user: CurrentUser, db: DbSession, settings: SettingsDep
) -> ProjectPublic:
    """Rename a project or set its transcript language; send the `version` you edited to get 409 if it changed."""
    project = projects.update_project(
        db,
        user.id,
        project_id,
        settings,
        name=body.name,
        language=body.language if "language" in body.model_fields_set else projects.KEEP,
        expected_version=body.version,
    )
    return _one(db, project)


@router.delete("/{project_id}", status_code=204, response_class=Response)
def delete_project(project_id: str, user: CurrentUser, db: DbSession, settings: SettingsDep) -> Response:
    """Delete a project: cancel its running jobs, remove its rows and files."""
    projects.delete_project(db, user.id, project_id, settings)
    return Response(status_code=204)


@router.get("/{project_id}/jobs", response_model=list[JobPublic])
def list_project_jobs(project_id: str, user: CurrentUser, db: DbSession) -> list[JobPublic]:
    """List a project's jobs, newest first."""
    return [JobPublic.model_validate(job) for job in projects.list_jobs(db, user.id, project_id)]
