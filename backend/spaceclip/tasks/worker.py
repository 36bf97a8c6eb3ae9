"""Job workers: Huey consumer threads in this process, plus a maintenance loop.

In-process (the API server's own workers, tests)::

    w = Worker(settings)
    w.start()
    ...
    w.stop()     # running jobs stop their processes and go back to the queue

Standalone: ``spaceclip worker`` (or ``python -m spaceclip.tasks.worker``) calls :func:`run_worker`,
which blocks and stops cleanly on SIGINT/SIGTERM.

The maintenance loop runs every ``job_heartbeat_s`` in every worker process (all guarded by
conditional UPDATEs, so several processes may run it at once):

* a ``running`` job whose heartbeat is older than ``job_stale_s`` lost its worker (SIGKILL, power
  loss): it is re-queued, or failed with a reason once it has used ``max_attempts``;
* a ``queued`` job untouched for ``job_stale_s`` and not in the queue was never delivered (e.g. the
  process died between commit and enqueue): it is enqueued again;
* expired sign-in sessions are purged every few minutes;
* podcast feeds with auto-import that are due are refreshed and their new episodes imported
  (:func:`spaceclip.usecases.feeds.poll_due_feeds`: a few feeds per pass, each fetch time-limited,
  each episode imported once whatever the number of workers or restarts), and once such an
  episode is analysed, its feed's recipe makes its clips and exports
  (:func:`spaceclip.usecases.feed_recipes.apply_recipes`, also once).
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from datetime import timedelta
from types import FrameType

from huey.consumer import Consumer

from spaceclip.auth.sessions import purge_expired_sessions
from spaceclip.config import Settings, get_settings
from spaceclip.db import Database
from spaceclip.errors import ToolMissing
from spaceclip.models.tables import utcnow
from spaceclip.services.media.process import check_media_tools
from spaceclip.tasks.queue import JobQueue
from spaceclip.tasks.runner import JobRunner
from spaceclip.usecases import jobs as job_service
from spaceclip.usecases.feed_recipes import apply_recipes
from spaceclip.usecases.feeds import poll_due_feeds

log = logging.getLogger(__name__)

__all__ = ["Worker", "run_worker"]

SESSION_PURGE_INTERVAL_S = 300.0
FEED_TICK_MAX_S = 60.0
STOP_TIMEOUT_S = 30.0


class _InProcessConsumer(Consumer):  # type: ignore[misc]
    """Huey's consumer without signal handlers: signals belong to whoever hosts the worker."""

    def _set_signal_handlers(self) -> None:
        return None


