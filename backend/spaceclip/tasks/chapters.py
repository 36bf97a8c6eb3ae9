"""The ``chapters`` job: plan a project's chapters from its transcript's topics (titles from the
local LLM when it answers). Safe to run twice: the list is replaced in the transaction that marks
the job succeeded."""

from __future__ import annotations

from typing import Any

from spaceclip.errors import JobCancelled
from spaceclip.services.highlights.episode_chapters import episode_chapters
from spaceclip.tasks.registry import TaskSpec
from spaceclip.tasks.runner import JobContext
from spaceclip.usecases.chapters import plan_inputs, store_planned


def run(ctx: JobContext) -> dict[str, Any]:
    """Plan and store the chapters of the job's project."""
    with ctx.session() as db:
        transcript = plan_inputs(db, ctx.project_id)
    if transcript is None:
        return {"skipped": "project deleted"}

    def on_progress(fraction: float, message: str) -> None:
        if ctx.should_stop():
            raise JobCancelled()
        ctx.progress("chapters", 0.95 * fraction, message)

    planned = episode_chapters(
        transcript, ctx.settings, use_llm=bool(ctx.params.get("use_llm", True)), progress=on_progress
    )
    summary: dict[str, Any] = {"chapters": len(planned.chapters), "llm_note": planned.llm_note}
    message = (
        f"Planned {len(planned.chapters)} chapters" if planned.chapters else "This episode is too short for chapters"
    )
    if planned.llm_note:
        message += f" ({planned.llm_note})"
    with ctx.finishing(summary, message=message) as db:
        store_planned(db, ctx.project_id, planned.chapters, planned.llm_note)
    return summary


TASK = TaskSpec(run=run)
