"""The ``render`` job: one export of a clip for one platform preset.

Safe to run twice: the files are keyed by the export id (``output_dir/<project>/<export>/clip.*``),
each is written to a temp name and renamed, leftovers of a killed attempt are removed first, and the
export row is updated in the transaction that marks the job succeeded. A failed or cancelled render
leaves the export ``failed`` with the message.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

from spaceclip.services.ingest.storage import Storage
from spaceclip.services.render.render import render_clip
from spaceclip.tasks.registry import TaskSpec
from spaceclip.tasks.runner import JobContext
from spaceclip.usecases.exports import STEM, begin_render, export_dir, store_render

log = logging.getLogger(__name__)


def _clean_leftovers(folder: Path) -> None:
    for stale in folder.glob(".*"):
        if stale.is_file():
            log.info("Removing leftover %s", stale)
            stale.unlink(missing_ok=True)


def run(ctx: JobContext) -> dict[str, Any]:
    """Render the export named in the job's params and store its files and check result."""
    export_id = str(ctx.params["export_id"])
    storage = Storage(ctx.settings)
    with ctx.session() as db:
        inputs = begin_render(db, storage, ctx.project_id, export_id)
    if inputs is None:
        return {"skipped": "export deleted"}
    spec, platform = inputs.spec, inputs.platform
    folder = export_dir(storage, ctx.project_id, export_id, create=True)
    _clean_leftovers(folder)
    ctx.progress("render", 0.0, "Starting the render")
    result = render_clip(
        spec, folder, ctx.settings, stem=STEM, progress=lambda stage, f, msg: ctx.progress(stage, f, msg),
        cancel=ctx.should_stop,
    )  # fmt: skip
    summary = {
        "export_id": export_id,
        "platform": platform,
        "passed": result.passed,
        "duration": result.duration,
        "size_bytes": result.size_bytes,
        "layout": result.layout,
        "layout_note": result.layout_note,
    }
    message = "Export ready" if result.passed else "Export ready, but it does not meet every platform rule"
    if result.layout_note:
        message = f"{message}. {result.layout_note}"
    with ctx.finishing(summary, message=message) as db:
        if not store_render(db, storage, export_id, result):
            shutil.rmtree(folder, ignore_errors=True)  # deleted while rendering
            return {"skipped": "export deleted"}
    return summary


TASK = TaskSpec(run=run)
