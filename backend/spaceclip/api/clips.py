"""Routes: clips (make, list, edit, delete) and what the clip editor plays: the media and its waveform."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import FileResponse

from spaceclip.api.byte_ranges import check_range
from spaceclip.api.deps import CurrentUser, DbSession, SettingsDep
from spaceclip.api.responses import errors
from spaceclip.errors import NotFound
from spaceclip.models.bounds import MAX_SECONDS
from spaceclip.models.clip_schemas import (
    ClipCreate,
    ClipCutsPublic,
    ClipPublic,
    ClipUpdate,
    CutPublic,
    TimeRange,
    WaveformPublic,
)
from spaceclip.models.post_schemas import PostsPublic, PostTextPublic
from spaceclip.models.render_keys import PlatformKey
from spaceclip.models.tables import Clip
from spaceclip.services.analysis import AUDIO_NAME
from spaceclip.services.ingest.storage import Storage
from spaceclip.services.media.waveform import MAX_POINTS, read_peaks
from spaceclip.usecases import clips
from spaceclip.usecases.projects import get_project

router = APIRouter(tags=["clips"])

NO_MEDIA = "This project has no media file yet. Wait for its upload or download to finish."

# ffprobe format token → (type with video, type for audio only). The probe decides, not the name.
_MEDIA_TYPES: dict[str, tuple[str, str]] = {
    "mp4": ("video/mp4", "audio/mp4"),
    "mov": ("video/mp4", "audio/mp4"),
    "m4a": ("video/mp4", "audio/mp4"),
    "3gp": ("video/3gpp", "audio/3gpp"),
    "webm": ("video/webm", "audio/webm"),
    "matroska": ("video/x-matroska", "audio/x-matroska"),
    "mp3": ("audio/mpeg", "audio/mpeg"),
    "wav": ("audio/wav", "audio/wav"),
    "ogg": ("video/ogg", "audio/ogg"),
    "flac": ("audio/flac", "audio/flac"),
    "aac": ("audio/aac", "audio/aac"),
    "avi": ("video/x-msvideo", "video/x-msvideo"),
    "mpegts": ("video/mp2t", "video/mp2t"),
    "flv": ("video/x-flv", "video/x-flv"),
    "aiff": ("audio/aiff", "audio/aiff"),
}


def media_type_for(media_info: dict[str, Any] | None, suffix: str) -> str:
    """The Content-Type of a probed source file (``application/octet-stream`` when unknown)."""
    if not media_info:
        return "application/octet-stream"
    tokens = [t.strip() for t in str(media_info.get("format_name", "")).split(",")]
    if suffix.lower() == ".webm" and "webm" in tokens:
        tokens.insert(0, "webm")
    elif "matroska" in tokens:
        tokens.insert(0, "matroska")
    video = bool(media_info.get("has_video", media_info.get("video")))
    for token in tokens:
        if token in _MEDIA_TYPES:
            return _MEDIA_TYPES[token][0 if video else 1]
    return "application/octet-stream"


def clip_public(clip: Clip, cuts: clips.ClipCuts) -> ClipPublic:
    base, cut_list = cuts.choices.base, cuts.cut_list
    return ClipPublic(
        id=clip.id,
        project_id=clip.project_id,
        highlight_id=clip.highlight_id,
        title=clip.title,
        start=clip.start,
        end=clip.end,
        duration=round(clip.end - clip.start, 3),
        caption_style=clip.caption_style,
        audiogram_style=clip.audiogram_style,
        speaker_colors=clip.speaker_colors,
        platform=(clip.options or {}).get("platform"),
        remove_fillers=cuts.choices.remove_fillers,
        shorten_pauses=cuts.choices.shorten_pauses,
        pause_over_s=base.pause_over_s,
        pause_to_s=base.pause_to_s,
        removed=[TimeRange(start=a, end=b) for a, b in base.removed],
        restored=[TimeRange(start=a, end=b) for a, b in base.restored],
        cuts=ClipCutsPublic(
            remove_fillers=cuts.settings.remove_fillers,
            shorten_pauses=cuts.settings.shorten_pauses,
            cuts=[CutPublic(start=c.start, end=c.end, reason=c.reason) for c in cut_list.cuts],
            duration=cut_list.duration,
            removed_s=cut_list.removed_s,
            notice=cuts.notice,
        ),
        layout=clips.clip_layout(clip),
        **clips.clip_look(clip),
        version=clip.version,
        created_at=clip.created_at,
        updated_at=clip.updated_at,
    )


@router.get("/api/projects/{project_id}/clips", response_model=list[ClipPublic])
def list_clips(project_id: str, user: CurrentUser, db: DbSession) -> list[ClipPublic]:
    """List a project's clips, oldest first."""
    return [clip_public(c, cuts) for c, cuts in clips.list_clips_with_cuts(db, user.id, project_id)]


