"""The Alembic migrations and the SQLAlchemy models describe the same schema."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.migrate import alembic_config, upgrade
from spaceclip.models.tables import Base


def test_models_match_migrations(settings: Settings, database: Database) -> None:
    with database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], f"models differ from migrations; add an Alembic revision: {diff}"


def test_downgrade_to_base_and_upgrade_again(settings: Settings, database: Database) -> None:
    cfg = alembic_config(settings)
    command.downgrade(cfg, "base")
    with database.engine.connect() as conn:
        tables = set(conn.dialect.get_table_names(conn))
    assert "projects" not in tables
    upgrade(settings)
    with database.engine.connect() as conn:
        tables = set(conn.dialect.get_table_names(conn))
    assert {"users", "sessions", "projects", "jobs", "segments"} <= tables
