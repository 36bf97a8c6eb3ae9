"""The analysis of a project: starting its job (first run, retry, or re-run with a speaker hint),
and what the ``analyze`` job reads and writes on the project as it goes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from sqlalchemy import select
from sqlalchemy.orm import Session

from spaceclip.config import Settings
from spaceclip.db import transactional
from spaceclip.errors import Conflict
from spaceclip.models.tables import TERMINAL_JOB_STATUSES, Job, Project, ProjectStatus
from spaceclip.services.highlights.types import HighlightResult
from spaceclip.services.media.probe import MediaInfo
from spaceclip.services.speech.model_language import check_model_language, with_language
from spaceclip.services.speech.transcript import Transcript
from spaceclip.usecases.highlights import replace_analyze_highlights
from spaceclip.usecases.jobs import create_job
from spaceclip.usecases.transcripts import save_transcript

ANALYZE_JOB = "analyze"


@transactional
def start_analysis(db: Session, project: Project, settings: Settings, *, num_speakers: int | None = None) -> Job:
    """Queue an ``analyze`` job for ``project`` (commit, then enqueue the returned job).

    Raises:
        Conflict: the project already has a job waiting or running.
        LanguageNotSupported: the project's language is not one the server's Whisper model knows
            (nothing is queued or changed).
    """
    active = db.scalars(
        select(Job).where(Job.project_id == project.id, Job.status.not_in(list(TERMINAL_JOB_STATUSES)))
    ).first()
    if active is not None:
        raise Conflict(
            f"This project already has a {active.kind} job {active.status}. Wait for it to finish or cancel it first."
        )
    check_model_language(with_language(settings, project.language))
    project.status = ProjectStatus.QUEUED
    project.error = None
    params: dict[str, object] | None = {"num_speakers": num_speakers} if num_speakers else None
    return create_job(db, project, ANALYZE_JOB, settings, params=params)


@dataclass(frozen=True)
class AnalysisSource:
    """Where a project's media is (a stored file, or a link still to download), and its language."""

    media_path: str | None
    source_url: str | None
    language: str | None = None  # the project's language setting; None: detect


@transactional
def begin_analysis(db: Session, project_id: str) -> AnalysisSource | None:
    """Mark the project as analysing; its media, or None when the project was deleted."""
    project = db.get(Project, project_id)
    if project is None:
        return None
    project.status = ProjectStatus.ANALYZING
    project.error = None
    return AnalysisSource(media_path=project.media_path, source_url=project.source_url, language=project.language)


@transactional
def record_download(db: Session, project_id: str, *, media_path: str, size_bytes: int, title: str | None) -> bool:
    """Store the downloaded file on the project (named after the page's title when it still bears
    its link); False when the project was deleted meanwhile."""
    project = db.get(Project, project_id)
    if project is None:
        return False
    project.media_path = media_path
    project.size_bytes = size_bytes
    project.original_filename = PurePosixPath(media_path).name
    if title and project.name == project.source_url:
        project.name = title[:300]
    return True


@transactional
def store_analysis(
    db: Session,
    project_id: str,
    transcript: Transcript,
    info: MediaInfo,
    highlights: HighlightResult | None,
    *,
    model: str,
) -> None:
    """Store the transcript, the ``analyze`` batch of highlights and the media facts; project ready.

    Runs in the transaction that marks the job succeeded. Nothing is written for a deleted project.
    """
    project = db.get(Project, project_id)
    if project is None:
        return
    save_transcript(db, project_id, transcript, model=model)
    if highlights is not None:
        replace_analyze_highlights(db, project_id, highlights)
    project.media_info = info.to_dict()
    project.status = ProjectStatus.READY
    project.error = None
