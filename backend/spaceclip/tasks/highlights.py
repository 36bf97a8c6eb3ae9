"""The ``highlights`` job ("find more"): rank moments in a range or with other lengths, appended as a batch.

Safe to run twice: the batch is keyed by the job id and replaced in the transaction that marks the
job succeeded. Highlights overlapping an existing one by more than 30 %, or saying what one already says, are left out.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from spaceclip.errors import JobCancelled
from spaceclip.services.analysis import AUDIO_NAME
from spaceclip.services.ingest.storage import Storage
from spaceclip.tasks.registry import TaskSpec
from spaceclip.tasks.runner import JobContext
from spaceclip.usecases.clips import platform_limits
from spaceclip.usecases.highlights import (
    drop_duplicates,
    find_more_inputs,
    options_from_params,
    overlap_share,
    store_found_highlights,
)

log = logging.getLogger(__name__)

MAX_ASK = 60  # candidates asked of the ranker, at most, to make up for the duplicates left out


def run(ctx: JobContext) -> dict[str, Any]:
    """Find highlights in the job's project with the job's options and store the new ones."""
    from spaceclip.services.highlights.pipeline import find_highlights

    with ctx.session() as db:
        inputs = find_more_inputs(db, ctx.project_id, ctx.job_id)
    if inputs is None:
        return {"skipped": "project deleted"}
    transcript, existing = inputs.transcript, inputs.existing
    options = options_from_params(ctx.params, platform_limits(ctx.params.get("platform")))
    lo = options.start if options.start is not None else 0.0
    hi = options.end if options.end is not None else transcript.duration
    in_range = sum(1 for s, e in existing if overlap_share(s, e, lo, hi) > 0)
    ask = replace(options, max_count=min(MAX_ASK, options.max_count + in_range))
    audio = Storage(ctx.settings).project_dir(ctx.project_id) / AUDIO_NAME

    def on_progress(fraction: float, message: str = "") -> None:
        if ctx.should_stop():
            raise JobCancelled()
        ctx.progress("highlights", 0.95 * fraction, message or "Finding highlights")

    on_progress(0.0)
    result = find_highlights(
        transcript, ctx.settings, ask, audio_path=audio if audio.is_file() else None, progress=on_progress
    )
    fresh = drop_duplicates(result.highlights, existing, texts=inputs.texts)[: options.max_count]
    summary: dict[str, Any] = {"highlights": len(fresh), "batch": ctx.job_id, "llm_note": result.llm_note}
    if fresh:
        message = f"Found {len(fresh)} new highlights"
    else:
        message = "No new highlights here. Try a wider range or other lengths."
    if result.llm_note:
        message += f" ({result.llm_note})"
    with ctx.finishing(summary, message=message) as db:
        store_found_highlights(db, ctx.project_id, fresh, batch=ctx.job_id, note=result.llm_note)
    return summary


TASK = TaskSpec(run=run)
