"""Routes: a clip's or a project's edit for a desktop editor (.otio, FCPXML, FCP 7 XML, EDL), as a zip.

Each zip holds the timeline (referencing the original media), clip.srt (captions in the cut clip's
time), crop.csv when the picture is cropped, and README.txt naming what the format left out; the
``X-SpaceClip-Left-Out`` header says the same. Owner-only: another user's clip answers 404.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from spaceclip.api.deps import CurrentUser, DbSession, SettingsDep
from spaceclip.api.disposition import attachment
from spaceclip.api.responses import errors
from spaceclip.models.editor_schemas import LEFT_OUT_HEADER, EditorFormatKey
from spaceclip.usecases import editor_exports
from spaceclip.usecases.editor_exports import EditorDownload

router = APIRouter(prefix="/api", tags=["editor"])

FormatQuery = Annotated[EditorFormatKey, Query(alias="format", description="otio, fcpxml, fcp7 or edl")]
ZIP_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "A zip: the timeline, clip.srt, crop.csv when cropped, README.txt (what was left out).",
        "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
        "headers": {
            LEFT_OUT_HEADER: {
                "description": "What the format could not carry, '; '-separated (empty: nothing).",
                "schema": {"type": "string"},
            }
        },
    },
    **errors(409),
}


def _zip(found: EditorDownload) -> Response:
    # A header is Latin-1: the README.txt in the zip has the same list in full Unicode.
    left = "; ".join(found.left_out).encode("ascii", "replace").decode("ascii")
    return Response(
        content=found.data,
        media_type="application/zip",
        headers={"Content-Disposition": attachment(found.filename, default_stem="edit"), LEFT_OUT_HEADER: left},
    )


@router.get("/clips/{clip_id}/editor", response_class=Response, responses=ZIP_RESPONSE)
def download_clip_edit(
    clip_id: str, user: CurrentUser, db: DbSession, settings: SettingsDep, fmt: FormatQuery = EditorFormatKey.otio
) -> Response:
    """Download the clip's edit for an editor: its cuts on the original media, captions and crop."""
    return _zip(editor_exports.clip_editor_download(db, settings, user.id, clip_id, fmt.value))


@router.get("/projects/{project_id}/editor", response_class=Response, responses=ZIP_RESPONSE)
def download_project_edit(
    project_id: str, user: CurrentUser, db: DbSession, settings: SettingsDep, fmt: FormatQuery = EditorFormatKey.otio
) -> Response:
    """Download every clip of the project for an editor: one folder per clip in one zip."""
    return _zip(editor_exports.project_editor_download(db, settings, user.id, project_id, fmt.value))
