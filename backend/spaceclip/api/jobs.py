"""Routes: jobs (to be filled in)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/jobs", tags=["jobs"])
