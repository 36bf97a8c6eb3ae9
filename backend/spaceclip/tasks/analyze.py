"""The ``analyze`` job: (download) → probe → 16 kHz audio → transcript → speakers, stored.

Safe to run twice: the download and the audio are written to temp names and renamed, a finished
``audio.wav`` is reused, and the transcript rows are replaced in the transaction that marks the
job succeeded.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.orm import Session

from spaceclip.models.tables import Job, Project, ProjectStatus
from spaceclip.services.analysis import analyze_media
from spaceclip.services.storage import Storage
from spaceclip.services.transcript_store import save_transcript
from spaceclip.tasks.registry import TaskSpec
from spaceclip.tasks.runner import JobContext

log = logging.getLogger(__name__)

DOWNLOAD_SHARE = 0.25  # of the progress bar, when the source is a URL


def _download(ctx: JobContext, project_id: str, url: str, storage: Storage) -> None:
    from spaceclip.services.download import download_url

    ctx.progress("download", 0.0, "Downloading the media")
    result = download_url(
        url,
        storage.project_dir(project_id, create=True),
        ctx.settings,
        progress=lambda f: ctx.progress("download", DOWNLOAD_SHARE * f, "Downloading the media"),
        cancel=ctx.should_stop,
    )
    with ctx.session() as db:
        project = db.get(Project, project_id)
        if project is None:
            return
        project.media_path = storage.relative(result.path)
        project.size_bytes = result.path.stat().st_size
        project.original_filename = result.path.name
        if result.title and project.name == project.source_url:
            project.name = result.title[:300]


def run(ctx: JobContext) -> dict[str, Any]:
    """Run the analysis of the job's project and store its transcript."""
    storage = Storage(ctx.settings)
    with ctx.session() as db:
        project = db.get(Project, ctx.project_id)
        if project is None:
            return {"skipped": "project deleted"}
        project.status = ProjectStatus.ANALYZING
        project.error = None
        media_path, url = project.media_path, project.source_url
    if media_path is None:
        if not url:
            raise RuntimeError(f"project {ctx.project_id} has neither a file nor a URL")
        _download(ctx, ctx.project_id, url, storage)
        with ctx.session() as db:
            refreshed = db.get(Project, ctx.project_id)
            media_path = refreshed.media_path if refreshed else None
        if media_path is None:
            return {"skipped": "project deleted"}
        start = DOWNLOAD_SHARE
    else:
        start = 0.0
    source = storage.resolve(media_path)
    result = analyze_media(
        source,
        source.parent,
        ctx.settings,
        num_speakers=ctx.params.get("num_speakers"),
        report=lambda stage, f, msg: ctx.progress(stage, start + (1.0 - start) * f, msg),
        cancel=ctx.should_stop,
    )
    transcript = result.transcript
    summary = {
        "duration": transcript.duration,
        "language": transcript.language,
        "segments": len(transcript.segments),
        "speakers": len(transcript.speakers),
    }
    with ctx.finishing(summary, message="Transcript ready") as db:
        project = db.get(Project, ctx.project_id)
        if project is not None:
            save_transcript(db, ctx.project_id, transcript, model=ctx.settings.whisper_model)
            project.media_info = result.info.to_dict()
            project.status = ProjectStatus.READY
            project.error = None
    return summary


def on_end(db: Session, job: Job, message: str) -> None:
    """A failed or cancelled analysis leaves the project failed with the reason, ready to retry."""
    project = db.get(Project, job.project_id)
    if project is not None:
        project.status = ProjectStatus.FAILED
        project.error = message


TASK = TaskSpec(run=run, on_end=on_end)
