"""Exports: one render of a clip for one platform. Create (row + render job together), list, read,
delete, and find their files. Every query is filtered by ``owner_id`` (docs/SECURITY.md, item 14).

Files live in ``output_dir/<project_id>/<export_id>/`` (``clip.mp4``, ``clip.srt``, ``clip.vtt``,
``clip.png``); the rows store them relative to ``output_dir`` and every stored path is resolved and
checked to stay inside the export's own folder before it is served or deleted.
"""

from __future__ import annotations

import logging
import math
import re
import shutil
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from spaceclip.config import Settings
from spaceclip.db import transaction, transactional
from spaceclip.errors import Conflict, NotFound, UnsafePath, ValidationFailed
from spaceclip.models.export_schemas import (
    AudiogramStylePublic,
    CaptionStylePublic,
    ExportCheckPublic,
    ExportPublic,
    PresetPublic,
    RenderOptions,
    SafeAreaPublic,
)
from spaceclip.models.render_keys import AudiogramStyleKey, CaptionStyleKey, PlatformKey
from spaceclip.models.tables import TERMINAL_JOB_STATUSES, Clip, Export, ExportStatus, Highlight, Job, Project
from spaceclip.models.tables import Transcript as TranscriptRow
from spaceclip.services.analysis import AUDIO_NAME
from spaceclip.services.edit.cuts import CutList
from spaceclip.services.ingest.storage import Storage
from spaceclip.services.media.probe import MediaInfo
from spaceclip.services.render import presets
from spaceclip.services.render.brand import BrandLook
from spaceclip.services.render.spec import DEFAULT_AUDIOGRAM_STYLE, ClipSpec, RenderSnapshot, clip_spec
from spaceclip.services.speech.transcript import Transcript
from spaceclip.usecases import brand as brand_store
from spaceclip.usecases.jobs import cancel_job, create_job
from spaceclip.usecases.speaker_photos import speaker_photos
from spaceclip.usecases.transcripts import load_transcript

if TYPE_CHECKING:
    from spaceclip.services.render.render import RenderResult

log = logging.getLogger(__name__)

__all__ = [
    "RENDER_JOB",
    "ExportFile",
    "check_export_length",
    "clip_preview",
    "create_export",
    "delete_export",
    "download_name",
    "export_cuts",
    "export_dir",
    "export_file",
    "export_public",
    "get_export",
    "list_exports",
    "preview_offset",
    "relative_output",
    "render_options",
    "snapshot",
]

RENDER_JOB = "render"
STEM = "clip"
NOT_FOUND_MESSAGE = "This export does not exist or was deleted. Open the clip to see its exports."
FileKind = Literal["video", "srt", "vtt", "thumbnail"]


@dataclass(frozen=True)
class ExportFile:
    path: Path
    media_type: str
    filename: str


_FILES: dict[str, tuple[str, str, str]] = {
    # kind: (row attribute, media type, extension)
    "video": ("video_path", "video/mp4", "mp4"),
    "srt": ("srt_path", "application/x-subrip; charset=utf-8", "srt"),
    "vtt": ("vtt_path", "text/vtt; charset=utf-8", "vtt"),
    "thumbnail": ("thumbnail_path", "image/png", "png"),
}


def export_dir(storage: Storage, project_id: str, export_id: str, *, create: bool = False) -> Path:
    """``output_dir/<project_id>/<export_id>``: where one export's files go."""
    base = storage.output_dir(project_id, create=create)
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", export_id):
        raise UnsafePath("An internal file name was refused as unsafe. Try again.", detail=f"bad id {export_id!r}")
    path = base / export_id
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def relative_output(storage: Storage, path: Path) -> str:
    """``path`` as stored in an export row: POSIX, relative to ``output_dir``."""
    resolved = path.resolve()
    if not resolved.is_relative_to(storage.output_root):
        raise UnsafePath("An output file was outside SpaceClip's output folder.", detail=str(path))
    return resolved.relative_to(storage.output_root).as_posix()


