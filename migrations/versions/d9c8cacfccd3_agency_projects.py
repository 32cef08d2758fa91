"""全程代办: agency projects, their items, mandates and reminders

Revision ID: d9c8cacfccd3
Revises: e8b4c1d7a2f3
Create Date: 2026-12-04 22:46:55.337441
"""
from alembic import op
import sqlalchemy as sa
import app.models.base


revision = 'd9c8cacfccd3'
down_revision = 'e8b4c1d7a2f3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agency_project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('applicant_name', sa.String(length=200), nullable=False),
    sa.Column('applicant_contact', sa.String(length=100), nullable=False),
    sa.Column('applicant_id_number', sa.String(length=40), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('started_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('closed_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('mandate_signed_on', sa.Date(), nullable=False),
    sa.Column('mandate_scope', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['agent_id'], ['user_account.id'], name=op.f('fk_agency_project_agent_id_user_account')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_agency_project_created_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_project'))
    )
    with op.batch_alter_table('agency_project', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_project_agent_id'), ['agent_id'], unique=False)

    op.create_table('agency_mandate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_by', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['agency_project.id'], name=op.f('fk_agency_mandate_project_id_agency_project')),
    sa.ForeignKeyConstraint(['uploaded_by'], ['user_account.id'], name=op.f('fk_agency_mandate_uploaded_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_mandate'))
    )
    with op.batch_alter_table('agency_mandate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_mandate_project_id'), ['project_id'], unique=False)

    op.create_table('agency_project_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('item_code', sa.String(length=64), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('added_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['service_case.id'], name=op.f('fk_agency_project_item_case_id_service_case')),
    sa.ForeignKeyConstraint(['project_id'], ['agency_project.id'], name=op.f('fk_agency_project_item_project_id_agency_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_project_item')),
    sa.UniqueConstraint('case_id', name='uq_agency_project_item_case')
    )
    with op.batch_alter_table('agency_project_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_project_item_project_id'), ['project_id'], unique=False)

    op.create_table('agency_reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('once_key', sa.String(length=40), nullable=True),
    sa.Column('sent_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_by', sa.Integer(), nullable=True),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['service_case.id'], name=op.f('fk_agency_reminder_case_id_service_case')),
    sa.ForeignKeyConstraint(['project_id'], ['agency_project.id'], name=op.f('fk_agency_reminder_project_id_agency_project')),
    sa.ForeignKeyConstraint(['sent_by'], ['user_account.id'], name=op.f('fk_agency_reminder_sent_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_reminder')),
    sa.UniqueConstraint('project_id', 'once_key', name='uq_agency_reminder_once')
    )
    with op.batch_alter_table('agency_reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_reminder_project_id'), ['project_id'], unique=False)



def downgrade():
    with op.batch_alter_table('agency_reminder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_reminder_project_id'))

    op.drop_table('agency_reminder')
    with op.batch_alter_table('agency_project_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_project_item_project_id'))

    op.drop_table('agency_project_item')
    with op.batch_alter_table('agency_mandate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_mandate_project_id'))

    op.drop_table('agency_mandate')
    with op.batch_alter_table('agency_project', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_project_agent_id'))

    op.drop_table('agency_project')
