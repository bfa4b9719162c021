"""Records: the resource that read each one, so a key scan compares a resource's own records.

Revision ID: i17_record_resource
Revises: i18_record_order
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "i17_record_resource"
down_revision: str | None = "i18_record_order"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add `records.resource` (NULL on records from before: set when a sync reads them again)."""
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resource", sa.String(length=60), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_records_connection_id_resource"),
            ["connection_id", "resource"],
            unique=False,
        )


def downgrade() -> None:
    """Drop the column and its index."""
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_records_connection_id_resource"))
        batch_op.drop_column("resource")
