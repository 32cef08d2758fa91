"""Timer sweeps claim due instances (a lease), so that no two sweeps queue one twice

Revision ID: c3f8d2a6b9e1
Revises: b2e7c4a9f1d3
Create Date: 2026-12-05 09:00:00
"""
from alembic import op
import sqlalchemy as sa
import app.models.base


revision = 'c3f8d2a6b9e1'
down_revision = 'b2e7c4a9f1d3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('process_instance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timer_claimed_until',
                                      app.models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('process_instance', schema=None) as batch_op:
        batch_op.drop_column('timer_claimed_until')
