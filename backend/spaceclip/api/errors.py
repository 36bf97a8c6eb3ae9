"""The one place where errors become HTTP responses, all in one body (:class:`ErrorBody`).

Every refusal, whatever raised it (a use case's :class:`~spaceclip.errors.SpaceClipError`, request
validation, Starlette's own 400/404/405, a stale edit), answers
``{"detail": "<what went wrong and what to do>", "code": "<stable code>"}``; a request that fails
validation adds ``errors``, one item per field. :mod:`spaceclip.api.responses` declares these
answers on every operation of the OpenAPI schema.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from spaceclip.errors import RangeNotSatisfiable, ServiceBusy, SpaceClipError, TooManyRequests

log = logging.getLogger(__name__)

INTERNAL_MESSAGE = (
    "Something went wrong on our side. The error was logged; try again, and if it keeps happening "
    "run `spaceclip doctor` and report the log."
)
#: How many field errors the message names (all of them are in ``errors``).
MESSAGE_FIELDS = 3

#: Starlette's own refusals (no route matched, wrong method, an unreadable body), in our words.
HTTP_ERRORS: dict[int, tuple[str, str]] = {
    400: (
        "bad_request",
        "The request body could not be read. Send JSON (Content-Type: application/json), or the form "
        "the operation describes in /docs.",
    ),
    404: ("not_found", "There is nothing at this address. Check it (the API's addresses are listed at /docs)."),
    405: ("method_not_allowed", "This API address does not take that method. Check /docs for the ones it takes."),
}


class FieldError(BaseModel):
    loc: list[str | int] = Field(description='Where: "body", "query", "path" or "header", then the field')
    msg: str = Field(description="What is wrong with it")
    type: str = Field(description="Pydantic's error type, e.g. missing, enum, less_than_equal")


class ErrorBody(BaseModel):
    """Every error response of the API."""

    detail: str = Field(description="What went wrong and what to do, in words to show the creator")
    code: str = Field(description="A stable code for programs: not_found, conflict, invalid_request, service_busy, …")
    errors: list[FieldError] | None = Field(
        default=None, description="Only for code invalid_request (422): each field that is wrong"
    )


def error_body(code: str, message: str, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"detail": message, "code": code}
    if errors is not None:
        body["errors"] = errors
    return body


def validation_message(errors: list[dict[str, Any]]) -> str:
    """``errors`` (each with ``loc`` and ``msg``) in one sentence that says what to fix."""
    parts = [f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in errors[:MESSAGE_FIELDS]]
    more = len(errors) - MESSAGE_FIELDS
    listed = "; ".join(parts) + (f"; and {more} more" if more > 0 else "")
    return f"The request is not valid ({listed}). Correct {'it' if len(errors) == 1 else 'them'} and send it again."


async def _spaceclip_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, SpaceClipError)
    if exc.status_code >= 500:
        log.error("%s: %s", type(exc).__name__, exc)
    headers = {"Cache-Control": "no-store"}
    if isinstance(exc, TooManyRequests | ServiceBusy):
        headers["Retry-After"] = str(exc.retry_after_s)
    if exc.status_code == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, RangeNotSatisfiable):
        headers["Content-Range"] = f"bytes */{exc.size}"
    return JSONResponse(error_body(exc.code, exc.user_message), status_code=exc.status_code, headers=headers)


async def _stale_data(_request: Request, _exc: Exception) -> JSONResponse:
    return JSONResponse(
        error_body("conflict", "This item was changed by someone else meanwhile. Reload it and try again."),
        status_code=409,
    )


async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
    log.exception("Unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse(error_body("internal_error", INTERNAL_MESSAGE), status_code=500)


async def _request_validation(_request: Request, exc: Exception) -> JSONResponse:
    # Each error without its "input" (and "ctx", which may hold it): they would echo passwords and
    # tokens back into responses, and into whatever logs them.
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": list(err.get("loc", ())), "msg": str(err.get("msg", "")), "type": str(err.get("type", ""))}
        for err in exc.errors()
    ]
    errors = jsonable_encoder(errors)
    return JSONResponse(error_body("invalid_request", validation_message(errors), errors), status_code=422)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code, message = HTTP_ERRORS.get(exc.status_code, ("http_error", str(exc.detail)))
    return JSONResponse(error_body(code, message), status_code=exc.status_code, headers=exc.headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(SpaceClipError, _spaceclip_error)
    app.add_exception_handler(StaleDataError, _stale_data)
    app.add_exception_handler(Exception, _unhandled)
