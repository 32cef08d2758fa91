"""The monthly assessment (月度效能考评): frozen months, and the case indexes its range scans use

Revision ID: f7a2c9e4b1d6
Revises: b7c3e9d1f402
Create Date: 2026-12-04 19:50:00.000000
"""
from alembic import op
import sqlalchemy as sa
import app.models.base


revision = 'f7a2c9e4b1d6'
down_revision = 'b7c3e9d1f402'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assessment_month',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('frozen_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('frozen_by', sa.Integer(), nullable=True),
    sa.Column('recomputed', sa.Integer(), nullable=False),
    sa.Column('published_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('published_by', sa.Integer(), nullable=True),
    sa.Column('bulletin_no', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['frozen_by'], ['user_account.id'], name=op.f('fk_assessment_month_frozen_by_user_account')),
    sa.ForeignKeyConstraint(['published_by'], ['user_account.id'], name=op.f('fk_assessment_month_published_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_month')),
    sa.UniqueConstraint('bulletin_no', name=op.f('uq_assessment_month_bulletin_no')),
    sa.UniqueConstraint('month', name=op.f('uq_assessment_month_month'))
    )
    with op.batch_alter_table('service_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_case_accepted_at'), ['accepted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_case_concluded_at'), ['concluded_at'], unique=False)


def downgrade():
    with op.batch_alter_table('service_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_case_concluded_at'))
        batch_op.drop_index(batch_op.f('ix_service_case_accepted_at'))
    op.drop_table('assessment_month')
