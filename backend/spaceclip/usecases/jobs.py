"""Job rows: creation, progress, and state transitions. The queue only carries job ids.

The ``jobs`` table is the source of truth. Every transition is one guarded ``UPDATE``: a worker
claims a job only while it is ``queued`` (so a duplicate delivery is a no-op), and writes progress,
heartbeats and the final state only while ``worker_id`` is still its own (so a worker that was
presumed dead and replaced cannot overwrite the new attempt).

States::

    queued ──claim──▶ running ──▶ succeeded
      ▲  │              │  ├────▶ failed      (user error, or retries exhausted)
      │  └─cancel─▶ cancelled ◀─cancel─┤
      └──── retry with backoff / stale heartbeat ◀┘
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, and_, or_, select, update
from sqlalchemy.orm import Session

from spaceclip.config import Settings
from spaceclip.db import transactional
from spaceclip.errors import Conflict, NotFound
from spaceclip.models.tables import TERMINAL_JOB_STATUSES, Job, JobStatus, Project, utcnow
from spaceclip.usecases.job_ends import job_ended

__all__ = [
    "HeartbeatState",
    "cancel_job",
    "claim_job",
    "create_job",
    "fail_stale_job",
    "finish_job",
    "get_job_for_owner",
    "heartbeat",
    "requeue_job",
    "requeue_stale_job",
    "retry_delay_s",
    "set_progress",
    "stale_running_jobs",
    "touch_undelivered_job",
    "undelivered_jobs",
]

MAX_MESSAGE_CHARS = 2000


@dataclass(frozen=True)
class HeartbeatState:
    """What a heartbeat learned: whether the job is still ours, and whether its owner cancelled it."""

    owned: bool
    cancel_requested: bool


def _rowcount(result: Any) -> int:
    assert isinstance(result, CursorResult)
    return int(result.rowcount)


def _clip(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE_CHARS else text[: MAX_MESSAGE_CHARS - 1] + "…"


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


def get_job_for_owner(db: Session, job_id: str, owner_id: str) -> Job:
    """The job ``job_id`` if ``owner_id`` owns it; NotFound otherwise (also for other users' jobs)."""
    job = db.scalars(select(Job).where(Job.id == job_id, Job.owner_id == owner_id)).first()
    if job is None:
        raise NotFound("This job does not exist. Check the link, or open the project to see its jobs.")
    return job


def _owned(job_id: str, worker_id: str) -> Any:
    return and_(Job.id == job_id, Job.worker_id == worker_id, Job.status == JobStatus.RUNNING)


def claim_job(db: Session, job_id: str, worker_id: str, now: datetime | None = None) -> bool:
    """Atomically move a queued, due job to running for ``worker_id``; False if someone else has it."""
    now = now or utcnow()
    result = db.execute(
        update(Job)
        .where(
            Job.id == job_id,
            Job.status == JobStatus.QUEUED,
            Job.cancel_requested.is_(False),
            or_(Job.run_after.is_(None), Job.run_after <= now),
        )
        .values(
            status=JobStatus.RUNNING,
            worker_id=worker_id,
            attempts=Job.attempts + 1,
            heartbeat_at=now,
            started_at=now,
            stage="starting",
            message="Starting",
            run_after=None,
        )
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result) == 1


def set_progress(
    db: Session,
    job_id: str,
    stage: str,
    progress: float,
    message: str = "",
    *,
    worker_id: str | None = None,
) -> bool:
    """Record ``stage`` and ``progress`` (0..1) of a running job; False when it is no longer running
    (or, with ``worker_id``, no longer this worker's)."""
    cond = _owned(job_id, worker_id) if worker_id else and_(Job.id == job_id, Job.status == JobStatus.RUNNING)
    result = db.execute(
        update(Job)
        .where(cond)
        .values(stage=stage[:64], progress=min(1.0, max(0.0, float(progress))), message=_clip(message))
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result) == 1


def heartbeat(db: Session, job_id: str, worker_id: str) -> HeartbeatState:
    """Refresh ``heartbeat_at`` of our running job and read ``cancel_requested``."""
    result = db.execute(
        update(Job)
        .where(_owned(job_id, worker_id))
        .values(heartbeat_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if _rowcount(result) != 1:
        return HeartbeatState(owned=False, cancel_requested=False)
    cancel = db.scalar(select(Job.cancel_requested).where(Job.id == job_id))
    return HeartbeatState(owned=True, cancel_requested=bool(cancel))


def _end_values(status: str, message: str, error: str | None, now: datetime) -> dict[str, Any]:
    values: dict[str, Any] = {
        "status": status,
        "message": _clip(message),
        "error": _clip(error) if error else None,
        "finished_at": now,
        "heartbeat_at": now,
    }
    if status == JobStatus.SUCCEEDED:
        values.update(progress=1.0, stage="done")
    return values


def finish_job(
    db: Session,
    job_id: str,
    worker_id: str,
    status: JobStatus,
    *,
    message: str,
    error: str | None = None,
    result: dict[str, Any] | None = None,
) -> bool:
    """End our running job (succeeded, failed or cancelled); False (and no change) when it is not ours.

    A failed or cancelled job's end hook (:mod:`spaceclip.usecases.job_ends`) runs in the same
    transaction, so the project shows the outcome exactly when the job does.
    """
    values = _end_values(status, message, error, utcnow())
    if result is not None:
        values["result"] = result
    res = db.execute(
        update(Job).where(_owned(job_id, worker_id)).values(**values).execution_options(synchronize_session=False)
    )
    if _rowcount(res) != 1:
        return False
    if status != JobStatus.SUCCEEDED:
        job = db.get(Job, job_id, populate_existing=True)
        assert job is not None
        job_ended(db, job, error or message)
    return True


def retry_delay_s(settings: Settings, attempts: int) -> float:
    """Backoff before attempt ``attempts + 1``: base, 2x base, 4x base, ... capped at one hour."""
    return float(min(3600.0, settings.job_retry_backoff_s * (2 ** max(0, attempts - 1))))


def requeue_job(
    db: Session,
    job_id: str,
    worker_id: str,
    *,
    run_after: datetime | None,
    message: str,
    error: str | None = None,
    refund_attempt: bool = False,
) -> bool:
    """Put our running job back in the queue (retry, or worker shutting down)."""
    values: dict[str, Any] = {
        "status": JobStatus.QUEUED,
        "worker_id": None,
        "run_after": run_after,
        "stage": "queued",
        "message": _clip(message),
        "error": _clip(error) if error else None,
    }
    if refund_attempt:
        values["attempts"] = Job.attempts - 1
    res = db.execute(
        update(Job).where(_owned(job_id, worker_id)).values(**values).execution_options(synchronize_session=False)
    )
    return _rowcount(res) == 1


@transactional
def cancel_job(db: Session, job: Job) -> Job:
    """Cancel ``job``: a queued one becomes cancelled at once (with its end hook); a running one is
    asked to stop (its worker sees ``cancel_requested`` at the next heartbeat and kills its processes).

    Raises:
        Conflict: the job already succeeded or failed.
    """
    if job.status == JobStatus.CANCELLED:
        return job
    if job.status in TERMINAL_JOB_STATUSES:
        raise Conflict(f"This job has already {job.status}; there is nothing to cancel.")
    now = utcnow()
    message = "Cancelled by you."
    res = db.execute(
        update(Job)
        .where(Job.id == job.id, Job.status == JobStatus.QUEUED)
        .values(cancel_requested=True, **_end_values(JobStatus.CANCELLED, message, None, now))
        .execution_options(synchronize_session=False)
    )
    if _rowcount(res) == 1:
        db.refresh(job)
        job_ended(db, job, message)
        return job
    db.execute(
        update(Job)
        .where(Job.id == job.id, Job.status == JobStatus.RUNNING)
        .values(cancel_requested=True, message="Cancelling…")
        .execution_options(synchronize_session=False)
    )
    db.refresh(job)
    return job


# --- recovery (the worker's maintenance loop) ----------------------------------------------------


def stale_running_jobs(db: Session, cutoff: datetime, limit: int = 100) -> list[Job]:
    """Running jobs whose worker has not sent a heartbeat since ``cutoff``."""
    stmt = (
        select(Job)
        .where(Job.status == JobStatus.RUNNING, or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < cutoff))
        .order_by(Job.heartbeat_at)
        .limit(limit)
    )
    return list(db.scalars(stmt))


def _stale_guard(job: Job, cutoff: datetime) -> Any:
    return and_(
        Job.id == job.id,
        Job.status == JobStatus.RUNNING,
        Job.worker_id == job.worker_id if job.worker_id else Job.worker_id.is_(None),
        or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < cutoff),
    )


def requeue_stale_job(db: Session, job: Job, cutoff: datetime) -> bool:
    """Re-queue a job whose worker died; False if another maintainer (or the worker) got there first."""
    res = db.execute(
        update(Job)
        .where(_stale_guard(job, cutoff))
        .values(
            status=JobStatus.QUEUED,
            worker_id=None,
            run_after=None,
            stage="queued",
            message="The worker stopped unexpectedly; this job will run again.",
        )
        .execution_options(synchronize_session=False)
    )
    return _rowcount(res) == 1


def fail_stale_job(db: Session, job: Job, cutoff: datetime) -> bool:
    """Fail a stale job that has used all its attempts."""
    message = (
        f"The worker stopped unexpectedly {job.attempts} times while running this job, so SpaceClip "
        "gave up. Check the worker's log and memory, then try again."
    )
    res = db.execute(
        update(Job)
        .where(_stale_guard(job, cutoff))
        .values(**_end_values(JobStatus.FAILED, message, message, utcnow()))
        .execution_options(synchronize_session=False)
    )
    if _rowcount(res) != 1:
        return False
    db.refresh(job)
    job_ended(db, job, message)
    return True


def undelivered_jobs(db: Session, cutoff: datetime, now: datetime, limit: int = 100) -> list[Job]:
    """Queued jobs untouched since ``cutoff`` and due: their queue message may have been lost."""
    stmt = (
        select(Job)
        .where(
            Job.status == JobStatus.QUEUED,
            Job.cancel_requested.is_(False),
            Job.updated_at < cutoff,
            or_(Job.run_after.is_(None), Job.run_after <= now),
        )
        .order_by(Job.created_at)
        .limit(limit)
    )
    return list(db.scalars(stmt))


def touch_undelivered_job(db: Session, job_id: str, cutoff: datetime) -> bool:
    """Mark a queued job as re-sent now (so only one maintainer re-enqueues it per period)."""
    res = db.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.QUEUED, Job.updated_at < cutoff)
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return _rowcount(res) == 1


def run_after_in(seconds: float) -> datetime:
    return utcnow() + timedelta(seconds=seconds)
