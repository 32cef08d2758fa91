"""The center's own document numbering (效能通报〔年〕号) as a gapless sequence

Revision ID: d1f6a3b8c527
Revises: c4e8a2d6f1b3
Create Date: 2026-12-04 23:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'd1f6a3b8c527'
down_revision = 'c4e8a2d6f1b3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('center_counter',
    sa.Column('series', sa.String(length=16), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('series', 'year')
    )
    # Numbers issued before the sequence were counted in order within their year.
    op.execute("INSERT INTO center_counter (series, year, last) "
               "SELECT '效能通报', year, COUNT(*) FROM consequence "
               "WHERE number IS NOT NULL GROUP BY year")


def downgrade():
    op.drop_table('center_counter')
