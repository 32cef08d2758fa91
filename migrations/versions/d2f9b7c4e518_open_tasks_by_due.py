"""The inbox's default order read from an index of the open tasks

Revision ID: d2f9b7c4e518
Revises: c4e8a2f6d913
Create Date: 2026-12-07 03:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'd2f9b7c4e518'
down_revision = 'c4e8a2f6d913'
branch_labels = None
depends_on = None


def upgrade():
    # The constant as each backend stores a UTC moment (what the query writes into its SQL).
    epoch = ("'1970-01-01 00:00:00.000000'" if op.get_bind().dialect.name == "sqlite"
             else "'1970-01-01 00:00:00+00:00'")
    op.create_index('ix_human_task_open_due', 'human_task', [
        sa.text("(CASE WHEN (due_at IS NULL) THEN 1 ELSE 0 END)"),
        sa.text(f"coalesce(due_at, {epoch})"), 'created_at', 'id'],
        sqlite_where=sa.text("state = 'open'"), postgresql_where=sa.text("state = 'open'"))


def downgrade():
    op.drop_index('ix_human_task_open_due', table_name='human_task')
