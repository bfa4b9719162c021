"""Initial schema: every table of the hub.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 02:51:59.932983
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import hub.store.models

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('bindings',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('connection_id', sa.String(length=40), nullable=False),
    sa.Column('object', sa.String(length=40), nullable=False),
    sa.Column('remote_id', sa.String(length=200), nullable=False),
    sa.Column('hub_id', sa.String(length=40), nullable=False),
    sa.Column('created_at', hub.store.models.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bindings')),
    sa.UniqueConstraint('connection_id', 'object', 'remote_id', name=op.f('uq_bindings_connection_id_object_remote_id')),
    sa.UniqueConstraint('hub_id', name=op.f('uq_bindings_hub_id'))
    )
    op.create_table('cursors',
    sa.Column('connection_id', sa.String(length=40), nullable=False),
    sa.Column('object', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Text(), nullable=True),
    sa.Column('updated_at', hub.store.models.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('connection_id', 'object', name=op.f('pk_cursors'))
    )
    op.create_table('dead_letters',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('queue', sa.String(length=100), nullable=False),
    sa.Column('message_args', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('message_kwargs', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('case_id', sa.String(length=40), nullable=True),
    sa.Column('created_at', hub.store.models.UtcDateTime(timezone=True), nullable=False),
    sa.Column('replayed_at', hub.store.models.UtcDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dead_letters'))
    )
    op.create_table('exception_cases',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('case_key', sa.String(length=64), nullable=False),
    sa.Column('connection_id', sa.String(length=40), nullable=True),
    sa.Column('object', sa.String(length=40), nullable=True),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('cause', sa.Text(), nullable=False),
    sa.Column('erp_message', sa.Text(), nullable=True),
    sa.Column('erp_code', sa.String(length=100), nullable=True),
    sa.Column('correlation_id', sa.String(length=80), nullable=True),
    sa.Column('occurrences', sa.Integer(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('sla_seconds', sa.Integer(), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('resolved_by', sa.String(length=20), nullable=True),
    sa.Column('resolved_at', hub.store.models.UtcDateTime(timezone=True), nullable=True),
    sa.Column('first_seen', hub.store.models.UtcDateTime(timezone=True), nullable=False),
    sa.Column('last_seen', hub.store.models.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exception_cases')),
    sa.UniqueConstraint('case_key', name=op.f('uq_exception_cases_case_key'))
    )
    with op.batch_alter_table('exception_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exception_cases_connection_id'), ['connection_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exception_cases_status_category'), ['status', 'category'], unique=False)

    op.create_table('outbox',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('type', sa.String(length=60), nullable=False),
    sa.Column('connection_id', sa.String(length=40), nullable=True),
    sa.Column('correlation_id', sa.String(length=80), nullable=False),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', hub.store.models.UtcDateTime(timezone=True), nullable=False),
    sa.Column('dispatched_at', hub.store.models.UtcDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_outbox')),
    sa.UniqueConstraint('id', name=op.f('uq_outbox_id'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_dispatched_at'), ['dispatched_at'], unique=False)

    op.create_table('records',
    sa.Column('hub_id', sa.String(length=40), nullable=False),
    sa.Column('connection_id', sa.String(length=40), nullable=False),
    sa.Column('object', sa.String(length=40), nullable=False),
    sa.Column('remote_id', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('raw', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('remote_updated_at', hub.store.models.UtcDateTime(timezone=True), nullable=True),
    sa.Column('remote_deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', hub.store.models.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', hub.store.models.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('hub_id', name=op.f('pk_records')),
    sa.UniqueConstraint('connection_id', 'object', 'remote_id', name=op.f('uq_records_connection_id_object_remote_id'))
    )
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_records_connection_id_object_updated_at'), ['connection_id', 'object', 'updated_at'], unique=False)

    op.create_table('sync_runs',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('connection_id', sa.String(length=40), nullable=False),
    sa.Column('object', sa.String(length=40), nullable=False),
    sa.Column('mode', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Integer(), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('started_at', hub.store.models.UtcDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', hub.store.models.UtcDateTime(timezone=True), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('correlation_id', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_runs'))
    )
    with op.batch_alter_table('sync_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_runs_connection_id_object_started_at'), ['connection_id', 'object', 'started_at'], unique=False)

    op.create_table('tenants',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', hub.store.models.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenants'))
    )
    op.create_table('write_requests',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('connection_id', sa.String(length=40), nullable=False),
    sa.Column('object', sa.String(length=40), nullable=False),
    sa.Column('operation', sa.String(length=20), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=False),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('payload_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('remote_id', sa.String(length=200), nullable=True),
    sa.Column('hub_id', sa.String(length=40), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('error_category', sa.String(length=20), nullable=True),
    sa.Column('correlation_id', sa.String(length=80), nullable=False),
    sa.Column('created_at', hub.store.models.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', hub.store.models.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_write_requests')),
    sa.UniqueConstraint('connection_id', 'idempotency_key', name=op.f('uq_write_requests_connection_id_idempotency_key'))
    )
    with op.batch_alter_table('write_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_write_requests_connection_id'), ['connection_id'], unique=False)

    op.create_table('connections',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('tenant_id', sa.String(length=40), nullable=False),
    sa.Column('erp', sa.String(length=40), nullable=False),
    sa.Column('remote_tenant_id', sa.String(length=200), nullable=True),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('scopes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('base_url', sa.String(length=500), nullable=True),
    sa.Column('credentials', sa.Text(), nullable=True),
    sa.Column('options', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', hub.store.models.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', hub.store.models.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_connections_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_connections'))
    )
    with op.batch_alter_table('connections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_connections_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('exception_case_records',
    sa.Column('case_id', sa.String(length=40), nullable=False),
    sa.Column('record_ref', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('occurrences', sa.Integer(), nullable=False),
    sa.Column('first_seen', hub.store.models.UtcDateTime(timezone=True), nullable=False),
    sa.Column('last_seen', hub.store.models.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['exception_cases.id'], name=op.f('fk_exception_case_records_case_id_exception_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', 'record_ref', name=op.f('pk_exception_case_records'))
    )
    op.create_table('tokens',
    sa.Column('connection_id', sa.String(length=40), nullable=False),
    sa.Column('sealed', sa.Text(), nullable=False),
    sa.Column('expires_at', hub.store.models.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', hub.store.models.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['connection_id'], ['connections.id'], name=op.f('fk_tokens_connection_id_connections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('connection_id', name=op.f('pk_tokens'))
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table('tokens')
    op.drop_table('exception_case_records')
    with op.batch_alter_table('connections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_connections_tenant_id'))

    op.drop_table('connections')
    with op.batch_alter_table('write_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_write_requests_connection_id'))

    op.drop_table('write_requests')
    op.drop_table('tenants')
    with op.batch_alter_table('sync_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_runs_connection_id_object_started_at'))

    op.drop_table('sync_runs')
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_records_connection_id_object_updated_at'))

    op.drop_table('records')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_dispatched_at'))

    op.drop_table('outbox')
    with op.batch_alter_table('exception_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exception_cases_status_category'))
        batch_op.drop_index(batch_op.f('ix_exception_cases_connection_id'))

    op.drop_table('exception_cases')
    op.drop_table('dead_letters')
    op.drop_table('cursors')
    op.drop_table('bindings')
