"""robots.txt cache; the cap a page was cut at

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 07:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "robots_txt",
        sa.Column("origin", sa.String(length=300), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=True),
        sa.Column("etag", sa.String(length=512), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("origin", name=op.f("pk_robots_txt")),
    )
    with op.batch_alter_table("url_state", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cut_at", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("length", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("head_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("url_state", schema=None) as batch_op:
        batch_op.drop_column("head_hash")
        batch_op.drop_column("length")
        batch_op.drop_column("cut_at")
    op.drop_table("robots_txt")
