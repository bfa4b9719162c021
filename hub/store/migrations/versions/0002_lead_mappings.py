"""Mapping specs, tenant custom fields and their bindings, mapping decisions; records.mapping_version.

Revision ID: lead_mappings
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import hub.store.models

revision: str = "lead_mappings"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _when(name: str) -> sa.Column[object]:
    return sa.Column(name, hub.store.models.UtcDateTime(timezone=True), nullable=False)


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("records") as batch:
        batch.add_column(sa.Column("mapping_version", sa.Integer(), nullable=True))
    op.create_table(
        "mapping_specs",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("connection_id", sa.String(length=40), nullable=False),
        sa.Column("object", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mapping_specs")),
        sa.UniqueConstraint(
            "connection_id",
            "object",
            "version",
            name=op.f("uq_mapping_specs_connection_id_object_version"),
        ),
    )
    op.create_table(
        "custom_fields",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=63), nullable=False),
        sa.Column("definition", JSON, nullable=False),
        _when("created_at"),
        _when("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custom_fields")),
        sa.UniqueConstraint("tenant_id", "key", name=op.f("uq_custom_fields_tenant_id_key")),
    )
    op.create_table(
        "custom_field_bindings",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("connection_id", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=63), nullable=False),
        sa.Column("place", sa.String(length=60), nullable=False),
        sa.Column("param", sa.String(length=200), nullable=True),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custom_field_bindings")),
        sa.UniqueConstraint(
            "connection_id", "key", name=op.f("uq_custom_field_bindings_connection_id_key")
        ),
    )
    op.create_table(
        "mapping_decisions",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("connection_id", sa.String(length=40), nullable=False),
        sa.Column("erp", sa.String(length=40), nullable=False),
        sa.Column("object", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("target", sa.String(length=300), nullable=True),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mapping_decisions")),
    )
    op.create_index(
        op.f("ix_mapping_decisions_erp_object_source"),
        "mapping_decisions",
        ["erp", "object", "source"],
    )
    op.create_index(
        op.f("ix_mapping_decisions_tenant_id"), "mapping_decisions", ["tenant_id"]
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index(op.f("ix_mapping_decisions_tenant_id"), table_name="mapping_decisions")
    op.drop_index(op.f("ix_mapping_decisions_erp_object_source"), table_name="mapping_decisions")
    op.drop_table("mapping_decisions")
    op.drop_table("custom_field_bindings")
    op.drop_table("custom_fields")
    op.drop_table("mapping_specs")
    with op.batch_alter_table("records") as batch:
        batch.drop_column("mapping_version")
