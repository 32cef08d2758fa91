"""decision committee (positions, reviews, votes), denial reports, DMN decisions of a process

Revision ID: 5e0c7a1d9b42
Revises: cc72b77f3dc9
Create Date: 2026-11-23 01:10:00.000000
"""
from alembic import op
import sqlalchemy as sa
import app.models.base


revision = '5e0c7a1d9b42'
down_revision = 'cc72b77f3dc9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.add_column(sa.Column('committee_position', sa.String(length=24), nullable=True))

    with op.batch_alter_table('process_definition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decisions', sa.JSON(), nullable=True))

    op.create_table('committee_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('trigger', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('proposed_decision', sa.String(length=16), nullable=False),
    sa.Column('proposal', sa.Text(), nullable=False),
    sa.Column('review_opinion', sa.Text(), nullable=False),
    sa.Column('materials', sa.JSON(), nullable=False),
    sa.Column('submitted_by', sa.Integer(), nullable=True),
    sa.Column('submitted_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('vote_deadline_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=True),
    sa.Column('decided_how', sa.String(length=16), nullable=True),
    sa.Column('decided_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('chair_id', sa.Integer(), nullable=True),
    sa.Column('chair_reason', sa.Text(), nullable=False),
    sa.Column('tally', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['chair_id'], ['user_account.id'], name=op.f('fk_committee_review_chair_id_user_account')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_committee_review_department_id_department')),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], name=op.f('fk_committee_review_instance_id_process_instance')),
    sa.ForeignKeyConstraint(['submitted_by'], ['user_account.id'], name=op.f('fk_committee_review_submitted_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_review'))
    )
    with op.batch_alter_table('committee_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_committee_review_instance_id'), ['instance_id'], unique=False)

    op.create_table('committee_vote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.String(length=24), nullable=False),
    sa.Column('seat', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('choice', sa.String(length=16), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('voted_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['user_account.id'], name=op.f('fk_committee_vote_member_id_user_account')),
    sa.ForeignKeyConstraint(['review_id'], ['committee_review.id'], name=op.f('fk_committee_vote_review_id_committee_review'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_vote')),
    sa.UniqueConstraint('review_id', 'member_id', name=op.f('uq_committee_vote_review_id'))
    )
    with op.batch_alter_table('committee_vote', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_committee_vote_review_id'), ['review_id'], unique=False)

    op.create_table('denial_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=True),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('item_code', sa.String(length=64), nullable=False),
    sa.Column('item_name', sa.String(length=200), nullable=False),
    sa.Column('case_no', sa.String(length=40), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('trigger', sa.String(length=16), nullable=False),
    sa.Column('applicant_name', sa.String(length=200), nullable=False),
    sa.Column('applicant_contact', sa.JSON(), nullable=False),
    sa.Column('refused', sa.Text(), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('legal_basis', sa.Text(), nullable=False),
    sa.Column('objection', sa.Text(), nullable=False),
    sa.Column('handler_id', sa.Integer(), nullable=True),
    sa.Column('filed_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('review_due_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('reviewed_by', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('review_opinion', sa.Text(), nullable=False),
    sa.Column('overdue', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_denial_report_department_id_department')),
    sa.ForeignKeyConstraint(['handler_id'], ['user_account.id'], name=op.f('fk_denial_report_handler_id_user_account')),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], name=op.f('fk_denial_report_instance_id_process_instance')),
    sa.ForeignKeyConstraint(['reviewed_by'], ['user_account.id'], name=op.f('fk_denial_report_reviewed_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_denial_report')),
    sa.UniqueConstraint('number', name=op.f('uq_denial_report_number'))
    )
    with op.batch_alter_table('denial_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_denial_report_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_denial_report_filed_at'), ['filed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_denial_report_instance_id'), ['instance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_denial_report_state'), ['state'], unique=False)


def downgrade():
    with op.batch_alter_table('denial_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_denial_report_state'))
        batch_op.drop_index(batch_op.f('ix_denial_report_instance_id'))
        batch_op.drop_index(batch_op.f('ix_denial_report_filed_at'))
        batch_op.drop_index(batch_op.f('ix_denial_report_department_id'))

    op.drop_table('denial_report')
    with op.batch_alter_table('committee_vote', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_committee_vote_review_id'))

    op.drop_table('committee_vote')
    with op.batch_alter_table('committee_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_committee_review_instance_id'))

    op.drop_table('committee_review')
    with op.batch_alter_table('process_definition', schema=None) as batch_op:
        batch_op.drop_column('decisions')

    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_column('committee_position')