def _resolve_output(storage: Storage, export: Export, relative: str) -> Path:
    rel = PurePosixPath(relative)
    folder = export_dir(storage, export.project_id, export.id).resolve()
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        raise UnsafePath("A stored file path was refused as unsafe. Render the clip again.", detail=relative)
    path = storage.output_root.joinpath(*rel.parts).resolve()
    if not path.is_relative_to(folder):
        raise UnsafePath("A stored file path was refused as unsafe. Render the clip again.", detail=relative)
    return path


def snapshot(
    clip: Clip,
    preset_key: str,
    *,
    audiogram_style: str | None,
    caption_style: str | None = None,
    cuts: CutList | None = None,
    brand: BrandLook | None = None,
) -> RenderSnapshot:
    """What a render of ``clip`` uses, frozen at request time (a later clip edit does not change it).

    ``caption_style`` None takes the clip's own; ``cuts`` are the clip's cuts resolved for the preset
    (:func:`export_cuts`), None or empty for the range whole. The clip's layout and look choices go
    with it, and the words of its highlight's hashtags as the keywords captions emphasise.
    """
    from spaceclip.services.render.captions.emphasis import hashtag_words
    from spaceclip.usecases.clips import clip_layout, clip_look

    look = clip_look(clip)
    session = object_session(clip)
    highlight = session.get(Highlight, clip.highlight_id) if session is not None and clip.highlight_id else None
    return RenderSnapshot(
        platform=preset_key,
        start=clip.start,
        end=clip.end,
        title=clip.title,
        caption_style=caption_style or clip.caption_style,
        audiogram_style=audiogram_style,
        speaker_colors=clip.speaker_colors,
        cuts=cuts if cuts is not None and cuts.cuts else None,
        brand=brand,
        layout_mode=clip_layout(clip),
        speaker_badges=look["speaker_badges"],
        emphasis=look["emphasis"],
        emoji=look["emoji"],
        keywords=tuple(hashtag_words(highlight.hashtags or [])) if highlight is not None else (),
        caption_size=look["caption_size"],
        caption_position=look["caption_position"],
    )


def export_cuts(db: Session, clip: Clip, preset: presets.Preset) -> CutList:
    """The clip's cuts for an export to ``preset``: its choices, the preset's defaults where it has none
    (fillers and pauses cut on 9:16), snapped to the preset's frame rate."""
    from spaceclip.usecases.clips import clip_words, cut_choices, plan_clip_cuts

    return plan_clip_cuts(clip.start, clip.end, clip_words(db, clip), cut_choices(clip), preset)


def check_export_length(cut_list: CutList, preset: presets.Preset) -> None:
    """Refuse an export whose length after cuts the platform does not take, saying by how much.

    Raises:
        ValidationFailed: too short or too long for ``preset``.
    """
    length, whole = cut_list.duration, cut_list.end - cut_list.start
    runs = f"After cuts this clip runs {length:.1f} s" if cut_list.cuts else f"This clip runs {length:.1f} s"
    if length < preset.min_duration - 1e-6:
        short = math.ceil((preset.min_duration - length) * 10 - 1e-6) / 10
        raise ValidationFailed(
            f"{runs}; {preset.name} needs at least {preset.min_duration:g} s: {short:.1f} s short. "
            + ("Widen the clip or restore some cuts, then export again." if length < whole else "Widen the clip.")
        )
    if length > preset.max_duration + 1e-6:
        raise ValidationFailed(
            f"{runs}; {preset.name} allows at most {preset.max_duration:g} s: "
            f"{length - preset.max_duration:.1f} s too long. Shorten the clip, or choose another platform."
        )


def _export_audiogram(clip: Clip, *, audiogram: bool, has_video: bool) -> str | None:
    """The audiogram an export draws: the clip's style when asked for or when there is no picture."""
    if audiogram or not has_video:
        return clip.audiogram_style or DEFAULT_AUDIOGRAM_STYLE
    return None


