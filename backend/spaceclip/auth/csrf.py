"""CSRF defence for cookie-authenticated writes: the ``Origin`` header must be our own origin."""

from __future__ import annotations

from fastapi import Request

from spaceclip.config import Settings
from spaceclip.errors import Forbidden


def request_origin(request: Request) -> str:
    """The origin this request was addressed to (scheme://host[:port])."""
    host = request.headers.get("host", "")
    return f"{request.url.scheme}://{host}".rstrip("/").lower()


def check_origin(request: Request, settings: Settings) -> None:
    """Raise :class:`Forbidden` unless ``Origin`` is this server's or a trusted origin."""
    origin = (request.headers.get("origin") or "").rstrip("/").lower()
    if not origin or origin == "null":
        raise Forbidden(
            "This request came without an Origin header, so it was refused as a possible cross-site "
            "request. Use the SpaceClip web app, or send an Authorization: Bearer token from scripts."
        )
    allowed = {request_origin(request), *(o.lower() for o in settings.trusted_origins)}
    if origin not in allowed:
        raise Forbidden(
            f"Requests from {origin} are not allowed. Open SpaceClip at its own address, or add the "
            "origin to SPACECLIP_TRUSTED_ORIGINS."
        )
