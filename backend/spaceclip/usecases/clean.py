"""A project's whole episode cleaned: fillers and long pauses out, as a ``clean`` job, and its files.

:func:`start_clean` checks the project can be cleaned and queues the job with the creator's choices;
the job (:mod:`spaceclip.tasks.clean`) writes ``output_dir/<project>/clean/<job>/`` (the episode,
``.otio``, ``.srt``, ``.vtt``) and its account is the job's ``result``. :func:`clean_state` is the
latest clean job with that account; :func:`clean_file` one of its files for download. A newer clean
replaces the files of older ones when it succeeds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from spaceclip.config import Settings
from spaceclip.db import transactional
from spaceclip.errors import Conflict, NotFound, ValidationFailed
from spaceclip.models.tables import TERMINAL_JOB_STATUSES, ChapterList, Job, JobStatus, Project
from spaceclip.models.tables import Transcript as TranscriptRow
from spaceclip.services.edit.chapters import Chapter
from spaceclip.services.edit.cuts import DEFAULT_PAUSE_OVER_S, DEFAULT_PAUSE_TO_S, CutSettings
from spaceclip.services.ingest.storage import Storage
from spaceclip.services.media.probe import MediaInfo
from spaceclip.services.speech.transcript import Transcript
from spaceclip.usecases.chapters import chapters_of
from spaceclip.usecases.jobs import create_job
from spaceclip.usecases.transcripts import load_transcript

__all__ = [
    "CLEAN_FILES",
    "CLEAN_JOB",
    "CleanInputs",
    "CleanState",
    "clean_dir",
    "clean_file",
    "clean_inputs",
    "clean_state",
    "cut_settings",
    "start_clean",
]

CLEAN_JOB = "clean"
#: What a finished clean offers for download: the result key of each file, and its media type.
CLEAN_FILES: dict[str, str] = {
    "media": "",  # the episode's own: video/mp4 or audio/mp4
    "otio": "application/json",
    "srt": "application/x-subrip",
    "vtt": "text/vtt",
}
NO_MEDIA = "This project has no media file yet. Wait for its upload or download to finish, then clean it."
NO_TRANSCRIPT = "This project has no transcript yet. Wait for its analysis to finish (or start it), then clean it."
NOT_CLEANED = "This episode has not been cleaned yet. Start a clean-up on the project page, then download it."


def cut_settings(params: Mapping[str, Any]) -> CutSettings:
    """The creator's choices as :class:`CutSettings`; raises ValidationFailed when they cannot work."""
    choices = CutSettings(
        remove_fillers=bool(params.get("remove_fillers", True)),
        shorten_pauses=bool(params.get("shorten_pauses", True)),
        pause_over_s=float(params.get("pause_over_s", DEFAULT_PAUSE_OVER_S)),
        pause_to_s=float(params.get("pause_to_s", DEFAULT_PAUSE_TO_S)),
    )
    if not (choices.remove_fillers or choices.shorten_pauses):
        raise ValidationFailed("Choose what to cut: filler words, long pauses or both.")
    if choices.shorten_pauses and choices.pause_to_s >= choices.pause_over_s:
        raise ValidationFailed(
            f"Pauses over {choices.pause_over_s:g} s cannot be shortened to {choices.pause_to_s:g} s. "
            "Make the second number smaller than the first."
        )
    return choices


def clean_dir(storage: Storage, project_id: str, job_id: str, *, create: bool = False) -> Path:
    """Where the ``clean`` job ``job_id`` writes its files."""
    if not job_id.isalnum():
        raise ValidationFailed("That clean-up id is not valid. Open the project page and try again.")
    folder = storage.output_dir(project_id, create=create) / "clean" / job_id
    if create:
        folder.mkdir(parents=True, exist_ok=True)
    return folder


def _active(db: Session, project_id: str, kinds: list[str]) -> Job | None:
    return db.scalars(
        select(Job).where(
            Job.project_id == project_id, Job.kind.in_(kinds), Job.status.not_in(list(TERMINAL_JOB_STATUSES))
        )
    ).first()


