"""The ``analyze`` job: (download) → probe → 16 kHz audio → transcript → speakers → highlights, stored.

The transcript is in the project's language when it has one, else in ``WHISPER_LANGUAGE``, else in
the language the model detects; the language it ends up in is stored with it.

Safe to run twice: the download and the audio are written to temp names and renamed, a finished
``audio.wav`` is reused, and the transcript rows and the ``analyze`` batch of highlights are
replaced in the transaction that marks the job succeeded.
"""

from __future__ import annotations

import logging
from typing import Any

from spaceclip.errors import JobCancelled
from spaceclip.services.analysis import AnalysisResult, analyze_media, find_media_highlights
from spaceclip.services.highlights.types import HighlightResult
from spaceclip.services.ingest.storage import Storage
from spaceclip.services.speech.model_language import check_model_language, with_language
from spaceclip.tasks.registry import TaskSpec
from spaceclip.tasks.runner import JobContext
from spaceclip.usecases.analysis import begin_analysis, record_download, store_analysis

log = logging.getLogger(__name__)

DOWNLOAD_SHARE = 0.25  # of the progress bar, when the source is a URL


def _download(ctx: JobContext, project_id: str, url: str, storage: Storage) -> str | None:
    """Download the project's link into its folder; the stored path, or None if it was deleted."""
    from spaceclip.services.ingest.download import download_url

    ctx.progress("download", 0.0, "Downloading the media")
    result = download_url(
        url,
        storage.project_dir(project_id, create=True),
        ctx.settings,
        progress=lambda f: ctx.progress("download", DOWNLOAD_SHARE * f, "Downloading the media"),
        cancel=ctx.should_stop,
    )
    media_path = storage.relative(result.path)
    with ctx.session() as db:
        stored = record_download(
            db,
            project_id,
            media_path=media_path,
            size_bytes=result.path.stat().st_size,
            title=result.title,
        )
    return media_path if stored else None


def run(ctx: JobContext) -> dict[str, Any]:
    """Run the analysis of the job's project and store its transcript."""
    storage = Storage(ctx.settings)
    with ctx.session() as db:
        found = begin_analysis(db, ctx.project_id)
    if found is None:
        return {"skipped": "project deleted"}
    # The project's language (else WHISPER_LANGUAGE), refused before any work if the model cannot hear it.
    settings = with_language(ctx.settings, found.language)
    check_model_language(settings)
    media_path, url = found.media_path, found.source_url
    if media_path is None:
        if not url:
            raise RuntimeError(f"project {ctx.project_id} has neither a file nor a URL")
        media_path = _download(ctx, ctx.project_id, url, storage)
        if media_path is None:
            return {"skipped": "project deleted"}
        start = DOWNLOAD_SHARE
    else:
        start = 0.0
    source = storage.resolve(media_path)
    result = analyze_media(
        source,
        source.parent,
        settings,
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
        store_analysis(db, ctx.project_id, transcript, result.info, highlights, model=ctx.settings.whisper_model)
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
