"""Indexes for the lists at scale: 已办, the monitor by state, 办件查询, the dashboard

Revision ID: e8b4c1d7a2f3
Revises: d1f6a3b8c527
Create Date: 2026-12-04 23:10:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'e8b4c1d7a2f3'
down_revision = 'd1f6a3b8c527'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_human_task_completed_by', 'human_task', ['completed_by', 'completed_at'],
                    unique=False, sqlite_where=sa.text('completed_by IS NOT NULL'),
                    postgresql_where=sa.text('completed_by IS NOT NULL'))
    op.create_index('ix_process_instance_state_id', 'process_instance', ['state', 'id'],
                    unique=False)
    op.create_index('ix_service_case_received', 'service_case', ['received_at', 'id'],
                    unique=False)
    op.create_index('ix_audit_event_action_instance', 'audit_event', ['action', 'instance_id'],
                    unique=False)
    op.create_index('ix_service_case_status', 'service_case', ['status_code'], unique=False)
    op.create_index('ix_service_case_overdue', 'service_case', ['id'], unique=False,
                    sqlite_where=sa.text('overdue'), postgresql_where=sa.text('overdue'))


def downgrade():
    op.drop_index('ix_service_case_overdue', table_name='service_case',
                  sqlite_where=sa.text('overdue'), postgresql_where=sa.text('overdue'))
    op.drop_index('ix_service_case_status', table_name='service_case')
    op.drop_index('ix_audit_event_action_instance', table_name='audit_event')
    op.drop_index('ix_service_case_received', table_name='service_case')
    op.drop_index('ix_process_instance_state_id', table_name='process_instance')
    op.drop_index('ix_human_task_completed_by', table_name='human_task',
                  sqlite_where=sa.text('completed_by IS NOT NULL'),
                  postgresql_where=sa.text('completed_by IS NOT NULL'))
