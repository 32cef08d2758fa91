"""The moment a case was last sent its 预警, on the case

Revision ID: c4f8a2d6e9b1
Revises: b6e3d9a4c2f7
Create Date: 2026-12-07 13:30:00

The dashboard's 已预警未办结 counted open cases with any case.warning event in the audit
trail: it read every warning ever sent. The case now keeps when it was last warned, and a
partial index holds the open warned cases alone, so the count follows the work in hand.
Cases warned before keep the moment of their last case.warning event.
"""
from alembic import op
import sqlalchemy as sa


revision = 'c4f8a2d6e9b1'
down_revision = 'b6e3d9a4c2f7'
branch_labels = None
depends_on = None

WARNED_OPEN = 'warned_at IS NOT NULL AND concluded_at IS NULL'


def upgrade():
    with op.batch_alter_table('service_case') as batch:
        batch.add_column(sa.Column('warned_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE service_case SET warned_at = (SELECT max(audit_event.at) FROM audit_event"
               " WHERE audit_event.action = 'case.warning'"
               " AND audit_event.instance_id = service_case.instance_id)"
               " WHERE instance_id IN (SELECT instance_id FROM audit_event"
               " WHERE action = 'case.warning')")
    op.create_index('ix_service_case_warned_open', 'service_case', ['id'],
                    sqlite_where=sa.text(WARNED_OPEN), postgresql_where=sa.text(WARNED_OPEN))


def downgrade():
    op.drop_index('ix_service_case_warned_open', table_name='service_case')
    with op.batch_alter_table('service_case') as batch:
        batch.drop_column('warned_at')
