"""The ``clean`` job: the project's whole episode without its filler words and long pauses.

Safe to run twice: the files go to ``output_dir/<project>/clean/<job>/``, each written under a temp
name and renamed (:func:`spaceclip.services.edit.clean.clean_episode`), and the folder is emptied
first. The job's ``result`` names them; once it has succeeded, older clean-ups' folders are removed.
"""

from __future__ import annotations

import logging
import shutil
from typing import Any

from spaceclip.services.edit.clean import clean_episode
from spaceclip.services.ingest.storage import Storage
from spaceclip.tasks.registry import TaskSpec
from spaceclip.tasks.runner import JobContext
from spaceclip.usecases.clean import clean_dir, clean_inputs, cut_settings

log = logging.getLogger(__name__)

STEM = "episode"


def run(ctx: JobContext) -> dict[str, Any]:
    """Clean the job's project with the job's choices and name the files in the result."""
    storage = Storage(ctx.settings)
    with ctx.session() as db:
        inputs = clean_inputs(db, storage, ctx.project_id)
    if inputs is None:
        return {"skipped": "project deleted"}
    choices = cut_settings(ctx.params)
    folder = clean_dir(storage, ctx.project_id, ctx.job_id, create=True)
    for stale in folder.iterdir():  # a killed attempt's leftovers
        if stale.is_file():
            stale.unlink(missing_ok=True)
    # MP4 for a video, M4A (AAC) for sound alone: what every player and podcast host takes.
    out = folder / f"{STEM}.clean{'.mp4' if inputs.info.has_video else '.m4a'}"
    ctx.progress("clean", 0.0, "Planning the cuts")
    result = clean_episode(
        inputs.source, inputs.info, inputs.transcript, choices, out, ctx.settings,
        progress=lambda stage, f, msg: ctx.progress(stage, f, msg), cancel=ctx.should_stop,
        chapters=inputs.chapters,
    )  # fmt: skip
    summary: dict[str, Any] = {
        **result.summary(),
        "job_id": ctx.job_id,
        "files": {"media": result.media.name, "otio": result.otio.name, "srt": result.srt.name, "vtt": result.vtt.name},
        "size_bytes": result.media.stat().st_size,
    }
    before, after = summary["duration_before"], summary["duration_after"]
    message = f"Cleaned: {before:.0f} s down to {after:.0f} s ({summary['cuts']} cuts)"
    with ctx.finishing(summary, message=message):
        pass
    for older in folder.parent.iterdir():
        if older.is_dir() and older.name != ctx.job_id:
            log.info("Removing an older clean-up %s", older)
            shutil.rmtree(older, ignore_errors=True)
    return summary


TASK = TaskSpec(run=run)
