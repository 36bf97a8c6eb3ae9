"""podcast feeds and their episodes (UNIQUE(feed_id, guid): each episode imported once)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import spaceclip.models.tables

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("owner_id", sa.String(length=32), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_checked_at", spaceclip.models.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("auto_import", sa.Boolean(), nullable=False),
        sa.Column("auto_import_since", spaceclip.models.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("next_check_at", spaceclip.models.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("recipe", sa.JSON(), nullable=True),
        sa.Column("created_at", spaceclip.models.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", spaceclip.models.tables.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("owner_id", "url", name="uq_feeds_owner_url"),
    )
    op.create_index(op.f("ix_feeds_owner_id"), "feeds", ["owner_id"], unique=False)
    op.create_index(op.f("ix_feeds_next_check_at"), "feeds", ["next_check_at"], unique=False)
    op.create_table(
        "feed_episodes",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("feed_id", sa.String(length=32), nullable=False),
        sa.Column("guid", sa.String(length=1000), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("enclosure_url", sa.Text(), nullable=True),
        sa.Column("enclosure_type", sa.String(length=100), nullable=True),
        sa.Column("published_at", spaceclip.models.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("problem", sa.Text(), nullable=True),
        sa.Column("first_seen_at", spaceclip.models.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("imported_at", spaceclip.models.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("project_id", sa.String(length=32), nullable=True),
        sa.Column("recipe_applied_at", spaceclip.models.tables.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["feed_id"], ["feeds.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("feed_id", "guid", name="uq_feed_episodes_feed_guid"),
    )
    op.create_index(op.f("ix_feed_episodes_feed_id"), "feed_episodes", ["feed_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_feed_episodes_feed_id"), table_name="feed_episodes")
    op.drop_table("feed_episodes")
    op.drop_index(op.f("ix_feeds_next_check_at"), table_name="feeds")
    op.drop_index(op.f("ix_feeds_owner_id"), table_name="feeds")
    op.drop_table("feeds")
