"""Open tasks by assignee (the inbox's 我的待办 and 代办)

Revision ID: a9e5c3f7d1b8
Revises: d2a7c9e4b6f3
Create Date: 2026-12-07 14:00:00

The inbox counts a clerk's assigned open tasks on every page. With only the index of every
task's assignee, PostgreSQL intersected it with the index of all open tasks (a BitmapAnd over
100,000 entries at 1,000,000 tasks). A partial index of the open tasks by assignee reads the
clerk's own.
"""
from alembic import op
import sqlalchemy as sa


revision = 'a9e5c3f7d1b8'
down_revision = 'd2a7c9e4b6f3'
branch_labels = None
depends_on = None

OPEN_ONLY = sa.text("state = 'open'")


def upgrade():
    op.create_index('ix_human_task_open_assignee', 'human_task', ['assignee_id'],
                    sqlite_where=OPEN_ONLY, postgresql_where=OPEN_ONLY)


def downgrade():
    op.drop_index('ix_human_task_open_assignee', table_name='human_task')
