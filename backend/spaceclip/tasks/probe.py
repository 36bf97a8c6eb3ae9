"""Job kind ``probe``: check an uploaded file and extract its audio.

project ``probing`` → ffprobe + validation → 16 kHz mono ``audio.wav`` beside the upload → project
``media_info`` and status ``ready_for_analysis``. A file the user must fix (not media, damaged, no
audio, over limits) fails the job and the project with the same message. Safe to run twice: the WAV
is written under a name keyed by job id and attempt and renamed into place; the project's final
state commits together with the job's success.

:func:`probe_project` is reusable as the first stage of a longer job (``analyze``).
"""

from __future__ import annotations

import logging
from typing import Any

from spaceclip.errors import NotFound
from spaceclip.services.analysis import AUDIO_NAME
from spaceclip.services.ingest.storage import Storage
from spaceclip.services.media.probe import ExtractedAudio, MediaInfo, extract_audio, inspect_media
from spaceclip.tasks.registry import TaskSpec
from spaceclip.tasks.runner import JobContext
from spaceclip.usecases.ingest import begin_probe, store_probe

log = logging.getLogger(__name__)

__all__ = ["TASK", "probe_project"]

PROBE_SHARE = 0.05  # of this stage's progress range, for ffprobe + validation


def probe_project(ctx: JobContext, *, start: float = 0.0, end: float = 1.0) -> tuple[MediaInfo, ExtractedAudio]:
    """Probe, validate and extract audio for ``ctx.project_id``, reporting progress in start..end.

    Raises:
        UnsupportedMedia: the file is not usable (the message says why and what to do).
        NotFound: the project or its file is gone.
    """
    with ctx.session() as db:
        media_path = begin_probe(db, ctx.project_id)
    storage = Storage(ctx.settings)
    src = storage.resolve(media_path)
    if not src.is_file():
        raise NotFound("The uploaded file is missing from storage. Upload it again.")
    span = end - start
    ctx.progress("probing", start, "Checking the file")
    info = inspect_media(src, ctx.settings, cancel=ctx.should_stop)
    ctx.check_cancelled()

    dest = src.parent / AUDIO_NAME
    ctx.clean_temps(dest)
    first = start + span * PROBE_SHARE
    ctx.progress("extracting_audio", first, "Extracting audio")

    def report(fraction: float) -> None:
        ctx.progress("extracting_audio", first + (end - first) * fraction, "Extracting audio")

    audio = extract_audio(
        src,
        dest,
        ctx.settings,
        info=info,
        on_progress=report,
        cancel=ctx.should_stop,
        tmp_path=ctx.temp_path(dest),
    )
    return info, audio


def run(ctx: JobContext) -> dict[str, Any]:
    info, audio = probe_project(ctx)
    result = {"audio_path": Storage(ctx.settings).relative(audio.path), "audio_duration_s": audio.duration_s}
    with ctx.finishing(result=result, message="Ready for analysis") as db:
        store_probe(db, ctx.project_id, info)
    log.info("Project %s ready for analysis (%.1f s of audio)", ctx.project_id, audio.duration_s)
    return result


TASK = TaskSpec(run=run)
