"""The ``analyze`` job: (download) → probe → 16 kHz audio → transcript → speakers → highlights, stored.

Safe to run twice: the download and the audio are written to temp names and renamed, a finished
``audio.wav`` is reused, and the transcript rows and the ``analyze`` batch of highlights are
replaced in the transaction that marks the job succeeded.
"""

from __future__ import annotations

import logging
from typing import Any

from spaceclip.errors import JobCancelled
from spaceclip.models.tables import Project, ProjectStatus
from spaceclip.services.analysis import AnalysisResult, analyze_media, find_media_highlights
from spaceclip.services.highlights.types import HighlightResult
from spaceclip.services.ingest.storage import Storage
from spaceclip.tasks.registry import TaskSpec
from spaceclip.tasks.runner import JobContext
from spaceclip.usecases.highlights import replace_analyze_highlights
from spaceclip.usecases.transcripts import save_transcript

log = logging.getLogger(__name__)

DOWNLOAD_SHARE = 0.25  # of the progress bar, when the source is a URL


def _download(ctx: JobContext, project_id: str, url: str, storage: Storage) -> None:
    from spaceclip.services.ingest.download import download_url

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
    highlights, highlight_error = _highlights(ctx, result, start)
    summary: dict[str, Any] = {
        "duration": transcript.duration,
        "language": transcript.language,
        "segments": len(transcript.segments),
        "speakers": len(transcript.speakers),
        "highlights": len(highlights.highlights) if highlights else 0,
        "llm_note": highlights.llm_note if highlights else None,
    }
    message = "Transcript ready"
    if highlights is not None:
        message += f"; {len(highlights.highlights)} highlights found"
        if highlights.llm_note:
            message += f" ({highlights.llm_note})"
    else:
        summary["highlights_error"] = highlight_error
        message += f". {highlight_error}"
    with ctx.finishing(summary, message=message) as db:
        project = db.get(Project, ctx.project_id)
        if project is not None:
            save_transcript(db, ctx.project_id, transcript, model=ctx.settings.whisper_model)
            if highlights is not None:
                replace_analyze_highlights(db, ctx.project_id, highlights)
            project.media_info = result.info.to_dict()
            project.status = ProjectStatus.READY
            project.error = None
    return summary


def _highlights(ctx: JobContext, result: AnalysisResult, start: float) -> tuple[HighlightResult | None, str]:
    """The highlights of the fresh transcript, or None and why.

    The transcript is the analysis' main product: a failure while ranking highlights is logged and
    shown in the job's message, and the creator can run "find more" later, instead of throwing the
    transcript away and retrying the whole analysis.
    """
    try:
        found = find_media_highlights(
            result,
            ctx.settings,
            report=lambda stage, f, msg: ctx.progress(stage, start + (1.0 - start) * f, msg),
            cancel=ctx.should_stop,
        )
    except JobCancelled:
        raise
    except Exception as exc:
        log.exception("Job %s: finding highlights failed; keeping the transcript", ctx.job_id)
        return None, (
            f"Highlights could not be found ({type(exc).__name__}: {str(exc)[:200]}). "
            "Use Find highlights to try again; if it keeps failing, report the worker log."
        )
    return found, ""


TASK = TaskSpec(run=run)
