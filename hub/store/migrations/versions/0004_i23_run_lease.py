"""A lease on each sync run: a run whose process died is recognisable by its expired lease.

Revision ID: i23_run_lease
Revises: i18_api_webhooks
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import hub.store.models

revision: str = "i23_run_lease"
down_revision: str | None = "i18_api_webhooks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add `sync_runs.lease_expires_at` (NULL on runs from before: taken for dead)."""
    with op.batch_alter_table("sync_runs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "lease_expires_at",
                hub.store.models.UtcDateTime(timezone=True),
                nullable=True,
            )
        )


def downgrade() -> None:
    """Drop the lease."""
    with op.batch_alter_table("sync_runs", schema=None) as batch_op:
        batch_op.drop_column("lease_expires_at")
