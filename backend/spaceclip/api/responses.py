"""Every operation's error answers, declared in the OpenAPI schema (one :class:`ErrorBody` for all).

Some answers follow from what a route is, and are added to every route it applies to by
:func:`declare_error_responses` (:func:`install_openapi` puts the body's schema in the components):

- 503 ``service_busy`` (with ``Retry-After``): any request, when the request line is full;
- 401: a route that needs a session (it depends on :func:`spaceclip.api.deps.get_auth`);
- 403: a state-changing method (the CSRF check on cookie-authenticated writes);
- 404: a route with ids in its path (an id that is not yours reads as "not found");
- 422 ``invalid_request``: a route with parameters or a body;
- 400: a route with a body (one that cannot be read at all).

The rest depend on what the route does and are named where it is declared, with :func:`errors`
(409 for a stale version or a project that is busy, 413/415 for uploads, 429 for sign-in throttling).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from spaceclip.api.deps import get_auth
from spaceclip.api.errors import ErrorBody

__all__ = ["automatic_statuses", "declare_error_responses", "errors", "install_openapi"]

REF = "#/components/schemas/"
DESCRIPTIONS: dict[int, str] = {
    400: "The request body could not be read (not JSON, or not the form this operation takes).",
    401: "Not signed in, or the session expired or was signed out: sign in again.",
    403: "Refused: a cookie-authenticated write without this site's Origin, or not allowed for this account.",
    404: "No such item, or it is not yours.",
    409: "Conflict with the item's current state: a stale version, or work still running. Reload and retry.",
    413: "Too large: the file is over the server's upload limit.",
    415: "Not a media file SpaceClip can read, or one without the audio it needs.",
    416: "The byte range asked for lies outside the file.",
    422: "The request is not valid: `errors` names each field (code invalid_request), or the detail says why.",
    429: "Too many attempts: wait for the number of seconds in Retry-After.",
    503: "The server is busy (code service_busy): retry after the number of seconds in Retry-After.",
}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before retrying", "schema": {"type": "integer"}}}


def _response(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": DESCRIPTIONS[status],
        "content": {"application/json": {"schema": {"$ref": f"{REF}ErrorBody"}}},
    }
    if status in (429, 503):
        response["headers"] = RETRY_AFTER
    return response


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route for the error answers particular to it (see the module's docstring)."""
    return {status: _response(status) for status in statuses}


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any] | None]:
    for dep in dependant.dependencies:
        yield dep.call
        yield from _calls(dep)


def automatic_statuses(route: APIRoute) -> set[int]:
    """The error answers that follow from the route's dependencies, parameters and methods."""
    statuses = {503}
    if get_auth in set(_calls(route.dependant)):
        statuses.add(401)
    if set(route.methods or ()) - SAFE_METHODS:
        statuses.add(403)
    if route.dependant.path_params:
        statuses.add(404)
    params = route.dependant.path_params + route.dependant.query_params + route.dependant.header_params
    if params or route.body_field is not None:
        statuses.add(422)
    if route.body_field is not None:
        statuses.add(400)
    return statuses


def declare_error_responses(router: APIRouter) -> None:
    """Declare the automatic answers on every route of ``router`` (call it before including it)."""
    for route in router.routes:
        if isinstance(route, APIRoute):
            for status in sorted(automatic_statuses(route)):
                route.responses.setdefault(status, _response(status))


def install_openapi(app: FastAPI) -> None:
    """The app's schema as FastAPI builds it, with :class:`ErrorBody` (which routes refer to) in its components."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            defs = ErrorBody.model_json_schema(ref_template=REF + "{model}")
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.update(defs.pop("$defs", {}))
            components["ErrorBody"] = defs
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
