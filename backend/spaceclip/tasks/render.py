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

from spaceclip.errors import Conflict
from spaceclip.models.tables import Export, ExportStatus, Project
from spaceclip.services.analysis import AUDIO_NAME
from spaceclip.services.ingest.storage import Storage
from spaceclip.services.media.probe import MediaInfo
from spaceclip.services.render.render import render_clip
from spaceclip.services.render.spec import ClipSpec, RenderSnapshot, clip_spec
from spaceclip.tasks.registry import TaskSpec
from spaceclip.tasks.runner import JobContext
from spaceclip.usecases.exports import STEM, export_dir, relative_output
from spaceclip.usecases.transcripts import load_transcript

log = logging.getLogger(__name__)


def _clean_leftovers(folder: Path) -> None:
    for stale in folder.glob(".*"):
        if stale.is_file():
            log.info("Removing leftover %s", stale)
            stale.unlink(missing_ok=True)


def _load_spec(ctx: JobContext, export_id: str, storage: Storage) -> tuple[ClipSpec, str] | None:
    with ctx.session() as db:
        export = db.get(Export, export_id)
        project = db.get(Project, ctx.project_id)
        if export is None or project is None:
            return None
        if project.media_path is None or project.media_info is None:
            raise Conflict("This project's media is gone or not analysed yet. Analyse it again, then export.")
        export.status = ExportStatus.RENDERING
        export.error = None
        stored: dict[str, Any] = dict(export.settings or {})
        transcript = load_transcript(db, ctx.project_id)
        source = storage.resolve(project.media_path)
        info = MediaInfo.from_dict(project.media_info)
    snap = RenderSnapshot.from_dict(stored)
    spec = clip_spec(snap, source=source, info=info, transcript=transcript, audio_path=source.parent / AUDIO_NAME)
    return spec, snap.platform


def run(ctx: JobContext) -> dict[str, Any]:
    """Render the export named in the job's params and store its files and check result."""
    export_id = str(ctx.params["export_id"])
    storage = Storage(ctx.settings)
    loaded = _load_spec(ctx, export_id, storage)
    if loaded is None:
        return {"skipped": "export deleted"}
    spec, platform = loaded
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
    }
    message = "Export ready" if result.passed else "Export ready, but it does not meet every platform rule"
    with ctx.finishing(summary, message=message) as db:
        export = db.get(Export, export_id)
        if export is None:
            shutil.rmtree(folder, ignore_errors=True)  # deleted while rendering
            return {"skipped": "export deleted"}
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
        export.settings = {**(export.settings or {}), "layout": result.layout}
    return summary


TASK = TaskSpec(run=run)
