"""What a failed or cancelled job leaves behind on the rows it worked for, by job kind.

Run in the transaction that marks the job failed or cancelled, whoever does it (the worker, the
owner's cancel, the stale-job maintenance, deleting an export), so the project or export shows the
outcome exactly when the job does.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from spaceclip.models.tables import Export, ExportStatus, Job, Project, ProjectStatus

__all__ = ["END_HOOKS", "EndHook", "job_ended"]

#: (db, job, message shown to the user)
EndHook = Callable[[Session, Job, str], None]


def mark_project_failed(db: Session, job: Job, message: str) -> None:
    """A failed or cancelled probe or analysis leaves the project failed with the reason, ready to retry."""
    project = db.get(Project, job.project_id, with_for_update=True)
    if project is not None:
        project.status = ProjectStatus.FAILED
        project.error = message


def mark_export_failed(db: Session, job: Job, message: str) -> None:
    """A failed or cancelled render leaves its export failed with the reason."""
    export_id = (job.params or {}).get("export_id")
    export = db.get(Export, export_id) if export_id else None
    if export is not None:
        export.status = ExportStatus.FAILED
        export.error = message


END_HOOKS: dict[str, EndHook] = {
    "probe": mark_project_failed,
    "analyze": mark_project_failed,
    "render": mark_export_failed,
}


def job_ended(db: Session, job: Job, message: str) -> None:
    """Run the end hook of ``job``'s kind, if it has one."""
    hook = END_HOOKS.get(job.kind)
    if hook is not None:
        hook(db, job, message)
