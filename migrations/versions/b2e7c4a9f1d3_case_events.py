"""Case events out: the feed other systems poll with a cursor, and their webhooks

Revision ID: b2e7c4a9f1d3
Revises: 8cdadbdbfe85
Create Date: 2026-12-05 08:30:00
"""
from alembic import op
import sqlalchemy as sa
import app.models.base


revision = 'b2e7c4a9f1d3'
down_revision = '8cdadbdbfe85'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('occurred_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('case_no', sa.String(length=40), nullable=True),
    sa.Column('item_code', sa.String(length=32), nullable=False),
    sa.Column('department_code', sa.String(length=32), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_event'))
    )
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_event_instance_id'), ['instance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_event_department_code'), ['department_code'], unique=False)


def downgrade():
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_event_department_code'))
        batch_op.drop_index(batch_op.f('ix_case_event_instance_id'))
    op.drop_table('case_event')
