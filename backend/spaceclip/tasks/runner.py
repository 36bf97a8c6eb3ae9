"""Runs one job: claim it, heartbeat it, dispatch it by kind, and record how it ended.

The queue delivers job ids at least once; :class:`JobRunner` makes that safe:

* **claim** — ``UPDATE jobs SET status='running', worker_id=?, attempts=attempts+1 ... WHERE id=? AND
  status='queued'``; a second delivery finds nothing to claim and is dropped.
* **heartbeat** — a thread refreshes ``heartbeat_at`` every ``job_heartbeat_s`` and reads
  ``cancel_requested``; :meth:`JobContext.should_stop` turns true on cancel, on worker shutdown, or
  when the job was taken away (presumed dead and re-queued), and the process wrapper then kills
  ffmpeg's process group.
* **end** — every final write is guarded by ``worker_id``, so a zombie cannot complete a job twice.
  :class:`~spaceclip.errors.UserError` fails the job with its message and no retry; other errors are
  retried with exponential backoff up to ``job_max_attempts``, then fail with the reason.

A task (see :mod:`spaceclip.tasks.registry`) receives a :class:`JobContext`::

    def run(ctx: JobContext) -> dict | None:
        ctx.progress("extracting_audio", 0.1, "Extracting audio")
        tmp = ctx.temp_path(dest)                 # keyed by job id and attempt
        run_process(argv, timeout_s=..., cancel=ctx.should_stop)
        with ctx.finishing(result={...}) as db:   # final writes commit with the job's success
            project = db.get(Project, ctx.project_id)
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.errors import JobCancelled, SpaceClipError, UserError
from spaceclip.models.tables import Job, JobStatus, utcnow
from spaceclip.tasks.queue import JobQueue
from spaceclip.tasks.registry import TaskSpec, UnknownJobKind, get_task
from spaceclip.usecases import jobs as job_service

log = logging.getLogger(__name__)

__all__ = ["JobContext", "JobLost", "JobRunner", "make_worker_id"]

PROGRESS_MIN_INTERVAL_S = 0.5


class JobLost(Exception):
    """This worker no longer owns the job (it was presumed dead and the job re-queued)."""


def make_worker_id() -> str:
    """``hostname:pid:thread`` of the calling thread."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_native_id()}"


@dataclass
class JobContext:
    """What a task gets: the job's ids and parameters, progress, cancellation and safe outputs."""

    job_id: str
    kind: str
    project_id: str
    owner_id: str
    params: dict[str, Any]
    attempt: int
    max_attempts: int
    worker_id: str
    settings: Settings
    database: Database
    shutdown: threading.Event = field(default_factory=threading.Event)
    cancel_event: threading.Event = field(default_factory=threading.Event)
    lost_event: threading.Event = field(default_factory=threading.Event)
    finished: bool = False
    _last_stage: str = ""
    _last_write: float = 0.0

    def session(self) -> AbstractContextManager[Session]:
        """A short transaction (commit on success); never hold one across slow work."""
        return self.database.session()

    def should_stop(self) -> bool:
        """True once the job is cancelled, taken away, or the worker is shutting down."""
        return self.cancel_event.is_set() or self.lost_event.is_set() or self.shutdown.is_set()

    def check_cancelled(self) -> None:
        """Raise :class:`~spaceclip.errors.JobCancelled` if :meth:`should_stop`; call between steps."""
        if self.should_stop():
            raise JobCancelled()

    def progress(self, stage: str, fraction: float, message: str = "") -> None:
        """Report ``fraction`` (0..1 of the whole job) in ``stage``; written at most twice a second."""
        now = time.monotonic()
        if stage == self._last_stage and fraction < 1.0 and now - self._last_write < PROGRESS_MIN_INTERVAL_S:
            return
        self._last_stage, self._last_write = stage, now
        with self.session() as db:
            owned = job_service.set_progress(db, self.job_id, stage, fraction, message, worker_id=self.worker_id)
        if not owned:
            self.lost_event.set()

    def temp_path(self, dest: Path) -> Path:
        """A temp name beside ``dest`` keyed by job id and attempt; rename it to ``dest`` when done."""
        return dest.with_name(f".{dest.name}.{self.job_id}-{self.attempt}.tmp")

    def clean_temps(self, dest: Path) -> None:
        """Remove temp files earlier attempts of this job left beside ``dest``."""
        for stale in dest.parent.glob(f".{dest.name}.{self.job_id}-*.tmp"):
            log.info("Job %s: removing leftover %s", self.job_id, stale.name)
            stale.unlink(missing_ok=True)

    @contextmanager
    def finishing(self, result: dict[str, Any] | None = None, message: str = "Done") -> Iterator[Session]:
        """A transaction that marks the job succeeded; the task's final writes commit with it.

        Raises:
            JobLost: the job is no longer this worker's; nothing is written.
        """
        with self.session() as db:
            # The guarded UPDATE comes first: it locks the job row, so the final writes and the
            # success commit together, or neither does.
            done = job_service.finish_job(
                db, self.job_id, self.worker_id, JobStatus.SUCCEEDED, message=message, result=result
            )
            if not done:
                self.lost_event.set()
                raise JobLost(self.job_id)
            yield db
        self.finished = True


