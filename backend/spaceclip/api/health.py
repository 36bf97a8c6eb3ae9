"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text

from spaceclip import __version__
from spaceclip.api.deps import DbSession

router = APIRouter(tags=["system"])


class Health(BaseModel):
    status: str
    version: str
    database: str


@router.get("/api/health", response_model=Health)
def get_health(db: DbSession) -> Health:
    """Report that the API is up and the database answers."""
    db.execute(text("SELECT 1"))
    return Health(status="ok", version=__version__, database=db.get_bind().dialect.name)