class Worker:
    """Runs jobs from the queue on ``settings.workers`` threads until :meth:`stop`."""

    def __init__(self, settings: Settings, *, workers: int | None = None) -> None:
        self.settings = settings
        self.workers = workers or settings.workers
        self._shutdown = threading.Event()
        self._stopped = threading.Event()
        self._started = False
        self.database: Database | None = None
        self.queue: JobQueue | None = None
        self._consumer: _InProcessConsumer | None = None
        self._maintenance: threading.Thread | None = None
        self._next_purge = 0.0
        self._next_feed_poll = 0.0

    def start(self) -> None:
        """Start the consumer threads and the maintenance loop; returns at once."""
        if self._started:
            raise RuntimeError("this Worker was already started")
        self._started = True
        self.settings.ensure_dirs()
        try:
            check_media_tools()
        except ToolMissing as exc:
            log.warning("%s Media jobs will fail until it is installed.", exc.user_message)
        self.database = Database.from_url(self.settings.database_url)
        self.queue = JobQueue(self.settings)
        self.queue.set_handler(JobRunner(self.settings, self.database, self.queue, shutdown=self._shutdown))
        self._consumer = _InProcessConsumer(
            self.queue.huey,
            workers=self.workers,
            worker_type="thread",
            periodic=False,
            initial_delay=0.05,
            backoff=1.5,
            max_delay=0.5,
            check_worker_health=False,  # the maintenance loop does it
        )
        self._consumer.start()
        self._maintenance = threading.Thread(target=self._maintain_forever, name="spaceclip-maintenance", daemon=True)
        self._maintenance.start()
        log.info("Worker started: %d thread(s), queue %s", self.workers, self._queue_name())

    def stop(self, timeout_s: float = STOP_TIMEOUT_S) -> None:
        """Stop taking jobs; running jobs kill their processes and return to the queue."""
        if not self._started or self._stopped.is_set():
            return
        self._shutdown.set()
        self._stopped.set()
        assert self._consumer is not None
        self._consumer.stop_flag.set()
        deadline = time.monotonic() + timeout_s
        threads = [t for _, t in self._consumer.worker_threads] + [self._consumer.scheduler]
        if self._maintenance is not None:
            threads.append(self._maintenance)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        alive = [t.name for t in threads if t.is_alive()]
        if alive:
            log.warning("Worker threads still running after %.0f s: %s", timeout_s, ", ".join(alive))
        if self.database is not None:
            self.database.dispose()
        log.info("Worker stopped")

    def __enter__(self) -> Worker:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _queue_name(self) -> str:
        return "redis" if self.settings.redis_url else str(self.settings.queue_path)

    # --- maintenance -----------------------------------------------------------------------------

    def _maintain_forever(self) -> None:
        interval = max(0.2, self.settings.job_heartbeat_s)
        while not self._stopped.is_set():
            try:
                self.maintain_once()
            except Exception:
                log.exception("Maintenance pass failed; will try again in %.1f s", interval)
            if self._stopped.wait(interval):
                return

    def maintain_once(self) -> None:
        """One maintenance pass: recover stale and undelivered jobs, purge sessions, revive threads."""
        assert self.database is not None and self.queue is not None and self._consumer is not None
        to_enqueue = self._recover_stale() + self._redeliver()
        for job_id in to_enqueue:
            self.queue.enqueue(job_id)
        if time.monotonic() >= self._next_purge:
            self._next_purge = time.monotonic() + SESSION_PURGE_INTERVAL_S
            with self.database.session() as db:
                purged = purge_expired_sessions(db, self.settings)
            if purged:
                log.info("Purged %d expired session(s)", purged)
        if time.monotonic() >= self._next_feed_poll:
            self._next_feed_poll = time.monotonic() + min(FEED_TICK_MAX_S, self.settings.feed_poll_s)
            try:
                for job_id in poll_due_feeds(self.database, self.settings) + apply_recipes(
                    self.database, self.settings
                ):
                    self.queue.enqueue(job_id)
            except Exception:  # a feed bug must not stop the job recovery below; logged, retried next tick
                log.exception("Feed auto-import pass failed")
        if not self._stopped.is_set():
            self._consumer.check_worker_health()

    def _recover_stale(self) -> list[str]:
        assert self.database is not None
        cutoff = utcnow() - timedelta(seconds=self.settings.job_stale_s)
        requeued: list[str] = []
        with self.database.session() as db:
            for job in job_service.stale_running_jobs(db, cutoff):
                if job.attempts >= job.max_attempts:
                    if job_service.fail_stale_job(db, job, cutoff):
                        log.warning("Job %s: worker died on its last attempt; failed", job.id)
                elif job_service.requeue_stale_job(db, job, cutoff):
                    log.warning("Job %s: worker %s stopped sending heartbeats; re-queued", job.id, job.worker_id)
                    requeued.append(job.id)
        return requeued

    def _redeliver(self) -> list[str]:
        assert self.database is not None and self.queue is not None
        now = utcnow()
        cutoff = now - timedelta(seconds=self.settings.job_stale_s)
        with self.database.session() as db:
            candidates = [job.id for job in job_service.undelivered_jobs(db, cutoff, now)]
        if not candidates:
            return []
        waiting = self.queue.waiting_job_ids()
        resend: list[str] = []
        for job_id in candidates:
            if job_id in waiting:
                continue
            with self.database.session() as db:
                if job_service.touch_undelivered_job(db, job_id, cutoff):
                    log.warning("Job %s: queued but never delivered; enqueuing again", job_id)
                    resend.append(job_id)
        return resend


def run_worker(settings: Settings | None = None) -> None:
    """Run a :class:`Worker` until SIGINT or SIGTERM (the ``spaceclip worker`` command)."""
    settings = settings or get_settings()
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("Received %s; stopping", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    worker = Worker(settings)
    worker.start()
    try:
        while not stop.wait(1.0):
            pass
    finally:
        worker.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def main() -> None:
    settings = get_settings()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"
    )
    run_worker(settings)


if __name__ == "__main__":
    main()
