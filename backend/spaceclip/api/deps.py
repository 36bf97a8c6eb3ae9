"""Shared dependencies: settings, a per-request database session, the queue, and the signed-in user
(cookie or Bearer token, verified by a database lookup) with the CSRF check.

Dependencies that do no I/O are ``async def``: FastAPI runs a plain ``def`` dependency in a worker
thread, and every thread a request needs is one more wait under load (docs/DEVELOPING.md,
"Concurrency"). Those that query the database stay plain functions and run in a thread.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

import anyio
import anyio.to_thread
from fastapi import Depends, Request
from sqlalchemy.orm import Session

from spaceclip.auth.csrf import SAFE_METHODS, check_origin
from spaceclip.auth.sessions import resolve_session
from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.errors import NotAuthenticated
from spaceclip.models.tables import User, UserSession
from spaceclip.tasks.queue import JobQueue


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_database(request: Request) -> Database:
    database: Database = request.app.state.db
    return database


async def get_db(request: Request) -> AsyncIterator[Session]:
    """The request's session, closed (rolled back if still open) after the response.

    Opening it takes no connection (that happens at its first query, in the route's thread), so it
    is done in the event loop. Closing it runs in a thread of its own only when it still holds a
    connection, outside the request threads' limiter: a connection is never kept waiting for a
    thread behind requests that wait for a connection.
    """
    database: Database = request.app.state.db
    db = database.sessionmaker()
    try:
        yield db
    finally:
        if db.in_transaction():
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(db.close, limiter=anyio.CapacityLimiter(1))
        else:
            db.close()


async def get_queue(request: Request) -> JobQueue:
    queue: JobQueue = request.app.state.queue
    return queue


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
DbSession = Annotated[Session, Depends(get_db)]
DatabaseDep = Annotated[Database, Depends(get_database)]
QueueDep = Annotated[JobQueue, Depends(get_queue)]


@dataclass(frozen=True)
class Auth:
    """Who is calling, through which session, and how the token arrived."""

    user: User
    session: UserSession
    via_cookie: bool


def token_from(request: Request, cookie_name: str) -> tuple[str | None, bool]:
    """The session token and whether it came in the cookie (``Authorization: Bearer`` wins).

    Never from the query string: URLs end up in logs, history and ``Referer`` headers.
    """
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), False
    cookie = request.cookies.get(cookie_name)
    if cookie:
        return cookie, True
    return None, False


def client_ip(request: Request) -> str:
    """The peer address (behind a proxy, run uvicorn with ``--forwarded-allow-ips``)."""
    return request.client.host if request.client else ""


def get_auth(request: Request, db: DbSession, settings: SettingsDep) -> Auth:
    """Resolve the caller's session by a database lookup; 401 when there is none.

    Cookie-authenticated state-changing requests must carry a same-origin ``Origin`` (403 otherwise),
    checked before the database is touched. The lookup is committed before returning so that long
    request bodies (uploads) are not streamed while a database lock is held.
    """
    token, via_cookie = token_from(request, settings.session_cookie_name)
    if via_cookie and request.method not in SAFE_METHODS:
        check_origin(request, settings)
    if token is None:
        raise NotAuthenticated("You are not signed in. Sign in and try again.")
    row = resolve_session(db, token, settings)  # committed, user loaded: no lock is held from here on
    if row is None:
        raise NotAuthenticated("Your session has expired or was signed out. Sign in again.")
    return Auth(user=row.user, session=row, via_cookie=via_cookie)


AuthDep = Annotated[Auth, Depends(get_auth)]


async def get_current_user(auth: AuthDep) -> User:
    return auth.user


CurrentUser = Annotated[User, Depends(get_current_user)]
