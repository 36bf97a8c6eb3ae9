"""CSRF defence for cookie-authenticated writes: the ``Origin`` header must be our own origin.

Three layers:

* :class:`CsrfGuard`, an ASGI middleware in front of every ``/api`` route: a state-changing request
  that carries the session cookie and no ``Authorization`` header needs a same-origin ``Origin``.
  It covers routes added later even if they forget the check.
* :func:`spaceclip.api.deps.get_auth` repeats the check for cookie-authenticated writes.
* :func:`check_signin_origin` for log-in and register, which run before there is a session: a
  foreign ``Origin`` is refused (login CSRF would sign the victim into the attacker's account); a
  missing one is allowed only without a session cookie, so scripts can sign in.

``SameSite=Lax`` on the cookie is a second layer only.
"""

from __future__ import annotations

from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from spaceclip.config import Settings
from spaceclip.errors import Forbidden

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def request_origin(request: HTTPConnection) -> str:
    """The origin this request was addressed to (scheme://host[:port])."""
    host = request.headers.get("host", "")
    return f"{request.url.scheme}://{host}".rstrip("/").lower()


def _sent_origin(request: HTTPConnection) -> str:
    return (request.headers.get("origin") or "").strip().rstrip("/").lower()


def _check_allowed(request: HTTPConnection, settings: Settings, origin: str) -> None:
    allowed = {request_origin(request), *(o.lower() for o in settings.trusted_origins)}
    if origin not in allowed:
        raise Forbidden(
            f"Requests from {origin[:100]} are not allowed. Open SpaceClip at its own address, or add "
            "the origin to SPACECLIP_TRUSTED_ORIGINS."
        )


def check_origin(request: HTTPConnection, settings: Settings) -> None:
    """Raise :class:`Forbidden` unless ``Origin`` is this server's or a trusted origin."""
    origin = _sent_origin(request)
    if not origin or origin == "null":
        raise Forbidden(
            "This request came without an Origin header, so it was refused as a possible cross-site "
            "request. Use the SpaceClip web app, or send an Authorization: Bearer token from scripts."
        )
    _check_allowed(request, settings, origin)


def has_session_cookie(request: HTTPConnection, settings: Settings) -> bool:
    return bool(request.cookies.get(settings.session_cookie_name))


def has_bearer(request: HTTPConnection) -> bool:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and bool(value.strip())


def check_signin_origin(request: HTTPConnection, settings: Settings) -> None:
    """The Origin rule for log-in and register (see the module docstring)."""
    if _sent_origin(request) or has_session_cookie(request, settings):
        check_origin(request, settings)


def needs_origin_check(request: HTTPConnection, method: str, settings: Settings) -> bool:
    """True for a state-changing ``/api`` request that a browser authenticates by cookie."""
    return (
        method not in SAFE_METHODS
        and request.url.path.startswith("/api/")
        and has_session_cookie(request, settings)
        and not has_bearer(request)
    )


class CsrfGuard:
    """ASGI middleware: refuse cookie-carrying ``/api`` writes without a same-origin ``Origin``."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            request = HTTPConnection(scope)
            if needs_origin_check(request, scope["method"], self.settings):
                try:
                    check_origin(request, self.settings)
                except Forbidden as exc:
                    response = JSONResponse(
                        {"detail": exc.user_message, "code": exc.code},
                        status_code=exc.status_code,
                        headers={"Cache-Control": "no-store"},
                    )
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)
