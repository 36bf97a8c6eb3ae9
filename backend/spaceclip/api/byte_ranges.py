"""HTTP ``Range`` requests refused in the API's own error body.

Starlette's ``FileResponse`` answers a malformed or unsatisfiable range with a plain-text 400 or an
empty 416. :func:`check_range` runs the very same parser first and raises our errors instead, so
the player and API clients get ``{"detail", "code"}`` like every other refusal.
"""

from __future__ import annotations

from starlette.responses import FileResponse, MalformedRangeHeader
from starlette.responses import RangeNotSatisfiable as StarletteRangeNotSatisfiable

from spaceclip.errors import BadRequest, RangeNotSatisfiable

__all__ = ["check_range"]


def check_range(header: str | None, size: int) -> None:
    """Raise unless ``header`` (the request's ``Range``, or None) can be served from a file of ``size`` bytes."""
    if header is None:
        return
    try:
        FileResponse._parse_range_header(header, size)  # the parser FileResponse itself uses
    except MalformedRangeHeader as exc:
        raise BadRequest(
            f"The Range header {header[:60]!r} is not valid ({exc.content}). Ask for bytes, e.g. 'bytes=0-1023'."
        ) from None
    except StarletteRangeNotSatisfiable:
        raise RangeNotSatisfiable(
            f"The byte range asked for starts past the end of the file ({size} bytes). Ask for a range inside it.",
            size=size,
        ) from None