def _get_clip(db: Session, owner_id: str, clip_id: str) -> Clip:
    from spaceclip.usecases.clips import get_clip

    return get_clip(db, owner_id, clip_id)


def _clip_text(db: Session, clip: Clip) -> str:
    """The text an export of ``clip`` draws: its words, its title and its speakers' names."""
    if db.get(TranscriptRow, clip.project_id) is None:
        return clip.title or ""
    transcript = load_transcript(db, clip.project_id)
    segments = [s for s in transcript.segments if s.end > clip.start and s.start < clip.end]
    words = [w.word for s in segments for w in s.words if w.end > clip.start and w.start < clip.end]
    names = {s.speaker or "" for s in segments}
    return " ".join([clip.title or "", *words, *sorted(names)])


@transactional
def create_export(
    db: Session, owner_id: str, clip_id: str, platform: str, settings: Settings, *, audiogram: bool = False
) -> tuple[Export, Job]:
    """Add an export row and its render job to the current transaction (commit, then enqueue the job).

    Raises:
        NotFound: the clip is not the owner's.
        UserError: the platform is unknown (the message lists the valid ones).
        Conflict: the project has no media yet.
        ValidationFailed: the clip after its cuts is too short or too long for the platform.
    """
    clip = _get_clip(db, owner_id, clip_id)
    preset = presets.get_preset(platform)
    project = db.get(Project, clip.project_id)
    if project is None or project.owner_id != owner_id:
        raise NotFound(NOT_FOUND_MESSAGE)
    if project.media_path is None or project.media_info is None:
        raise Conflict("This project's media is not ready yet. Wait for its analysis to finish, then export.")
    has_video = bool(project.media_info.get("has_video"))
    cuts = export_cuts(db, clip, preset)
    check_export_length(cuts, preset)
    # The account's brand kit as it is now: a later edit of the kit does not change this export.
    brand = brand_store.export_brand(db, Storage(settings), owner_id, preset, cuts.duration)
    export = Export(
        clip_id=clip.id,
        project_id=project.id,
        owner_id=owner_id,
        platform=preset.key,
        status=ExportStatus.QUEUED,
        settings=snapshot(
            clip,
            preset.key,
            audiogram_style=_export_audiogram(clip, audiogram=audiogram, has_video=has_video),
            cuts=cuts,
            brand=brand,
        ).to_dict(),
    )
    # Told now, before the render: the clip's characters the brand font cannot draw.
    if brand is not None and brand.font is not None:
        font_note = brand_store.export_font_note(brand, Storage(settings), _clip_text(db, clip))
        export.settings = {**export.settings, "font_note": font_note}
    db.add(export)
    db.flush()
    job = create_job(db, project, RENDER_JOB, settings, params={"export_id": export.id})
    export.job_id = job.id
    db.flush()
    return export, job


def list_exports(db: Session, owner_id: str, clip_id: str) -> Sequence[Export]:
    """The clip's exports, newest first (404 when the clip is not the owner's)."""
    _get_clip(db, owner_id, clip_id)
    stmt = (
        select(Export)
        .where(Export.clip_id == clip_id, Export.owner_id == owner_id)
        .order_by(Export.created_at.desc(), Export.id.desc())
    )
    return db.scalars(stmt).all()


def get_export(db: Session, owner_id: str, export_id: str) -> Export:
    """The owner's export; another user's or a missing id raises :class:`NotFound` alike."""
    export = db.scalars(select(Export).where(Export.id == export_id, Export.owner_id == owner_id)).first()
    if export is None:
        raise NotFound(NOT_FOUND_MESSAGE)
    return export


def delete_export(db: Session, owner_id: str, export_id: str, settings: Settings) -> None:
    """Cancel the export's render if it still runs, delete its row (committed), then its files."""
    with transaction(db):
        export = get_export(db, owner_id, export_id)
        if export.job_id is not None:
            job = db.get(Job, export.job_id)
            if job is not None and job.status not in TERMINAL_JOB_STATUSES:
                cancel_job(db, job)
        folder = export_dir(Storage(settings), export.project_id, export.id)
        db.delete(export)
    # A render still finishing finds the row gone and removes what it wrote (tasks/render.py).
    if folder.exists():
        shutil.rmtree(folder)
        log.info("Deleted export files %s", folder)