@router.post("/api/projects/{project_id}/clips", response_model=ClipPublic, status_code=201, responses=errors(409))
def create_clip(project_id: str, body: ClipCreate, user: CurrentUser, db: DbSession) -> ClipPublic:
    """Make a clip from a range; its edges snap to words, its length is checked against the platform."""
    clip = clips.create_clip(db, user.id, project_id, **body.model_dump())
    return clip_public(clip, clips.clip_cuts(db, clip))


@router.get("/api/clips/{clip_id}", response_model=ClipPublic)
def get_clip(clip_id: str, user: CurrentUser, db: DbSession) -> ClipPublic:
    """Get one of your clips."""
    clip = clips.get_clip(db, user.id, clip_id)
    return clip_public(clip, clips.clip_cuts(db, clip))


@router.get("/api/clips/{clip_id}/posts", response_model=PostsPublic)
def get_clip_posts(
    clip_id: str,
    user: CurrentUser,
    db: DbSession,
    platform: Annotated[
        PlatformKey | None, Query(description="One platform's post (a preset key); all without")
    ] = None,
) -> PostsPublic:
    """The clip's post text for each platform (hook, caption, hashtags), inside each platform's published limit."""
    from spaceclip.usecases.posts import clip_posts

    clip = clips.get_clip(db, user.id, clip_id)
    found = clip_posts(db, clip, platform.value if platform is not None else None)
    return PostsPublic(posts=[PostTextPublic(**{**asdict(p), "hashtags": list(p.hashtags)}) for p in found])


@router.patch("/api/clips/{clip_id}", response_model=ClipPublic, responses=errors(409))
def update_clip(clip_id: str, body: ClipUpdate, user: CurrentUser, db: DbSession) -> ClipPublic:
    """Change a clip's range, title, styles or cuts; send the `version` you edited (stale → 409).

    Cuts: `remove_fillers` and `shorten_pauses` (null: the platform's default), pauses over
    `pause_over_s` shortened to `pause_to_s`, and the `removed` (struck) and `restored` ranges, each
    list sent whole. Overlapping, reversed or out-of-clip ranges, or a pause length that does not
    shorten, give 422 saying which. The platform's longest length applies to the length after cuts;
    when cuts leave it under the shortest, `cuts.notice` says by how much. `layout` (auto, single,
    split) is how tall exports of a wide two-person shot are laid out.
    """
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    for key in ("removed", "restored"):
        if key in changes:
            changes[key] = [(r["start"], r["end"]) for r in changes[key] or ()]
    clip = clips.update_clip(db, user.id, clip_id, changes, expected_version=body.version)
    return clip_public(clip, clips.clip_cuts(db, clip))


@router.delete("/api/clips/{clip_id}", status_code=204, response_class=Response)
def delete_clip(clip_id: str, user: CurrentUser, db: DbSession) -> Response:
    """Delete a clip and its exports."""
    clips.delete_clip(db, user.id, clip_id)
    return Response(status_code=204)


@router.get(
    "/api/projects/{project_id}/media",
    response_class=FileResponse,
    responses={206: {"description": "The requested byte range (HTTP Range)."}, **errors(400, 416)},
)
def get_media(
    project_id: str, request: Request, user: CurrentUser, db: DbSession, settings: SettingsDep
) -> FileResponse:
    """The project's source media for the player; supports HTTP Range requests for seeking."""
    project = get_project(db, user.id, project_id)
    if not project.media_path:
        raise NotFound(NO_MEDIA)
    path = Storage(settings).resolve(project.media_path)
    if not path.is_file():
        raise NotFound(NO_MEDIA)
    if "if-range" not in request.headers:
        check_range(request.headers.get("range"), path.stat().st_size)
    return FileResponse(
        path, media_type=media_type_for(project.media_info, path.suffix), content_disposition_type="inline"
    )


@router.get("/api/projects/{project_id}/waveform", response_model=WaveformPublic)
def get_waveform(
    project_id: str,
    user: CurrentUser,
    db: DbSession,
    settings: SettingsDep,
    start: Annotated[
        float | None, Query(ge=0, le=MAX_SECONDS, allow_inf_nan=False, description="From (s); default the start")
    ] = None,
    end: Annotated[
        float | None, Query(gt=0, le=MAX_SECONDS, allow_inf_nan=False, description="To (s); default the end")
    ] = None,
    points: Annotated[int, Query(ge=1, le=MAX_POINTS, description="How many peaks")] = 1000,
) -> WaveformPublic:
    """Peak levels (0..1) of equal slices of the project's audio, for drawing the waveform."""
    get_project(db, user.id, project_id)
    audio = Storage(settings).project_dir(project_id) / AUDIO_NAME
    wave = read_peaks(audio, start, end, points)
    return WaveformPublic(start=wave.start, end=wave.end, peaks=wave.peaks)
