"""Routes: jobs — status, a server-sent-events stream of progress, and cancel. Owner-only (404 otherwise)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from spaceclip.api.capacity import sse_limiter
from spaceclip.api.deps import CurrentUser, DatabaseDep, DbSession
from spaceclip.api.responses import errors
from spaceclip.db import Database
from spaceclip.errors import NotFound
from spaceclip.models.schemas import JobPublic
from spaceclip.models.tables import TERMINAL_JOB_STATUSES
from spaceclip.usecases.jobs import cancel_job, get_job_for_owner

router = APIRouter(prefix="/api/jobs", tags=["jobs"])

POLL_INTERVAL_S = 0.5
PING_INTERVAL_S = 15.0


@router.get("/{job_id}")
def get_job(job_id: str, user: CurrentUser, db: DbSession) -> JobPublic:
    """Get a job's status and progress."""
    return JobPublic.model_validate(get_job_for_owner(db, job_id, user.id))


@router.post("/{job_id}/cancel", responses=errors(409))
def cancel(job_id: str, user: CurrentUser, db: DbSession) -> JobPublic:
    """Cancel a job: a queued job is cancelled at once, a running one stops within seconds."""
    job = get_job_for_owner(db, job_id, user.id)
    return JobPublic.model_validate(cancel_job(db, job))


def _load(database: Database, job_id: str, owner_id: str) -> JobPublic:
    # A fresh short session per poll: nothing is held open between events.
    with database.session() as db:
        return JobPublic.model_validate(get_job_for_owner(db, job_id, owner_id))


async def _events(request: Request, database: Database, first: JobPublic, owner_id: str) -> AsyncIterator[str]:
    # Between events the stream only sleeps: no thread, no connection, no place in the request line
    # (spaceclip.api.capacity). Each check is a short read in the streams' own small thread limiter.
    current: JobPublic | None = first
    last_json = ""
    last_sent = time.monotonic()
    while current is not None:
        body = current.model_dump_json()
        if body != last_json:
            last_json, last_sent = body, time.monotonic()
            yield f"data: {body}\n\n"
        if current.status in TERMINAL_JOB_STATUSES:
            return
        if time.monotonic() - last_sent >= PING_INTERVAL_S:
            last_sent = time.monotonic()
            yield ": ping\n\n"
        await anyio.sleep(POLL_INTERVAL_S)
        if await request.is_disconnected():
            return
        try:
            current = await anyio.to_thread.run_sync(_load, database, first.id, owner_id, limiter=sse_limiter())
        except NotFound:  # deleted with its project meanwhile
            current = None


@router.get(
    "/{job_id}/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "One `data: <Job JSON>` per change."}},
)
async def job_events(job_id: str, request: Request, user: CurrentUser, database: DatabaseDep) -> StreamingResponse:
    """Stream the job as server-sent events until it succeeds, fails or is cancelled."""
    first = await anyio.to_thread.run_sync(_load, database, job_id, user.id)
    return StreamingResponse(
        _events(request, database, first, user.id),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
