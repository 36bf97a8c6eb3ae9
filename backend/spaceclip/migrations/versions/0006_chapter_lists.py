"""chapter lists: one per project (planned from the topics or edited)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import spaceclip.models.tables

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chapter_lists",
        sa.Column("project_id", sa.String(length=32), nullable=False),
        sa.Column("chapters", sa.JSON(), nullable=False),
        sa.Column("edited", sa.Boolean(), nullable=False),
        sa.Column("llm_note", sa.Text(), nullable=True),
        sa.Column("created_at", spaceclip.models.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", spaceclip.models.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("project_id"),
    )


def downgrade() -> None:
    op.drop_table("chapter_lists")