@transactional
def start_clean(db: Session, project: Project, settings: Settings, params: Mapping[str, Any]) -> Job:
    """Queue a ``clean`` job for the whole episode (commit, then enqueue the returned job).

    Raises:
        ValidationFailed: choices that cannot work (nothing to cut, Y not under X).
        Conflict: no media or transcript yet, or an analysis or another clean-up still running.
    """
    choices = cut_settings(params)
    if not project.media_path or not project.media_info:
        raise Conflict(NO_MEDIA)
    if db.get(TranscriptRow, project.id) is None:
        raise Conflict(NO_TRANSCRIPT)
    active = _active(db, project.id, ["analyze", CLEAN_JOB])
    if active is not None:
        raise Conflict(f"This project already has a {active.kind} job {active.status}. Wait for it to finish first.")
    stored: dict[str, object] = {
        "remove_fillers": choices.remove_fillers,
        "shorten_pauses": choices.shorten_pauses,
        "pause_over_s": choices.pause_over_s,
        "pause_to_s": choices.pause_to_s,
    }
    return create_job(db, project, CLEAN_JOB, settings, params=stored)


@dataclass(frozen=True)
class CleanInputs:
    """What a ``clean`` job works from: the stored media, its probe and the transcript."""

    source: Path
    info: MediaInfo
    transcript: Transcript
    name: str
    chapters: tuple[Chapter, ...] = ()


@transactional
def clean_inputs(db: Session, storage: Storage, project_id: str) -> CleanInputs | None:
    """The project's media, transcript (speakers by the creator's names) and chapters; None when it was deleted.

    Raises:
        Conflict: the media file is gone or the transcript was removed.
    """
    project = db.get(Project, project_id)
    if project is None:
        return None
    if not project.media_path or not project.media_info:
        raise Conflict(NO_MEDIA)
    source = storage.resolve(project.media_path)
    if not source.is_file():
        raise Conflict(NO_MEDIA)
    if db.get(TranscriptRow, project_id) is None:
        raise Conflict(NO_TRANSCRIPT)
    return CleanInputs(
        source=source,
        info=MediaInfo.from_dict(project.media_info),
        transcript=load_transcript(db, project_id),
        name=project.name,
        chapters=tuple(chapters_of(db.get(ChapterList, project_id))),
    )


@dataclass(frozen=True)
class CleanState:
    """The project's latest clean-up: its job (None when there was none) and, once done, its account."""

    job: Job | None
    result: dict[str, Any] | None


def clean_state(db: Session, project: Project) -> CleanState:
    """The latest ``clean`` job of ``project`` and the account of the latest one that succeeded."""
    jobs = list(
        db.scalars(
            select(Job).where(Job.project_id == project.id, Job.kind == CLEAN_JOB).order_by(Job.created_at.desc())
        )
    )
    done = next((j for j in jobs if j.status == JobStatus.SUCCEEDED and j.result and "files" in j.result), None)
    return CleanState(job=jobs[0] if jobs else None, result=dict(done.result) if done and done.result else None)


@dataclass(frozen=True)
class CleanFile:
    path: Path
    media_type: str
    filename: str


def clean_file(db: Session, project: Project, kind: str, settings: Settings) -> CleanFile:
    """One file of the latest finished clean-up of ``project``.

    Raises:
        NotFound: never cleaned, or the file is gone (clean it again).
        ValidationFailed: an unknown ``kind``.
    """
    if kind not in CLEAN_FILES:
        raise ValidationFailed(f"There is no {kind!r} file. Ask for one of: {', '.join(CLEAN_FILES)}.")
    state = clean_state(db, project)
    if state.result is None:
        raise NotFound(NOT_CLEANED)
    name = str(state.result["files"].get(kind) or "")
    if not name or PurePosixPath(name).name != name or name.startswith("."):
        raise NotFound(NOT_CLEANED)
    job_id = str(state.result.get("job_id") or "")
    path = clean_dir(Storage(settings), project.id, job_id) / name if job_id else None
    if path is None or not path.is_file():
        raise NotFound("The cleaned file is gone from the server's storage. Clean the episode again.")
    media_type = CLEAN_FILES[kind] or (
        "video/mp4" if path.suffix.lower() in (".mp4", ".m4v", ".mov") else _audio_type(path.suffix.lower())
    )
    stem = "".join(ch if ch.isalnum() or ch in "-_ " else "" for ch in project.name).strip() or "episode"
    return CleanFile(path=path, media_type=media_type, filename=f"{stem}.clean{path.suffix.lower()}")


def _audio_type(suffix: str) -> str:
    return {".m4a": "audio/mp4", ".mp3": "audio/mpeg", ".wav": "audio/wav", ".flac": "audio/flac"}.get(
        suffix, "audio/ogg" if suffix in (".ogg", ".opus") else "application/octet-stream"
    )
