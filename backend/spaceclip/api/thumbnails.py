"""Routes: the picture of a project (dashboard) and of a highlight (the project page's lane)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter
from fastapi.responses import FileResponse

from spaceclip.api.deps import CurrentUser, DbSession, SettingsDep
from spaceclip.usecases import thumbnails

router = APIRouter(tags=["thumbnails"])

JPEG: dict[int | str, dict[str, Any]] = {200: {"content": {"image/jpeg": {}}, "description": "A JPEG, 480 px wide."}}


def _jpeg(path: Path) -> FileResponse:
    # Private to the signed-in user, and a thumbnail never changes: the browser may keep it an hour.
    headers = {"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"}
    return FileResponse(path, media_type="image/jpeg", headers=headers, content_disposition_type="inline")


@router.get("/api/projects/{project_id}/thumbnail", response_class=FileResponse, responses=JPEG)
def get_project_thumbnail(project_id: str, user: CurrentUser, db: DbSession, settings: SettingsDep) -> FileResponse:
    """A frame of the project's video (audio only: its audiogram), made on first request, then cached."""
    return _jpeg(thumbnails.project_thumbnail(db, user.id, project_id, settings))


@router.get("/api/highlights/{highlight_id}/thumbnail", response_class=FileResponse, responses=JPEG)
def get_highlight_thumbnail(highlight_id: str, user: CurrentUser, db: DbSession, settings: SettingsDep) -> FileResponse:
    """A frame a third of the way into the highlight (audio only: its audiogram), cached after the first."""
    return _jpeg(thumbnails.highlight_thumbnail(db, user.id, highlight_id, settings))
