"""The one place where errors become HTTP responses."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.orm.exc import StaleDataError

from spaceclip.errors import ServiceBusy, SpaceClipError, TooManyRequests

log = logging.getLogger(__name__)

INTERNAL_MESSAGE = (
    "Something went wrong on our side. The error was logged; try again, and if it keeps happening "
    "run `spaceclip doctor` and report the log."
)


def error_body(code: str, message: str) -> dict[str, str]:
    return {"detail": message, "code": code}


async def _spaceclip_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, SpaceClipError)
    if exc.status_code >= 500:
        log.error("%s: %s", type(exc).__name__, exc)
    headers = {"Cache-Control": "no-store"}
    if isinstance(exc, TooManyRequests | ServiceBusy):
        headers["Retry-After"] = str(exc.retry_after_s)
    if exc.status_code == 401:
        headers["WWW-Authenticate"] = "Bearer"
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
    # FastAPI's default body, minus the "input" of each error: it would echo passwords and tokens
    # back into responses (and into whatever logs them).
    assert isinstance(exc, RequestValidationError)
    errors = [{k: v for k, v in err.items() if k != "input"} for err in exc.errors()]
    return JSONResponse({"detail": jsonable_encoder(errors)}, status_code=422)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(SpaceClipError, _spaceclip_error)
    app.add_exception_handler(StaleDataError, _stale_data)
    app.add_exception_handler(Exception, _unhandled)
