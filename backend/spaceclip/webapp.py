"""Where the built web app (the Next.js static export) is served from.

In order: ``SPACECLIP_FRONTEND_DIR`` when set; else a copy inside the package (``spaceclip/web/``, for
an installed wheel); else the repository checkout's ``frontend/out``. A folder counts only when it
holds an ``index.html``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Match
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

log = logging.getLogger(__name__)

#: The installed package's own folder (``backend/spaceclip`` in a checkout).
PACKAGE_DIR = Path(__file__).resolve().parent

#: What builds the web app, run from the repository's root.
BUILD_COMMAND = "cd frontend && npm ci && npm run build"


def _built(folder: Path) -> bool:
    return (folder / "index.html").is_file()


def checkout_out_dir(package_dir: Path) -> Path:
    """The checkout's ``frontend/out`` for a package at ``backend/spaceclip``."""
    return package_dir.parent.parent / "frontend" / "out"


def find_web_app(configured: Path | None, package_dir: Path) -> Path | None:
    """The folder to serve at ``/``, or None when no built web app is found.

    A configured folder is the only candidate: when it is not built, nothing is served (and
    :func:`web_app_dir` says why), rather than some other copy the setting meant to replace.
    """
    if configured is not None:
        return configured if _built(configured) else None
    for candidate in (package_dir / "web", checkout_out_dir(package_dir)):
        if _built(candidate):
            return candidate
    return None


def web_app_dir(configured: Path | None, package_dir: Path | None = None) -> Path | None:
    """:func:`find_web_app`, logging where the web app is served from, or what to do when none is."""
    package_dir = package_dir or PACKAGE_DIR
    found = find_web_app(configured, package_dir)
    if found is not None:
        log.info("Serving the web app from %s", found.resolve())
        return found
    frontend = checkout_out_dir(package_dir).parent
    build = f"cd {frontend} && npm ci && npm run build" if (frontend / "package.json").is_file() else BUILD_COMMAND
    if configured is not None:
        log.warning(
            "SPACECLIP_FRONTEND_DIR is %s, which is not a folder with an index.html: no web app is served "
            "(the API still is). Build the web app (%s) and point SPACECLIP_FRONTEND_DIR at its frontend/out, "
            "or unset SPACECLIP_FRONTEND_DIR to use the checkout's frontend/out.",
            configured,
            build,
        )
    else:
        log.warning(
            "No built web app found (looked in %s and %s): only the API is served. Build it with: %s "
            "(or run scripts/dev.sh, which builds it and starts the server), or set SPACECLIP_FRONTEND_DIR.",
            package_dir / "web",
            checkout_out_dir(package_dir),
            build,
        )
    return None


class WebAppFiles(StaticFiles):
    """The built web app, mounted at ``/`` after the API's routes.

    An ``/api/...`` path that no route took is a wrong API address, not a page: it gets the API's
    JSON 404 (through the app's error handlers) instead of the web app's HTML 404 page; one that a
    route takes with another method gets 405 with ``Allow``, as it would without the mount.
    """

    async def get_response(self, path: str, scope: Scope) -> Response:
        if path == "api" or path.startswith("api/"):
            app = scope.get("app")
            for route in getattr(getattr(app, "router", None), "routes", ()):
                if route is not scope.get("endpoint") and route.matches(scope)[0] is Match.PARTIAL:
                    raise HTTPException(status_code=405)
            raise HTTPException(status_code=404)
        return await super().get_response(path, scope)
