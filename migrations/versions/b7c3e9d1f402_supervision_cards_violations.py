"""效能监察: 红黄牌 (cards of late cases), the register of violations and the consequences
(问责文书) their yearly count brings

Revision ID: b7c3e9d1f402
Revises: 2e3c99e1e07c
Create Date: 2026-12-04 19:45:00.000000
"""
from alembic import op
import sqlalchemy as sa
import app.models.base


revision = 'b7c3e9d1f402'
down_revision = '2e3c99e1e07c'
branch_labels = None
depends_on = None

MOMENT = app.models.base.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        'supervision_card',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column('color', sa.String(length=8), nullable=False),
        sa.Column('dealt_at', MOMENT, nullable=False),
        sa.Column('handler_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['service_case.id']),
        sa.ForeignKeyConstraint(['department_id'], ['department.id']),
        sa.ForeignKeyConstraint(['handler_id'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('case_id', 'color'))
    op.create_index('ix_supervision_card_case_id', 'supervision_card', ['case_id'])
    op.create_index('ix_supervision_card_department_id', 'supervision_card', ['department_id'])
    op.create_index('ix_supervision_card_dealt_at', 'supervision_card', ['dealt_at'])
    op.create_table(
        'violation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=True),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('occurred_at', MOMENT, nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('source', sa.String(length=16), nullable=False),
        sa.Column('source_ref', sa.String(length=120), nullable=True),
        sa.Column('recorded_at', MOMENT, nullable=False),
        sa.Column('recorded_by', sa.Integer(), nullable=True),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('review_reason', sa.Text(), nullable=False),
        sa.Column('reviewed_by', sa.Integer(), nullable=True),
        sa.Column('reviewed_at', MOMENT, nullable=True),
        sa.ForeignKeyConstraint(['department_id'], ['department.id']),
        sa.ForeignKeyConstraint(['staff_id'], ['user_account.id']),
        sa.ForeignKeyConstraint(['case_id'], ['service_case.id']),
        sa.ForeignKeyConstraint(['recorded_by'], ['user_account.id']),
        sa.ForeignKeyConstraint(['reviewed_by'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('source_ref'))
    for column in ('kind', 'department_id', 'staff_id', 'occurred_at', 'year', 'state'):
        op.create_index(f'ix_violation_{column}', 'violation', [column])
    op.create_table(
        'consequence',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('violation_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('ordinal', sa.Integer(), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=True),
        sa.Column('number', sa.String(length=40), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('proposed_at', MOMENT, nullable=False),
        sa.Column('decided_at', MOMENT, nullable=True),
        sa.Column('decided_by', sa.Integer(), nullable=True),
        sa.Column('decision_reason', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['violation_id'], ['violation.id']),
        sa.ForeignKeyConstraint(['department_id'], ['department.id']),
        sa.ForeignKeyConstraint(['staff_id'], ['user_account.id']),
        sa.ForeignKeyConstraint(['decided_by'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('violation_id'),
        sa.UniqueConstraint('number'))
    for column in ('year', 'department_id', 'staff_id', 'state'):
        op.create_index(f'ix_consequence_{column}', 'consequence', [column])


def downgrade():
    op.drop_table('consequence')
    op.drop_table('violation')
    op.drop_table('supervision_card')
