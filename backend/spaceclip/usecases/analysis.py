"""Starting an analysis job for a project (first run, retry, or re-run with a speaker hint)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from spaceclip.config import Settings
from spaceclip.db import transactional
from spaceclip.errors import Conflict
from spaceclip.models.tables import TERMINAL_JOB_STATUSES, Job, Project, ProjectStatus
from spaceclip.usecases.jobs import create_job

ANALYZE_JOB = "analyze"


@transactional
def start_analysis(db: Session, project: Project, settings: Settings, *, num_speakers: int | None = None) -> Job:
    """Queue an ``analyze`` job for ``project`` (commit, then enqueue the returned job).

    Raises:
        Conflict: the project already has a job waiting or running.
    """
    active = db.scalars(
        select(Job).where(Job.project_id == project.id, Job.status.not_in(list(TERMINAL_JOB_STATUSES)))
    ).first()
    if active is not None:
        raise Conflict(
            f"This project already has a {active.kind} job {active.status}. Wait for it to finish or cancel it first."
        )
    project.status = ProjectStatus.QUEUED
    project.error = None
    params: dict[str, object] | None = {"num_speakers": num_speakers} if num_speakers else None
    return create_job(db, project, ANALYZE_JOB, settings, params=params)
