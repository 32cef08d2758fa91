"""Process versions keep their change note and, for a rollback, the version they restore

Revision ID: b7c4e2a9d1f3
Revises: a3d5e7f9b1c2
Create Date: 2026-12-04 06:40:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'b7c4e2a9d1f3'
down_revision = 'a3d5e7f9b1c2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('process_definition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('change_note', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('restored_from', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('process_definition', schema=None) as batch_op:
        batch_op.drop_column('restored_from')
        batch_op.drop_column('change_note')
