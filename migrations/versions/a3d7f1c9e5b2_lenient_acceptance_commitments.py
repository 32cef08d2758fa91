"""容缺受理 records, 告知承诺制 items and their post-checks (核查)

Revision ID: a3d7f1c9e5b2
Revises: d8f3b5a1c7e2
Create Date: 2026-12-04 23:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import app.models.base


revision = 'a3d7f1c9e5b2'
down_revision = 'd8f3b5a1c7e2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('commitment_system', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.create_table('lenient_acceptance',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('deferred', sa.JSON(), nullable=False),
    sa.Column('committed_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('accepted_by', sa.Integer(), nullable=True),
    sa.Column('supplement_days', sa.Integer(), nullable=False),
    sa.Column('supplement_due_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('remind_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reminded_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('received_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('received_by', sa.Integer(), nullable=True),
    sa.Column('terminated_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['accepted_by'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['case_id'], ['service_case.id'], ),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], ),
    sa.ForeignKeyConstraint(['received_by'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('case_id'),
    sa.UniqueConstraint('instance_id')
    )
    with op.batch_alter_table('lenient_acceptance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lenient_acceptance_supplement_due_at'),
                              ['supplement_due_at'], unique=False)
    op.create_table('commitment_check',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('due_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('checked_by', sa.Integer(), nullable=True),
    sa.Column('checked_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('overdue_told_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['service_case.id'], ),
    sa.ForeignKeyConstraint(['checked_by'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], ),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], ),
    sa.PrimaryKeyConstraint('case_id'),
    sa.UniqueConstraint('instance_id')
    )
    with op.batch_alter_table('commitment_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commitment_check_department_id'), ['department_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_commitment_check_due_at'), ['due_at'], unique=False)


def downgrade():
    with op.batch_alter_table('commitment_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commitment_check_due_at'))
        batch_op.drop_index(batch_op.f('ix_commitment_check_department_id'))
    op.drop_table('commitment_check')
    with op.batch_alter_table('lenient_acceptance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lenient_acceptance_supplement_due_at'))
    op.drop_table('lenient_acceptance')
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_column('commitment_system')
