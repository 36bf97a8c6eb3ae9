"""Reading a raw request body with a size cap (small uploads: photos, logos, fonts)."""

from __future__ import annotations

from fastapi import Request

from spaceclip.errors import PayloadTooLarge

__all__ = ["read_capped"]


async def read_capped(request: Request, cap: int) -> bytes:
    """The request body, refused with 413 as soon as it passes ``cap`` bytes (never read whole first)."""
    too_big = PayloadTooLarge(f"This file is over {cap // 1_048_576} MB. Upload a smaller one.")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > cap:
        raise too_big
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise too_big
        chunks.append(chunk)
    return b"".join(chunks)
