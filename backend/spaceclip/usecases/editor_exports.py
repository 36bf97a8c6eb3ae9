"""Editor downloads: a clip's (or a whole project's) edit as .otio, FCPXML, FCP 7 XML or EDL, in a zip.

The cut list is the clip's own, for its platform (:func:`spaceclip.usecases.clips.clip_cuts`: the
stored cut choices, else the platform's defaults), so the timeline is the clip the render makes.
The crop is the centre window of the platform's frame: speaker tracking runs face detection, which
a request does not wait for; ``spaceclip process --editor`` writes the tracked path. A project's
download is one zip with a folder per clip, each with its own timeline, captions and README.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from spaceclip.config import Settings
from spaceclip.errors import Conflict
from spaceclip.models.tables import Clip, Project
from spaceclip.models.tables import Transcript as TranscriptRow
from spaceclip.services.edit.editor import EditorExport, export_edit, zip_exports
from spaceclip.services.edit.editor_clip import CENTRE_NOTE, clip_crop, editor_source
from spaceclip.services.ingest.storage import Storage
from spaceclip.services.media.probe import MediaInfo
from spaceclip.services.render.presets import get_preset
from spaceclip.services.speech.transcript import Transcript
from spaceclip.usecases import clips
from spaceclip.usecases.projects import get_project
from spaceclip.usecases.transcripts import load_transcript

__all__ = ["EditorDownload", "clip_editor_download", "project_editor_download"]

NO_MEDIA = "This project has no media file yet. Wait for its upload or download to finish, then download the edit."
NO_CLIPS = "This project has no clips yet. Make a clip first, then download the edit."
#: The rate of a clip without a platform and without a video frame rate.
DEFAULT_RATE = 30.0


@dataclass(frozen=True)
class EditorDownload:
    """The zip to send, its file name and what the format left out (for the response header)."""

    filename: str
    data: bytes
    left_out: tuple[str, ...]


def _stem(title: str | None, fallback: str) -> str:
    cleaned = re.sub(r"[^\w\- ]+", "", title or "", flags=re.UNICODE).strip().replace(" ", "-")
    return cleaned[:60] or fallback


def _media(settings: Settings, project: Project) -> tuple[Path, MediaInfo]:
    if not project.media_path or not project.media_info:
        raise Conflict(NO_MEDIA)
    path = Storage(settings).resolve(project.media_path)
    if not path.is_file():
        raise Conflict(NO_MEDIA)
    return path, MediaInfo.from_dict(project.media_info)


def _transcript(db: Session, project_id: str) -> Transcript | None:
    return load_transcript(db, project_id) if db.get(TranscriptRow, project_id) is not None else None


def _clip_export(
    db: Session, clip: Clip, fmt: str, path: Path, info: MediaInfo, transcript: Transcript | None, stem: str
) -> EditorExport:
    words = [w for s in transcript.segments for w in s.words] if transcript is not None else []
    cut_list = clips.clip_cuts(db, clip, words=words).cut_list
    platform = (clip.options or {}).get("platform")
    preset = get_preset(platform) if platform else None
    video = info.primary_video
    rate = float(preset.fps) if preset else float(round(video.fps)) if video and video.fps else DEFAULT_RATE
    crop = clip_crop(path, info, preset, clip.start, clip.end, track=False) if preset else None
    captions = cut_list.retime_transcript(transcript) if transcript is not None else None
    return export_edit(
        fmt, stem, editor_source(path, info), cut_list, rate,
        captions=captions, crop=crop, notes=(CENTRE_NOTE,) if crop is not None else (),
    )  # fmt: skip


def _left_out(exports: Sequence[EditorExport]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item for e in exports for item in e.left_out))


def clip_editor_download(db: Session, settings: Settings, owner_id: str, clip_id: str, fmt: str) -> EditorDownload:
    """The owner's clip as a zip: the timeline in ``fmt``, clip.srt, crop.csv (when cropped), README.txt."""
    clip = clips.get_clip(db, owner_id, clip_id)
    project = get_project(db, owner_id, clip.project_id)
    path, info = _media(settings, project)
    stem = _stem(clip.title, "clip")
    export = _clip_export(db, clip, fmt, path, info, _transcript(db, project.id), stem)
    return EditorDownload(f"{stem}-{fmt}.zip", zip_exports([export]), export.left_out)


def project_editor_download(
    db: Session, settings: Settings, owner_id: str, project_id: str, fmt: str
) -> EditorDownload:
    """Every clip of the owner's project, one folder (timeline, captions, README) per clip in one zip."""
    project = get_project(db, owner_id, project_id)
    found = clips.list_clips(db, owner_id, project_id)
    if not found:
        raise Conflict(NO_CLIPS)
    path, info = _media(settings, project)
    transcript = _transcript(db, project.id)
    exports = [
        _clip_export(db, clip, fmt, path, info, transcript, f"{n:02d}-{_stem(clip.title, 'clip')}")
        for n, clip in enumerate(found, start=1)
    ]
    return EditorDownload(f"{_stem(project.name, 'project')}-{fmt}.zip", zip_exports(exports), _left_out(exports))
