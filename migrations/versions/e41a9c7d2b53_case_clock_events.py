"""Case clock events (延期, 特别程序, 补正 pauses), the 超过法定时限 flag, items whose 补正
pauses the clock

Revision ID: e41a9c7d2b53
Revises: b6f1c2d8e4a7
Create Date: 2026-12-03 18:10:00.000000
"""
from alembic import op
import sqlalchemy as sa
import app.models.base


revision = 'e41a9c7d2b53'
down_revision = 'b6f1c2d8e4a7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'case_clock_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('days', sa.Integer(), nullable=False),
        sa.Column('procedure', sa.String(length=32), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('approver_role', sa.String(length=32), nullable=False),
        sa.Column('requested_by', sa.Integer(), nullable=True),
        sa.Column('requested_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('decided_by', sa.Integer(), nullable=True),
        sa.Column('decided_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('moved_days', sa.Integer(), nullable=False),
        sa.Column('notice_no', sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id']),
        sa.ForeignKeyConstraint(['requested_by'], ['user_account.id']),
        sa.ForeignKeyConstraint(['decided_by'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_case_clock_event_instance_id', 'case_clock_event', ['instance_id'])
    with op.batch_alter_table('service_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('statutory_limit_exceeded', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('correction_pauses', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_column('correction_pauses')
    with op.batch_alter_table('service_case', schema=None) as batch_op:
        batch_op.drop_column('statutory_limit_exceeded')
    op.drop_index('ix_case_clock_event_instance_id', table_name='case_clock_event')
    op.drop_table('case_clock_event')
