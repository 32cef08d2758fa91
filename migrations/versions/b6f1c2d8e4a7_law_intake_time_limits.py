"""行政许可法 art. 32 and seed 004 time limits: case flags, major projects, items' reasons
for a longer decision

Revision ID: b6f1c2d8e4a7
Revises: 7d3e2b91c0a4
Create Date: 2026-12-10 09:30:00.000000
"""
from alembic import op
import sqlalchemy as sa
import app.models.base


revision = 'b6f1c2d8e4a7'
down_revision = '7d3e2b91c0a4'
branch_labels = None
depends_on = None

_FLAGS = ('major_project', 'auto_accepted', 'decision_limit_exceeded', 'spot_not_decided')


def upgrade():
    with op.batch_alter_table('service_case', schema=None) as batch_op:
        for name in _FLAGS:
            batch_op.add_column(sa.Column(name, sa.Boolean(), nullable=False,
                                          server_default=sa.false()))
        batch_op.add_column(sa.Column('decision_limit_at',
                                      app.models.base.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('long_decision_reason', sa.String(length=32),
                                      nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_column('long_decision_reason')
    with op.batch_alter_table('service_case', schema=None) as batch_op:
        batch_op.drop_column('decision_limit_at')
        for name in reversed(_FLAGS):
            batch_op.drop_column(name)
