"""How much the API works on at once, chosen together (docs/DEVELOPING.md, "Concurrency").

* :class:`RequestLine`: at most ``SPACECLIP_API_CONCURRENCY`` ``/api`` requests are worked on at
  once; the others wait in line, first come first served, up to ``SPACECLIP_API_QUEUE_TIMEOUT_S``,
  and then get 503 with ``Retry-After`` (never a hang). An event stream gives its place back as soon
  as its response starts: while it waits between events it holds no thread and no connection.
* Threads: a request uses at most one worker thread at a time (its sync dependencies and route run
  one after the other), so the default thread limiter gets one token per place in line, plus
  :data:`EXTRA_THREADS` for work outside the line (the web app's static files). Event streams poll
  the database in their own small limiter (:func:`sse_limiter`), so they never take a request's
  thread.
* Connections: a request holds at most one database connection (its session), so the pool opens
  :func:`pool_connections`: one per place in line, one per event-stream poll thread, and a spare
  few. No request ever waits for a connection held by a request that waits for a thread.
"""

from __future__ import annotations

import logging

import anyio
import anyio.to_thread
from anyio.lowlevel import RunVar
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from spaceclip.api.errors import error_body
from spaceclip.config import Settings
from spaceclip.db import BUSY_MESSAGE
from spaceclip.errors import ServiceBusy

log = logging.getLogger(__name__)

#: Threads beyond the request line's (static files of the web app, which are outside the line).
EXTRA_THREADS = 4
#: Threads that event streams share to poll the database.
SSE_POLL_THREADS = 4
#: Connections beyond one per place in line and one per poll thread.
SPARE_CONNECTIONS = 2

_sse_limiter: RunVar[anyio.CapacityLimiter] = RunVar("spaceclip.sse_limiter")


def pool_connections(settings: Settings) -> int:
    """The API process's database pool size (see the module docstring)."""
    return settings.api_concurrency + SSE_POLL_THREADS + SPARE_CONNECTIONS


def set_thread_limit(settings: Settings) -> None:
    """Size the running event loop's default thread limiter (call it in the app's lifespan)."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = settings.api_concurrency + EXTRA_THREADS


def sse_limiter() -> anyio.CapacityLimiter:
    """The event streams' own thread limiter, one per event loop."""
    try:
        return _sse_limiter.get()
    except LookupError:
        limiter = anyio.CapacityLimiter(SSE_POLL_THREADS)
        _sse_limiter.set(limiter)
        return limiter


def busy_response(exc: ServiceBusy) -> JSONResponse:
    """The 503 for a request that found no place (the same body and headers as the error handler's)."""
    headers = {"Retry-After": str(exc.retry_after_s), "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
    return JSONResponse(error_body(exc.code, exc.user_message), status_code=exc.status_code, headers=headers)


def _is_event_stream(message: Message) -> bool:
    for name, value in message.get("headers", ()):
        if name.lower() == b"content-type":
            return bool(value.startswith(b"text/event-stream"))
    return False


class RequestLine:
    """ASGI middleware: the line in front of the API (see the module docstring)."""

    def __init__(self, app: ASGIApp, *, places: int, wait_s: float, retry_after_s: int = 2) -> None:
        self.app = app
        self.places = places
        self.wait_s = wait_s
        self.retry_after_s = retry_after_s
        # One semaphore per event loop (tests run several); a semaphore, not a CapacityLimiter,
        # because an event stream's place is given back from the task that sends its response.
        self._line: RunVar[anyio.Semaphore] = RunVar(f"spaceclip.request_line.{id(self)}")

    def _semaphore(self) -> anyio.Semaphore:
        try:
            return self._line.get()
        except LookupError:
            semaphore = anyio.Semaphore(self.places, fast_acquire=True)
            self._line.set(semaphore)
            return semaphore

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        line = self._semaphore()
        got_place = False
        with anyio.move_on_after(self.wait_s):
            await line.acquire()
            got_place = True
        if not got_place:
            log.warning("No place for %s %s within %.1f s: 503", scope["method"], scope["path"], self.wait_s)
            busy = ServiceBusy(BUSY_MESSAGE, retry_after_s=self.retry_after_s)
            await busy_response(busy)(scope, receive, send)
            return
        held = True

        def give_back() -> None:
            nonlocal held
            if held:
                held = False
                line.release()

        async def send_and_watch(message: Message) -> None:
            if message["type"] == "http.response.start" and _is_event_stream(message):
                give_back()  # from here on the stream only waits between events
            await send(message)

        try:
            await self.app(scope, receive, send_and_watch)
        finally:
            give_back()
