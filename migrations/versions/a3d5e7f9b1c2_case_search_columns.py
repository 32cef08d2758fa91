"""Case search: the applicant's ID number and phone as indexed columns

Revision ID: a3d5e7f9b1c2
Revises: e4a9c3b7d215
Create Date: 2026-12-03 23:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'a3d5e7f9b1c2'
down_revision = 'e4a9c3b7d215'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('service_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('applicant_id_number', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('applicant_phone', sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f('ix_service_case_applicant_id_number'), ['applicant_id_number'])
        batch_op.create_index(batch_op.f('ix_service_case_applicant_phone'), ['applicant_phone'])
    # Cases opened before: the phone was kept in applicant_contact only.
    case = sa.table('service_case', sa.column('id', sa.Integer), sa.column('applicant_contact', sa.JSON),
                    sa.column('applicant_phone', sa.String))
    connection = op.get_bind()
    for row in connection.execute(sa.select(case.c.id, case.c.applicant_contact)).all():
        phone = (row.applicant_contact or {}).get('phone')
        if phone:
            connection.execute(sa.update(case).where(case.c.id == row.id)
                               .values(applicant_phone=str(phone)[:40]))


def downgrade():
    with op.batch_alter_table('service_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_case_applicant_phone'))
        batch_op.drop_index(batch_op.f('ix_service_case_applicant_id_number'))
        batch_op.drop_column('applicant_phone')
        batch_op.drop_column('applicant_id_number')
