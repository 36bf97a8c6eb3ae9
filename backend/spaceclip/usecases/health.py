"""Readiness: does the database answer."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session


def database_answers(db: Session) -> str:
    """Run a trivial query; the database's dialect name (``sqlite``, ``postgresql``) when it answers.

    Raises whatever the driver raises when it does not (mapped to 5xx by the API).
    """
    db.execute(text("SELECT 1"))
    return db.get_bind().dialect.name