def download_name(title: str | None, platform: str, extension: str) -> str:
    """``<clip-title>-<platform>.<ext>``: ASCII letters, digits, ``-`` and ``_`` only, at most 100 chars.

    Accents are folded (``Café`` → ``Cafe``); anything else becomes ``-``; an empty title gives ``clip``.
    """
    folded = unicodedata.normalize("NFKD", title or "").encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^A-Za-z0-9_]+", "-", folded).strip("-_")[:80].strip("-_") or "clip"
    plat = re.sub(r"[^A-Za-z0-9_]+", "-", platform).strip("-") or "export"
    return f"{slug}-{plat}.{extension}"


def export_file(export: Export, kind: str, settings: Settings) -> ExportFile:
    """One of the export's files, checked to exist inside its folder.

    Raises:
        NotFound: the export has no such file (not rendered yet, failed, or deleted from disk).
    """
    attr, media_type, ext = _FILES[kind]
    relative = getattr(export, attr)
    if export.status != ExportStatus.DONE or relative is None:
        raise NotFound(
            f"This export has no {kind} file yet (it is {export.status}). Wait for the render to finish, "
            "or render the clip again."
        )
    path = _resolve_output(Storage(settings), export, relative)
    if not path.is_file():
        raise NotFound(f"The {kind} file of this export is missing on the server. Render the clip again.")
    title = (export.settings or {}).get("title")
    return ExportFile(path=path, media_type=media_type, filename=download_name(title, export.platform, ext))


# --- API views -----------------------------------------------------------------------------------


def export_public(export: Export) -> ExportPublic:
    """The API view of an export row."""
    return ExportPublic(
        id=export.id,
        clip_id=export.clip_id,
        project_id=export.project_id,
        job_id=export.job_id,
        platform=export.platform,
        status=export.status,
        error=export.error,
        check=ExportCheckPublic.model_validate(export.check) if export.check else None,
        size_bytes=export.size_bytes,
        duration=export.duration,
        settings=dict(export.settings or {}),
        has_video=export.video_path is not None,
        has_srt=export.srt_path is not None,
        has_vtt=export.vtt_path is not None,
        has_thumbnail=export.thumbnail_path is not None,
        created_at=export.created_at,
        updated_at=export.updated_at,
    )


def preset_public(preset: presets.Preset) -> PresetPublic:
    safe = preset.safe
    return PresetPublic(
        key=PlatformKey(preset.key),
        name=preset.name,
        width=preset.width,
        height=preset.height,
        fps=preset.fps,
        aspect=preset.aspect,
        min_duration=preset.min_duration,
        max_duration=preset.max_duration,
        max_size_bytes=preset.max_size_bytes,
        video_bitrate=preset.video_bitrate,
        audio_bitrate=preset.audio_bitrate,
        safe=SafeAreaPublic(top=safe.top, bottom=safe.bottom, left=safe.left, right=safe.right),
    )


def render_options() -> RenderOptions:
    """Every preset, caption style and audiogram style, for the pickers."""
    import spaceclip.services.render.audiogram as audiogram
    import spaceclip.services.render.captions as captions

    return RenderOptions(
        platforms=[preset_public(p) for p in presets.PRESETS.values()],
        caption_styles=[
            CaptionStylePublic(key=CaptionStyleKey(k), name=s.name, description=s.description)
            for k, s in captions.CAPTION_STYLES.items()
        ],
        audiogram_styles=[
            AudiogramStylePublic(key=AudiogramStyleKey(k), name=s.name, description=s.description)
            for k, s in audiogram.AUDIOGRAM_STYLES.items()
        ],
    )


