"""首问负责制: the window's enquiry log (咨询登记)

Revision ID: c4e8a2d6f1b3
Revises: f7a2c9e4b1d6
Create Date: 2026-12-04 21:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import app.models.base


revision = 'c4e8a2d6f1b3'
down_revision = 'f7a2c9e4b1d6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('enquiry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('asked_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('first_receiver_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('visitor_name', sa.String(length=100), nullable=False),
    sa.Column('visitor_phone', sa.String(length=40), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('referred_to', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], ),
    sa.ForeignKeyConstraint(['first_receiver_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('enquiry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enquiry_asked_at'), ['asked_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_enquiry_department_id'), ['department_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_enquiry_first_receiver_id'), ['first_receiver_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('enquiry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enquiry_first_receiver_id'))
        batch_op.drop_index(batch_op.f('ix_enquiry_department_id'))
        batch_op.drop_index(batch_op.f('ix_enquiry_asked_at'))
    op.drop_table('enquiry')
