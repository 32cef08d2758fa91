"""calendar years (confirmed or provisional) and the working-day deadlines instances computed

Revision ID: 7d3e2b91c0a4
Revises: 5e0c7a1d9b42
Create Date: 2026-12-03 09:30:00.000000
"""
from alembic import op
import sqlalchemy as sa
import app.models.base


revision = '7d3e2b91c0a4'
down_revision = '5e0c7a1d9b42'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_year',
    sa.Column('region', sa.String(length=32), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('document_no', sa.String(length=100), nullable=False),
    sa.Column('confirmed_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('confirmed_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['confirmed_by'], ['user_account.id'], name=op.f('fk_calendar_year_confirmed_by_user_account')),
    sa.PrimaryKeyConstraint('region', 'year', name=op.f('pk_calendar_year'))
    )
    op.create_table('working_deadline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('start_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('days', sa.Numeric(precision=6, scale=1), nullable=False),
    sa.Column('due_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('provisional', sa.Boolean(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], name=op.f('fk_working_deadline_instance_id_process_instance'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_working_deadline')),
    sa.UniqueConstraint('instance_id', 'start_at', 'days', name=op.f('uq_working_deadline_instance_id'))
    )
    with op.batch_alter_table('working_deadline', schema=None) as batch_op:
        batch_op.create_index('ix_working_deadline_due', ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_working_deadline_instance_id'), ['instance_id'], unique=False)
    # Years already in the table: the library's are the State Council's; the others were
    # started from weekends by hand and stay provisional until an administrator confirms them.
    year = ("CAST(strftime('%Y', day) AS INTEGER)" if op.get_bind().dialect.name == "sqlite"
            else "CAST(EXTRACT(YEAR FROM day) AS INTEGER)")
    op.execute(f"""
        INSERT INTO calendar_year (region, year, status, source, document_no, updated_at)
        SELECT region, y,
               CASE WHEN SUM(CASE WHEN source = 'weekends' THEN 1 ELSE 0 END) = 0
                    THEN 'confirmed' ELSE 'provisional' END,
               MIN(source), '', CURRENT_TIMESTAMP
        FROM (SELECT region, {year} AS y, source FROM calendar_day) AS days
        GROUP BY region, y
    """)


def downgrade():
    with op.batch_alter_table('working_deadline', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_working_deadline_instance_id'))
        batch_op.drop_index('ix_working_deadline_due')
    op.drop_table('working_deadline')
    op.drop_table('calendar_year')
