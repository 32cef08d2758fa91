"""Absences need the center's consent (请假经中心同意); those filed before count as given

Revision ID: e5b8f3a1c7d2
Revises: d4a7e2c9b6f1
Create Date: 2026-12-06 02:00:00
"""
from alembic import op
import sqlalchemy as sa
import app.models.base


revision = 'e5b8f3a1c7d2'
down_revision = 'd4a7e2c9b6f1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('absence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved_at', app.models.base.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('approved_by', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_absence_approved_by_user_account'), 'user_account',
                                    ['approved_by'], ['id'])
    # Filed under the old rule (报中心备案): the filing was the center's record of it.
    op.execute("UPDATE absence SET approved_at = filed_at")


def downgrade():
    with op.batch_alter_table('absence', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_absence_approved_by_user_account'), type_='foreignkey')
        batch_op.drop_column('approved_by')
        batch_op.drop_column('approved_at')