def clip_preview(
    db: Session,
    owner_id: str,
    clip_id: str,
    settings: Settings,
    work_dir: Path,
    *,
    platform: str,
    caption_style: str | None,
    audiogram_style: str | None,
) -> bytes:
    """A PNG frame of the clip rendered with these choices (defaults: the clip's own styles).

    The frame is taken at the clip's first spoken word plus a moment, so captions show.
    """
    from spaceclip.services.render.render import render_frame

    clip = _get_clip(db, owner_id, clip_id)
    preset = presets.get_preset(platform)
    project = db.get(Project, clip.project_id)
    if project is None or project.media_path is None or project.media_info is None:
        raise Conflict("This project's media is not ready yet. Wait for its analysis to finish.")
    storage = Storage(settings)
    source = storage.resolve(project.media_path)
    transcript = load_transcript(db, project.id)
    snap = snapshot(
        clip,
        preset.key,
        audiogram_style=audiogram_style,
        caption_style=caption_style,
        cuts=export_cuts(db, clip, preset),
        brand=brand_store.brand_look(db, owner_id),
    )
    spec = clip_spec(
        snap, source=source, info=MediaInfo.from_dict(project.media_info), transcript=transcript,
        resolve=storage.resolve, speaker_photos=speaker_photos(db, storage, project.id),
    )  # fmt: skip
    return render_frame(spec, preview_offset(transcript, clip.start, clip.end), settings, work_dir)


def preview_offset(transcript: Transcript, start: float, end: float) -> float:
    """Seconds into the clip for a preview frame: inside the first word, after a short lead-in."""
    for word in transcript.words:
        if word.end > start and word.start < end:
            return max(0.0, min(end, (word.start + word.end) / 2) - start) + 0.4
    return min(1.0, max(0.0, (end - start) / 2))


@dataclass(frozen=True)
class RenderInputs:
    """What the ``render`` job renders: the clip's spec, for the export's platform."""

    spec: ClipSpec
    platform: str


@transactional
def begin_render(db: Session, storage: Storage, project_id: str, export_id: str) -> RenderInputs | None:
    """Mark the export as rendering and build its spec from the snapshot taken at request time;
    None when the export or its project was deleted.

    Raises:
        Conflict: the project's media is gone or was never analysed.
    """
    export = db.get(Export, export_id)
    project = db.get(Project, project_id)
    if export is None or project is None:
        return None
    if project.media_path is None or project.media_info is None:
        raise Conflict("This project's media is gone or not analysed yet. Analyse it again, then export.")
    export.status = ExportStatus.RENDERING
    export.error = None
    snap = RenderSnapshot.from_dict(dict(export.settings or {}))
    source = storage.resolve(project.media_path)
    spec = clip_spec(
        snap,
        source=source,
        info=MediaInfo.from_dict(project.media_info),
        transcript=load_transcript(db, project_id),
        audio_path=source.parent / AUDIO_NAME,
        resolve=storage.resolve,
        speaker_photos=speaker_photos(db, storage, project_id),
    )
    return RenderInputs(spec=spec, platform=snap.platform)


@transactional
def store_render(db: Session, storage: Storage, export_id: str, result: RenderResult) -> bool:
    """Store the rendered files, their check and the framing on the export, now done; False when the
    export was deleted while rendering (its files are then the caller's to remove).

    Runs in the transaction that marks the ``render`` job succeeded.
    """
    export = db.get(Export, export_id)
    if export is None:
        return False
    export.status = ExportStatus.DONE
    export.error = None
    export.video_path = relative_output(storage, result.video)
    export.srt_path = relative_output(storage, result.srt) if result.srt else None
    export.vtt_path = relative_output(storage, result.vtt) if result.vtt else None
    export.thumbnail_path = relative_output(storage, result.thumbnail) if result.thumbnail else None
    export.size_bytes = result.size_bytes
    export.duration = result.duration
    export.check = result.check
    # How the picture was framed (crop:track follows the speaker), for the UI and the API.
    export.settings = {**(export.settings or {}), "layout": result.layout, "layout_note": result.layout_note}
    return True
