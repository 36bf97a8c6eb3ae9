"""Job rows: creation, progress, and state transitions. The queue only carries job ids."""

from __future__ import annotations

from sqlalchemy.orm import Session

from spaceclip.config import Settings
from spaceclip.models.tables import Job, Project


def create_job(
    db: Session, project: Project, kind: str, settings: Settings, params: dict[str, object] | None = None
) -> Job:
    """Add a queued job for ``project`` to the current transaction (enqueue it after commit)."""
    job = Job(
        project_id=project.id,
        owner_id=project.owner_id,
        kind=kind,
        params=dict(params) if params else None,
        max_attempts=settings.job_max_attempts,
    )
    db.add(job)
    db.flush()
    return job
