"""一口式收费: the item's structured 收费标准, fee assessments, payments and refunds

Revision ID: d8f3b5a1c7e2
Revises: d9c8cacfccd3
Create Date: 2026-12-04 23:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import app.models.base


revision = 'd8f3b5a1c7e2'
down_revision = 'd9c8cacfccd3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fee_amount', sa.Numeric(precision=12, scale=2),
                                      nullable=True))
        batch_op.add_column(sa.Column('fee_unit', sa.String(length=20), server_default='',
                                      nullable=False))
    op.create_table('fee_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('item_code', sa.String(length=64), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('basis', sa.Text(), nullable=False),
    sa.Column('unit_price_fen', sa.BigInteger(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('notice_number', sa.String(length=80), nullable=False),
    sa.Column('assessed_by', sa.Integer(), nullable=False),
    sa.Column('assessed_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_fee_assessment_assessed_positive')),
    sa.ForeignKeyConstraint(['assessed_by'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], ),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('notice_number')
    )
    with op.batch_alter_table('fee_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fee_assessment_assessed_at'), ['assessed_at'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_fee_assessment_department_id'), ['department_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_fee_assessment_instance_id'), ['instance_id'],
                              unique=False)
    op.create_table('fee_payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('gateway', sa.String(length=32), nullable=False),
    sa.Column('receipt_no', sa.String(length=40), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('paid_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('cashier_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_fee_payment_paid_positive')),
    sa.ForeignKeyConstraint(['assessment_id'], ['fee_assessment.id'], ),
    sa.ForeignKeyConstraint(['cashier_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('assessment_id'),
    sa.UniqueConstraint('receipt_no')
    )
    with op.batch_alter_table('fee_payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fee_payment_paid_at'), ['paid_at'], unique=False)
    op.create_table('fee_refund',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('refunded_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('cashier_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_fee_refund_refund_positive')),
    sa.ForeignKeyConstraint(['cashier_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['payment_id'], ['fee_payment.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('fee_refund', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fee_refund_payment_id'), ['payment_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_fee_refund_refunded_at'), ['refunded_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('fee_refund', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fee_refund_refunded_at'))
        batch_op.drop_index(batch_op.f('ix_fee_refund_payment_id'))
    op.drop_table('fee_refund')
    with op.batch_alter_table('fee_payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fee_payment_paid_at'))
    op.drop_table('fee_payment')
    with op.batch_alter_table('fee_assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fee_assessment_instance_id'))
        batch_op.drop_index(batch_op.f('ix_fee_assessment_department_id'))
        batch_op.drop_index(batch_op.f('ix_fee_assessment_assessed_at'))
    op.drop_table('fee_assessment')
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_column('fee_unit')
        batch_op.drop_column('fee_amount')
