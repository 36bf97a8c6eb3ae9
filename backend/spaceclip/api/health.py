"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from spaceclip import __version__
from spaceclip.api.deps import DbSession
from spaceclip.usecases.health import database_answers

router = APIRouter(tags=["system"])


class Health(BaseModel):
    status: str
    version: str
    database: str


@router.get("/api/health", response_model=Health)
def get_health(db: DbSession) -> Health:
    """Report that the API is up and the database answers."""
    return Health(status="ok", version=__version__, database=database_answers(db))
