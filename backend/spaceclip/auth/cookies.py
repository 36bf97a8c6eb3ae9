"""The session cookie: ``HttpOnly``, ``SameSite=Lax``, ``Path=/``, no ``Domain``, ``Secure`` on https."""

from __future__ import annotations

from datetime import datetime

from starlette.requests import HTTPConnection
from starlette.responses import Response

from spaceclip.config import Settings
from spaceclip.models.tables import utcnow


def cookie_secure(request: HTTPConnection, settings: Settings) -> bool:
    """Whether to mark the cookie ``Secure``: on https, or always/never when configured so."""
    if settings.cookie_secure == "always":
        return True
    if settings.cookie_secure == "never":
        return False
    return request.url.scheme == "https"


def set_session_cookie(
    response: Response, request: HTTPConnection, settings: Settings, token: str, expires_at: datetime
) -> None:
    """Put ``token`` in the session cookie until the session's absolute expiry."""
    response.set_cookie(
        settings.session_cookie_name,
        token,
        max_age=max(0, int((expires_at - utcnow()).total_seconds())),
        expires=expires_at,
        path="/",
        domain=None,
        secure=cookie_secure(request, settings),
        httponly=True,
        samesite="lax",
    )


def clear_session_cookie(response: Response, request: HTTPConnection, settings: Settings) -> None:
    """Expire the session cookie in the browser (``Max-Age=0`` and a date in the past)."""
    response.delete_cookie(
        settings.session_cookie_name,
        path="/",
        domain=None,
        secure=cookie_secure(request, settings),
        httponly=True,
        samesite="lax",
    )
