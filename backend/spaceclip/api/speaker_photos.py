"""Routes: a speaker's photo for the audiogram's badge (upload, fetch, remove)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool

from spaceclip.api.bodies import read_capped
from spaceclip.api.deps import CurrentUser, DbSession, SettingsDep
from spaceclip.api.responses import errors
from spaceclip.models.photo_schemas import SpeakerPhotoPublic
from spaceclip.services.ingest.storage import Storage
from spaceclip.services.render.audiogram.photos import MAX_PHOTO_BYTES, STORED_SIDE
from spaceclip.usecases import speaker_photos as photos
from spaceclip.usecases.projects import get_project

router = APIRouter(prefix="/api/projects/{project_id}/speakers/{speaker_id}/photo", tags=["transcript"])

_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        "description": "A PNG, JPEG or WebP image (at most 8 MB, 8000 px a side) as the raw request body; "
        "checked by its contents, never its name or type.",
    }
}


@router.post("", response_model=SpeakerPhotoPublic, openapi_extra=_BODY, responses=errors(413, 415))
async def upload_speaker_photo(
    project_id: str, speaker_id: str, request: Request, user: CurrentUser, db: DbSession, settings: SettingsDep
) -> SpeakerPhotoPublic:
    """Upload the speaker's photo for the audiogram badge (replaces any earlier one); a bad file stores nothing."""
    get_project(db, user.id, project_id)
    data = await read_capped(request, MAX_PHOTO_BYTES)
    photo = await run_in_threadpool(photos.set_photo, db, Storage(settings), project_id, speaker_id, data)
    side = min(STORED_SIDE, photo.width, photo.height)
    return SpeakerPhotoPublic(
        speaker_id=speaker_id, format=photo.format, width=photo.width, height=photo.height, stored_side=side
    )


@router.get("", response_class=FileResponse, responses={200: {"content": {"image/png": {}}}})
def get_speaker_photo(
    project_id: str, speaker_id: str, user: CurrentUser, db: DbSession, settings: SettingsDep
) -> FileResponse:
    """The speaker's photo as stored (a square PNG); 404 when the speaker has none."""
    get_project(db, user.id, project_id)
    path = photos.get_photo(db, Storage(settings), project_id, speaker_id)
    return FileResponse(path, media_type="image/png", headers={"X-Content-Type-Options": "nosniff"})


@router.delete("", status_code=204, response_class=Response)
def delete_speaker_photo(
    project_id: str, speaker_id: str, user: CurrentUser, db: DbSession, settings: SettingsDep
) -> Response:
    """Remove the speaker's photo; the badge shows their initials again."""
    get_project(db, user.id, project_id)
    photos.remove_photo(db, Storage(settings), project_id, speaker_id)
    return Response(status_code=204)
