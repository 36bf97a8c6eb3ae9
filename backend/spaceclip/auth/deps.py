"""FastAPI dependencies: the signed-in user (cookie or Bearer token) and the CSRF check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from spaceclip.api.deps import DbSession, SettingsDep
from spaceclip.auth.csrf import SAFE_METHODS, check_origin
from spaceclip.auth.sessions import resolve_session
from spaceclip.errors import NotAuthenticated
from spaceclip.models.tables import User, UserSession


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
    checked before the database is touched. The transaction is committed before returning so that
    long request bodies (uploads) are not streamed while a database lock is held.
    """
    token, via_cookie = token_from(request, settings.session_cookie_name)
    if via_cookie and request.method not in SAFE_METHODS:
        check_origin(request, settings)
    if token is None:
        raise NotAuthenticated("You are not signed in. Sign in and try again.")
    row = resolve_session(db, token, settings)
    if row is None:
        db.commit()  # keeps the deletion of an expired row
        raise NotAuthenticated("Your session has expired or was signed out. Sign in again.")
    user = row.user
    db.commit()
    return Auth(user=user, session=row, via_cookie=via_cookie)


AuthDep = Annotated[Auth, Depends(get_auth)]


def get_current_user(auth: AuthDep) -> User:
    return auth.user


CurrentUser = Annotated[User, Depends(get_current_user)]
