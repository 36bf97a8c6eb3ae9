"""Apply Alembic migrations from code (``spaceclip db upgrade`` and on start)."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config

from spaceclip.config import Settings

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(settings: Settings) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", settings.database_url.replace("%", "%%"))
    return cfg


def upgrade(settings: Settings, revision: str = "head") -> None:
    """Bring the database to ``revision`` (the newest by default)."""
    settings.ensure_dirs()
    log.info("Applying database migrations (%s)", settings.database_url.split("@")[-1])
    command.upgrade(alembic_config(settings), revision)
