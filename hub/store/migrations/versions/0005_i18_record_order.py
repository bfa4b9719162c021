"""Records: an index on (object, hub_id), the order the API lists them in.

Revision ID: i18_record_order
Revises: i23_run_lease
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "i18_record_order"
down_revision: str | None = "i23_run_lease"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_records_object_hub_id"), ["object", "hub_id"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_records_object_hub_id"))
