"""Users' session epoch (sign-out and password changes end every session and token), and
failed sign-ins for throttling across processes

Revision ID: f5b2c8d1a936
Revises: e41a9c7d2b53
Create Date: 2026-12-03 18:45:00.000000
"""
from alembic import op
import sqlalchemy as sa
import app.models.base


revision = 'f5b2c8d1a936'
down_revision = 'e41a9c7d2b53'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), nullable=False,
                                      server_default='0'))
    op.create_table(
        'login_failure',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('username', sa.String(length=64), nullable=False),
        sa.Column('remote_addr', sa.String(length=64), nullable=False),
        sa.Column('at', app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_login_failure_address', 'login_failure', ['remote_addr', 'at'])
    op.create_index('ix_login_failure_username', 'login_failure',
                    ['username', 'remote_addr', 'at'])


def downgrade():
    op.drop_index('ix_login_failure_username', table_name='login_failure')
    op.drop_index('ix_login_failure_address', table_name='login_failure')
    op.drop_table('login_failure')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('session_epoch')
