"""Indexes for case search by name and number, the task list by creation and the dashboard

Revision ID: e1b7c3a9f5d2
Revises: d2f9b7c4e518
Create Date: 2026-12-07 07:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'e1b7c3a9f5d2'
down_revision = 'd2f9b7c4e518'
branch_labels = None
depends_on = None

OPEN_ONLY = sa.text("state = 'open'")
FLAGGED_OPEN = sa.text("concluded_at IS NULL AND (auto_accepted OR decision_limit_exceeded "
                       "OR spot_not_decided)")
# Every piece of 1 and 2 characters of a text, each once ('{}' for ''): what the model's
# name_grams calls. IMMUTABLE (built-ins only), so that it may be indexed.
NAME_GRAMS = """
CREATE OR REPLACE FUNCTION service_case_name_grams(name text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(name, i, n)), '{}')
  FROM generate_series(1, char_length(name)) AS i, (VALUES (1), (2)) AS pieces(n)
  WHERE i + n - 1 <= char_length(name)
$$"""


def upgrade():
    op.create_index('ix_human_task_open_created', 'human_task', ['created_at', 'id'],
                    sqlite_where=OPEN_ONLY, postgresql_where=OPEN_ONLY)
    op.create_index('ix_human_task_open_department', 'human_task',
                    ['candidate_department_id', 'department_id'],
                    sqlite_where=OPEN_ONLY, postgresql_where=OPEN_ONLY)
    op.create_index('ix_service_case_flagged', 'service_case', ['id'],
                    sqlite_where=FLAGGED_OPEN, postgresql_where=FLAGGED_OPEN)
    if op.get_bind().dialect.name != 'postgresql':
        return  # SQLite searches names and numbers by LIKE alone
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
    # It makes trigrams of letters and digits as the database's LC_CTYPE classifies them:
    # C.UTF-8 or zh_CN.UTF-8 count Chinese characters, plain "C" does not, and there a name
    # search would still be right but read the whole index (SHOW lc_ctype).
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    op.execute(NAME_GRAMS)
    op.create_index('ix_service_case_applicant_trgm', 'service_case', ['applicant_name'],
                    postgresql_using='gin', postgresql_ops={'applicant_name': 'gin_trgm_ops'})
    op.create_index('ix_service_case_applicant_grams', 'service_case',
                    [sa.text('service_case_name_grams(applicant_name)')],
                    postgresql_using='gin')
    op.create_index('ix_service_case_case_no_prefix', 'service_case', ['case_no'],
                    postgresql_ops={'case_no': 'varchar_pattern_ops'})
    # The statistics of the indexed expression (how common each piece of a name is), which
    # the planner reads to look a rare text up and walk the newest cases for a common one;
    # ANALYZE reads a sample, not the table, and autovacuum would not run it before rows change.
    op.execute('ANALYZE service_case')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_service_case_case_no_prefix', table_name='service_case')
        op.drop_index('ix_service_case_applicant_grams', table_name='service_case')
        op.drop_index('ix_service_case_applicant_trgm', table_name='service_case')
        op.execute('DROP FUNCTION service_case_name_grams(text)')
        # pg_trgm stays: something else in the database may use it
    op.drop_index('ix_service_case_flagged', table_name='service_case')
    op.drop_index('ix_human_task_open_department', table_name='human_task')
    op.drop_index('ix_human_task_open_created', table_name='human_task')
