"""Staff records (窗口人员档案): what the seeds ask of a person sent to a window

Revision ID: d4a7e2c9b6f1
Revises: c3f8d2a6b9e1
Create Date: 2026-12-06 01:00:00
"""
from alembic import op
import sqlalchemy as sa
import app.models.base


revision = 'd4a7e2c9b6f1'
down_revision = 'c3f8d2a6b9e1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'staff_record',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('established', sa.Boolean(), nullable=False),
        sa.Column('section_head', sa.Boolean(), nullable=False),
        sa.Column('department_since', sa.Date(), nullable=True),
        sa.Column('enforcement_certificate', sa.String(length=40), nullable=False),
        sa.Column('window_since', sa.Date(), nullable=True),
        sa.Column('sent_back_on', sa.Date(), nullable=True),
        sa.Column('sent_back_reason', sa.Text(), nullable=False),
        sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id'))


def downgrade():
    op.drop_table('staff_record')
