"""Idempotency keys of starts: the same key from the same caller starts one instance

Revision ID: c4e8a2f6d913
Revises: b3d7e1f9a4c2
Create Date: 2026-12-07 03:30:00
"""
from alembic import op
import sqlalchemy as sa
import app.models.base


revision = 'c4e8a2f6d913'
down_revision = 'b3d7e1f9a4c2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('idempotent_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], name=op.f('fk_idempotent_request_instance_id_process_instance'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_idempotent_request_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotent_request')),
    sa.UniqueConstraint('user_id', 'key', name=op.f('uq_idempotent_request_user_id'))
    )
    op.create_index(op.f('ix_idempotent_request_created_at'), 'idempotent_request', ['created_at'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_idempotent_request_created_at'), table_name='idempotent_request')
    op.drop_table('idempotent_request')
