"""好差评: evaluations (one per case, or a window visit) and the 整改 each 差评 opens

Revision ID: d3e8f1a5c7b2
Revises: c8e1f4a2b6d9
Create Date: 2026-12-04 17:50:00.000000
"""
from alembic import op
import sqlalchemy as sa
import app.models.base


revision = 'd3e8f1a5c7b2'
down_revision = "c8e1f4a2b6d9"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'evaluation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('level', sa.Integer(), nullable=False),
        sa.Column('reasons', sa.JSON(), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('rated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=True),
        sa.Column('window_id', sa.Integer(), nullable=True),
        sa.Column('staff_id', sa.Integer(), nullable=True),
        sa.Column('item_code', sa.String(length=64), nullable=True),
        sa.Column('counted', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['service_case.id']),
        sa.ForeignKeyConstraint(['department_id'], ['department.id']),
        sa.ForeignKeyConstraint(['window_id'], ['service_window.id']),
        sa.ForeignKeyConstraint(['staff_id'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('case_id'))
    op.create_index('ix_evaluation_rated_at', 'evaluation', ['rated_at'])
    op.create_table(
        'rectification',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('evaluation_id', sa.Integer(), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=True),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('opened_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('due_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('report', sa.Text(), nullable=False),
        sa.Column('rectified_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('follow_up', sa.Text(), nullable=False),
        sa.Column('follow_up_due_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('followed_up_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('appeal', sa.Text(), nullable=False),
        sa.Column('appeal_decision', sa.Text(), nullable=False),
        sa.Column('appealed_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('decided_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('escalated_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['evaluation_id'], ['evaluation.id']),
        sa.ForeignKeyConstraint(['department_id'], ['department.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('evaluation_id'))
    op.create_index('ix_rectification_department_id', 'rectification', ['department_id'])


def downgrade():
    op.drop_index('ix_rectification_department_id', table_name='rectification')
    op.drop_table('rectification')
    op.drop_index('ix_evaluation_rated_at', table_name='evaluation')
    op.drop_table('evaluation')
