"""The FastAPI application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request, Response

from spaceclip import __version__
from spaceclip.api import health
from spaceclip.api.capacity import RequestLine, pool_connections, set_thread_limit
from spaceclip.api.errors import install_error_handlers
from spaceclip.api.responses import declare_error_responses, install_openapi
from spaceclip.auth.csrf import CsrfGuard
from spaceclip.config import Settings, get_settings
from spaceclip.db import Database
from spaceclip.tasks.queue import JobQueue
from spaceclip.webapp import WebAppFiles, web_app_dir

log = logging.getLogger(__name__)

DESCRIPTION = """
SpaceClip turns long podcasts, videos and X Spaces into short, platform-ready clips, on your own
machine.

**Sign-in** uses opaque, database-backed sessions: `POST /api/auth/login` sets an HttpOnly cookie and
also returns the token for API clients, who send it as `Authorization: Bearer <token>`. Writes
authenticated by cookie must carry a same-origin `Origin` header.

Long work (probing, analysis, rendering) runs as **jobs**: follow them with `GET /api/jobs/{id}` or the
server-sent-events stream `GET /api/jobs/{id}/events`.

**Errors** all share one body, `ErrorBody`: `{"detail": "...", "code": "..."}`, where `detail` says what
went wrong and what to do; a request that fails validation (422, code `invalid_request`) also lists
each wrong field in `errors`. A busy server answers 503 (`service_busy`) with `Retry-After`.
"""


def create_app(settings: Settings | None = None, *, queue: JobQueue | None = None, web: bool = True) -> FastAPI:
    """Build the app. Migrations are applied by the CLI (``spaceclip serve`` / ``db upgrade``).

    ``web=False`` leaves out the built web app (and the log line about it), for the schema dump.
    """
    settings = settings or get_settings()
    settings.ensure_dirs()
    # Pool, threads and the request line are sized together: spaceclip.api.capacity.
    database = Database.from_url(
        settings.database_url, connections=pool_connections(settings), pool_timeout_s=settings.api_queue_timeout_s
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        set_thread_limit(settings)
        yield
        database.dispose()

    app = FastAPI(
        title="SpaceClip API",
        version=__version__,
        description=DESCRIPTION,
        docs_url="/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = database
    app.state.queue = queue or JobQueue(settings)

    install_error_handlers(app)
    # CSRF: cookie-carrying writes to /api need a same-origin Origin, whatever the route.
    app.add_middleware(CsrfGuard, settings=settings)

    @app.middleware("http")
    async def no_store(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        if request.url.path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

    # Outermost: a request that finds no place in line is answered before any other work.
    app.add_middleware(RequestLine, places=settings.api_concurrency, wait_s=settings.api_queue_timeout_s)

    for router in api_routers():
        declare_error_responses(router)
        app.include_router(router)
    install_openapi(app)

    # Mounted after the routers, so every /api route wins over the static files.
    web_dir = web_app_dir(settings.frontend_dir) if web else None
    if web_dir is not None:
        app.mount("/", WebAppFiles(directory=web_dir, html=True), name="ui")
    return app


def api_routers() -> list[APIRouter]:
    from spaceclip.api import auth, jobs, projects, transcript

    routers = [health.router, auth.router, projects.router, jobs.router, transcript.router]
    from spaceclip.api import system

    routers.append(system.router)
    from spaceclip.api import clips, highlights

    routers += [highlights.router, clips.router]
    from spaceclip.api import speaker_photos

    routers.append(speaker_photos.router)
    from spaceclip.api import brand, clean, editor, exports, thumbnails

    routers += [exports.router, editor.router, clean.router, brand.router, thumbnails.router]
    from spaceclip.api import chapters, show_notes

    routers += [chapters.router, show_notes.router]
    from spaceclip.api import search

    routers.append(search.router)
    from spaceclip.api import feeds

    routers.append(feeds.router)
    return routers
