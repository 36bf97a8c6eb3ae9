"""The persistent queue: Huey with SQLite storage by default, Redis when ``SPACECLIP_REDIS_URL`` is set.

Only job ids travel through the queue; the ``jobs`` table is the source of truth for status.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from huey import Huey, RedisHuey, SqliteHuey

from spaceclip.config import Settings

log = logging.getLogger(__name__)

RUN_JOB_TASK = "spaceclip.run_job"


def make_huey(settings: Settings) -> Huey:
    if settings.redis_url:
        return RedisHuey("spaceclip", url=settings.redis_url)
    settings.ensure_dirs()
    return SqliteHuey("spaceclip", filename=str(settings.queue_path), timeout=30)


class JobQueue:
    """Enqueue job ids; in a worker, ``handler`` runs each one."""

    def __init__(self, settings: Settings, handler: Callable[[str], None] | None = None) -> None:
        self.settings = settings
        self.huey = make_huey(settings)
        self._handler = handler

        def run_job(job_id: str) -> None:
            if self._handler is None:
                raise RuntimeError("this JobQueue has no handler; start it with `spaceclip worker`")
            self._handler(job_id)

        self._task = self.huey.task(name=RUN_JOB_TASK)(run_job)

    def set_handler(self, handler: Callable[[str], None]) -> None:
        self._handler = handler

    def enqueue(self, job_id: str, delay_s: float | None = None) -> None:
        """Put ``job_id`` on the queue (call after the job row is committed).

        With ``delay_s`` the message is held by the queue's scheduler until it is due (retries).
        """
        if delay_s:
            self._task.schedule(args=(job_id,), delay=delay_s)
        else:
            self._task(job_id)
        log.debug("Enqueued job %s (delay %s)", job_id, delay_s)

    def waiting_job_ids(self) -> set[str]:
        """Job ids sitting in the queue or its schedule (not yet handed to a worker thread)."""
        ids: set[str] = set()
        for task in [*self.huey.pending(), *self.huey.scheduled()]:
            if task.args:
                ids.add(str(task.args[0]))
        return ids

    def close(self) -> None:
        """Release the storage connection(s) of this process."""
        self.huey.storage.close()