class _Heartbeat(threading.Thread):
    def __init__(self, ctx: JobContext) -> None:
        super().__init__(name=f"heartbeat-{ctx.job_id[:8]}", daemon=True)
        self.ctx = ctx
        self.stop_event = threading.Event()

    def run(self) -> None:
        interval = self.ctx.settings.job_heartbeat_s
        while not self.stop_event.wait(interval):
            try:
                with self.ctx.session() as db:
                    state = job_service.heartbeat(db, self.ctx.job_id, self.ctx.worker_id)
            except Exception:
                log.exception("Job %s: heartbeat failed; will retry", self.ctx.job_id)
                continue
            if not state.owned:
                log.warning("Job %s: no longer owned by %s; stopping it", self.ctx.job_id, self.ctx.worker_id)
                self.ctx.lost_event.set()
                return
            if state.cancel_requested and not self.ctx.cancel_event.is_set():
                log.info("Job %s: cancel requested", self.ctx.job_id)
                self.ctx.cancel_event.set()

    def stop(self) -> None:
        self.stop_event.set()
        self.join(timeout=10)


class JobRunner:
    """The queue's handler: ``runner(job_id)`` runs the job if it can claim it. Never raises."""

    def __init__(
        self,
        settings: Settings,
        database: Database,
        queue: JobQueue,
        shutdown: threading.Event | None = None,
    ) -> None:
        self.settings = settings
        self.database = database
        self.queue = queue
        self.shutdown = shutdown or threading.Event()

    def __call__(self, job_id: str) -> None:
        try:
            self.run(job_id)
        except Exception:
            # The job row stays as it is; the maintenance loop re-queues it when its heartbeat is stale.
            log.exception("Job %s: the runner itself failed", job_id)

    def run(self, job_id: str) -> None:
        worker_id = make_worker_id()
        ctx = self._claim(job_id, worker_id)
        if ctx is None:
            return
        log.info("Job %s (%s) attempt %d/%d on %s", job_id, ctx.kind, ctx.attempt, ctx.max_attempts, worker_id)
        try:
            spec = get_task(ctx.kind)
        except UnknownJobKind as exc:
            log.error("Job %s: %s", job_id, exc)
            message = (
                f"This SpaceClip worker cannot run jobs of kind {ctx.kind!r}. Update SpaceClip on every "
                "machine to the same version, then start the job again."
            )
            self._end(ctx, JobStatus.FAILED, message, None)
            return
        heartbeat = _Heartbeat(ctx)
        heartbeat.start()
        try:
            self._execute(ctx, spec)
        finally:
            heartbeat.stop()

    def _claim(self, job_id: str, worker_id: str) -> JobContext | None:
        with self.database.session() as db:
            if not job_service.claim_job(db, job_id, worker_id):
                self._explain_skip(db, job_id)
                return None
            job = db.get(Job, job_id, populate_existing=True)
            assert job is not None
            return JobContext(
                job_id=job.id,
                kind=job.kind,
                project_id=job.project_id,
                owner_id=job.owner_id,
                params=dict(job.params or {}),
                attempt=job.attempts,
                max_attempts=job.max_attempts,
                worker_id=worker_id,
                settings=self.settings,
                database=self.database,
                shutdown=self.shutdown,
            )

    def _explain_skip(self, db: Session, job_id: str) -> None:
        job = db.get(Job, job_id)
        if job is None:
            log.info("Job %s: gone (project deleted?); skipping", job_id)
            return
        if job.status == JobStatus.QUEUED and job.run_after is not None and not job.cancel_requested:
            # Delivered before its retry time (e.g. re-sent by maintenance): come back when due.
            delay = max(0.0, (job.run_after - utcnow()).total_seconds())
            log.debug("Job %s: not due for %.1f s; rescheduling", job_id, delay)
            db.commit()
            self.queue.enqueue(job_id, delay_s=delay)
            return
        log.debug("Job %s: already %s; duplicate delivery skipped", job_id, job.status)

    def _execute(self, ctx: JobContext, spec: TaskSpec) -> None:
        try:
            result = spec.run(ctx)
        except JobLost:
            log.warning("Job %s: gone or taken over by another worker; dropping this attempt", ctx.job_id)
        except JobCancelled:
            if ctx.lost_event.is_set():
                log.warning("Job %s: gone or taken over by another worker; stopped this attempt", ctx.job_id)
            elif ctx.cancel_event.is_set() or not self.shutdown.is_set():
                self._end(ctx, JobStatus.CANCELLED, "Cancelled by you.", None, spec)
            else:
                self._requeue_for_shutdown(ctx)
        except UserError as exc:
            if not ctx.lost_event.is_set():
                log.info("Job %s failed: %s", ctx.job_id, exc.user_message)
                self._end(ctx, JobStatus.FAILED, exc.user_message, exc.user_message, spec)
        except Exception as exc:
            if ctx.lost_event.is_set():
                log.warning("Job %s: error after being taken over: %s", ctx.job_id, exc)
            elif self.shutdown.is_set() and not ctx.cancel_event.is_set():
                log.info("Job %s: interrupted by shutdown (%s)", ctx.job_id, exc)
                self._requeue_for_shutdown(ctx)
            else:
                self._retry_or_fail(ctx, exc, spec)
        else:
            if not ctx.finished:
                with self.database.session() as db:
                    done = job_service.finish_job(
                        db, ctx.job_id, ctx.worker_id, JobStatus.SUCCEEDED, message="Done", result=result
                    )
                if not done:
                    log.warning("Job %s: finished, but another worker owns it now; result dropped", ctx.job_id)
                    return
            log.info("Job %s (%s) succeeded", ctx.job_id, ctx.kind)

    def _end(
        self, ctx: JobContext, status: JobStatus, message: str, error: str | None, spec: TaskSpec | None = None
    ) -> None:
        with self.database.session() as db:
            done = job_service.finish_job(
                db,
                ctx.job_id,
                ctx.worker_id,
                status,
                message=message,
                error=error,
            )
        if not done:
            log.warning("Job %s: could not record %s; another worker owns it now", ctx.job_id, status)
        else:
            log.info("Job %s (%s) %s", ctx.job_id, ctx.kind, status)

    def _requeue_for_shutdown(self, ctx: JobContext) -> None:
        with self.database.session() as db:
            done = job_service.requeue_job(
                db,
                ctx.job_id,
                ctx.worker_id,
                run_after=None,
                message="The worker stopped; this job will continue on the next worker.",
                refund_attempt=True,
            )
        if done:
            self.queue.enqueue(ctx.job_id)
            log.info("Job %s: re-queued because the worker is stopping", ctx.job_id)

    def _retry_or_fail(self, ctx: JobContext, exc: Exception, spec: TaskSpec) -> None:
        if isinstance(exc, SpaceClipError):
            reason = exc.user_message
            log.error("Job %s attempt %d failed: %s", ctx.job_id, ctx.attempt, exc)
        else:
            reason = f"an internal error ({type(exc).__name__}: {str(exc)[:300]})"
            log.exception("Job %s attempt %d failed with a bug", ctx.job_id, ctx.attempt)
        if ctx.attempt < ctx.max_attempts:
            delay = job_service.retry_delay_s(self.settings, ctx.attempt)
            with self.database.session() as db:
                done = job_service.requeue_job(
                    db,
                    ctx.job_id,
                    ctx.worker_id,
                    run_after=utcnow() + timedelta(seconds=delay),
                    message=f"Attempt {ctx.attempt} of {ctx.max_attempts} failed; retrying in {delay:.0f} s.",
                    error=reason,
                )
            if done:
                self.queue.enqueue(ctx.job_id, delay_s=delay)
            return
        message = (
            f"This job failed {ctx.attempt} times and SpaceClip gave up. Last error: {reason}. "
            "Check the worker log, then start the job again."
        )
        self._end(ctx, JobStatus.FAILED, message, message, spec)
