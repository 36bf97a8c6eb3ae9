"""brand kits: one per user (colours, font, logo watermark, intro/outro cards)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import spaceclip.models.tables

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "brand_kits",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("owner_id", sa.String(length=32), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("background", sa.String(length=7), nullable=False),
        sa.Column("text_color", sa.String(length=7), nullable=False),
        sa.Column("accent", sa.String(length=7), nullable=False),
        sa.Column("font_path", sa.String(length=500), nullable=True),
        sa.Column("font_family", sa.String(length=100), nullable=True),
        sa.Column("font_name", sa.String(length=255), nullable=True),
        sa.Column("logo_path", sa.String(length=500), nullable=True),
        sa.Column("logo_name", sa.String(length=255), nullable=True),
        sa.Column("logo_position", sa.String(length=16), nullable=False),
        sa.Column("logo_scale", sa.Float(), nullable=False),
        sa.Column("logo_opacity", sa.Float(), nullable=False),
        sa.Column("intro_enabled", sa.Boolean(), nullable=False),
        sa.Column("intro_title", sa.String(length=200), nullable=False),
        sa.Column("intro_seconds", sa.Float(), nullable=False),
        sa.Column("outro_enabled", sa.Boolean(), nullable=False),
        sa.Column("outro_title", sa.String(length=200), nullable=False),
        sa.Column("outro_seconds", sa.Float(), nullable=False),
        sa.Column("created_at", spaceclip.models.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", spaceclip.models.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("owner_id"),
    )


def downgrade() -> None:
    op.drop_table("brand_kits")
