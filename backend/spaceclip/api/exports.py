"""Routes: render options, exports of a clip (create, list, read, delete, download) and style previews.

Owner-only: another user's clip or export answers 404, like a missing one.
"""

from __future__ import annotations

import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.responses import FileResponse

from spaceclip.api.deps import CurrentUser, DbSession, QueueDep, SettingsDep
from spaceclip.api.disposition import attachment
from spaceclip.api.responses import errors
from spaceclip.models.export_schemas import ExportCreate, ExportCreated, ExportPublic, RenderOptions
from spaceclip.models.render_keys import AudiogramStyleKey, CaptionStyleKey, PlatformKey
from spaceclip.models.schemas import JobPublic
from spaceclip.usecases import exports
from spaceclip.usecases.exports import clip_preview, export_public, render_options

router = APIRouter(prefix="/api", tags=["exports"])


class ExportFileKind(StrEnum):
    video = "video"
    srt = "srt"
    vtt = "vtt"
    thumbnail = "thumbnail"


@router.get("/render/options", response_model=RenderOptions)
def get_render_options(user: CurrentUser) -> RenderOptions:
    """Platforms (presets), caption styles and audiogram styles to choose from."""
    return render_options()


@router.post("/clips/{clip_id}/exports", response_model=ExportCreated, status_code=202, responses=errors(409))
def create_export(
    clip_id: str, body: ExportCreate, user: CurrentUser, db: DbSession, settings: SettingsDep, queue: QueueDep
) -> ExportCreated:
    """Render the clip for a platform; answers 202 with the export and its render job."""
    export, job = exports.create_export(db, user.id, clip_id, body.platform, settings, audiogram=body.audiogram)
    queue.enqueue(job.id)
    return ExportCreated(export=export_public(export), job=JobPublic.model_validate(job))


@router.get("/clips/{clip_id}/exports", response_model=list[ExportPublic])
def list_exports(clip_id: str, user: CurrentUser, db: DbSession) -> list[ExportPublic]:
    """List the clip's exports, newest first, each with its platform check."""
    return [export_public(e) for e in exports.list_exports(db, user.id, clip_id)]


@router.get("/exports/{export_id}", response_model=ExportPublic)
def get_export(export_id: str, user: CurrentUser, db: DbSession) -> ExportPublic:
    """Get one export: status, error, files and the platform check."""
    return export_public(exports.get_export(db, user.id, export_id))


@router.delete("/exports/{export_id}", status_code=204, response_class=Response)
def delete_export(export_id: str, user: CurrentUser, db: DbSession, settings: SettingsDep) -> Response:
    """Delete an export and its files (a render still running is cancelled)."""
    exports.delete_export(db, user.id, export_id, settings)
    return Response(status_code=204)


@router.get(
    "/exports/{export_id}/download",
    response_class=FileResponse,
    responses={200: {"content": {"video/mp4": {}, "image/png": {}, "text/vtt": {}, "application/x-subrip": {}}}},
)
def download_export(
    export_id: str,
    user: CurrentUser,
    db: DbSession,
    settings: SettingsDep,
    file: Annotated[ExportFileKind, Query(description="video, srt, vtt or thumbnail")] = ExportFileKind.video,
) -> FileResponse:
    """Download the rendered video, its SRT or VTT captions, or its thumbnail."""
    found = exports.export_file(exports.get_export(db, user.id, export_id), file.value, settings)
    return FileResponse(
        found.path,
        media_type=found.media_type,
        headers={
            "Content-Disposition": attachment(found.filename, default_stem="clip"),
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get(
    "/clips/{clip_id}/preview", response_class=Response, responses={200: {"content": {"image/png": {}}}, **errors(409)}
)
def preview_clip(
    clip_id: str,
    user: CurrentUser,
    db: DbSession,
    settings: SettingsDep,
    platform: PlatformKey = PlatformKey.tiktok,
    caption_style: CaptionStyleKey | None = None,
    audiogram_style: AudiogramStyleKey | None = None,
) -> Response:
    """One frame of the clip as it would render with these choices (PNG), for the style pickers."""
    with tempfile.TemporaryDirectory(prefix="spaceclip-preview-") as tmp:
        png = clip_preview(
            db, user.id, clip_id, settings, Path(tmp), platform=platform, caption_style=caption_style,
            audiogram_style=audiogram_style,
        )  # fmt: skip
    return Response(content=png, media_type="image/png", headers={"Content-Disposition": "inline"})
