"""任命书, 应诉 matters, the leading group's consent (领导小组), who made a licence (制证), 股级以上

Letters issued before this revision keep their one-stop items: their consent is taken as
given on the day they were issued.

Revision ID: 0fba26145f42
Revises: e5b8f3a1c7d2
Create Date: 2026-12-06 03:30:44
"""
from alembic import op
import sqlalchemy as sa
import app.models.base


revision = '0fba26145f42'
down_revision = 'e5b8f3a1c7d2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('appointment_letter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('appointee_id', sa.Integer(), nullable=False),
    sa.Column('issuer', sa.String(length=120), nullable=False),
    sa.Column('duties', sa.Text(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('filed_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('ended_by', sa.Integer(), nullable=True),
    sa.Column('end_reason', sa.Text(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['appointee_id'], ['user_account.id'], name=op.f('fk_appointment_letter_appointee_id_user_account')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_appointment_letter_created_by_user_account')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_appointment_letter_department_id_department')),
    sa.ForeignKeyConstraint(['ended_by'], ['user_account.id'], name=op.f('fk_appointment_letter_ended_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointment_letter')),
    sa.UniqueConstraint('number', name=op.f('uq_appointment_letter_number'))
    )
    with op.batch_alter_table('appointment_letter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appointment_letter_appointee_id'), ['appointee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_letter_department_id'), ['department_id'], unique=False)

    op.create_table('remedy_matter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('reference', sa.String(length=80), nullable=False),
    sa.Column('body', sa.String(length=200), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('answer_due', sa.Date(), nullable=False),
    sa.Column('representative_id', sa.Integer(), nullable=True),
    sa.Column('letter_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('answered_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('answered_by', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['answered_by'], ['user_account.id'], name=op.f('fk_remedy_matter_answered_by_user_account')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_remedy_matter_created_by_user_account')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_remedy_matter_department_id_department')),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], name=op.f('fk_remedy_matter_instance_id_process_instance')),
    sa.ForeignKeyConstraint(['letter_id'], ['authorization_letter.id'], name=op.f('fk_remedy_matter_letter_id_authorization_letter')),
    sa.ForeignKeyConstraint(['representative_id'], ['user_account.id'], name=op.f('fk_remedy_matter_representative_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remedy_matter'))
    )
    with op.batch_alter_table('remedy_matter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_remedy_matter_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_remedy_matter_instance_id'), ['instance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_remedy_matter_representative_id'), ['representative_id'], unique=False)

    with op.batch_alter_table('authorization_letter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('group_consent_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('group_consent_ref', sa.String(length=80), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('group_consent_by', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_authorization_letter_group_consent_by_user_account'), 'user_account', ['group_consent_by'], ['id'])

    op.execute("UPDATE authorization_letter SET group_consent_on = issued_on")

    with op.batch_alter_table('licence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('made_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('made_under', sa.String(length=64), nullable=False,
                                      server_default=''))
        batch_op.create_foreign_key(batch_op.f('fk_licence_made_by_user_account'), 'user_account', ['made_by'], ['id'])

    with op.batch_alter_table('staff_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('section_rank', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))



def downgrade():
    with op.batch_alter_table('staff_record', schema=None) as batch_op:
        batch_op.drop_column('section_rank')

    with op.batch_alter_table('licence', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_licence_made_by_user_account'), type_='foreignkey')
        batch_op.drop_column('made_under')
        batch_op.drop_column('made_by')

    with op.batch_alter_table('authorization_letter', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_authorization_letter_group_consent_by_user_account'), type_='foreignkey')
        batch_op.drop_column('group_consent_by')
        batch_op.drop_column('group_consent_ref')
        batch_op.drop_column('group_consent_on')

    with op.batch_alter_table('remedy_matter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_remedy_matter_representative_id'))
        batch_op.drop_index(batch_op.f('ix_remedy_matter_instance_id'))
        batch_op.drop_index(batch_op.f('ix_remedy_matter_department_id'))

    op.drop_table('remedy_matter')
    with op.batch_alter_table('appointment_letter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appointment_letter_department_id'))
        batch_op.drop_index(batch_op.f('ix_appointment_letter_appointee_id'))

    op.drop_table('appointment_letter')
