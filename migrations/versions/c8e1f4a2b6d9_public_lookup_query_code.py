"""Public progress lookup (办件查询): a query code per case, printed on its 受理通知书

Revision ID: c8e1f4a2b6d9
Revises: b7c4e2a9d1f3
Create Date: 2026-12-04 17:50:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'c8e1f4a2b6d9'
down_revision = 'b7c4e2a9d1f3'
branch_labels = None
depends_on = None


def upgrade():
    # Cases accepted before have none: they are found by the ID number's last digits.
    with op.batch_alter_table('service_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('query_code', sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table('service_case', schema=None) as batch_op:
        batch_op.drop_column('query_code')
