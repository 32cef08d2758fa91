"""送达记录 and 电子证照: delivery records, licences, the item's licence validity

Revision ID: 8cdadbdbfe85
Revises: a3d7f1c9e5b2
Create Date: 2026-12-04 22:47:56.360836
"""
from alembic import op
import sqlalchemy as sa
import app.models.base


revision = '8cdadbdbfe85'
down_revision = 'a3d7f1c9e5b2'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('delivery_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('document_kind', sa.String(length=40), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('delivered_on', sa.Date(), nullable=False),
    sa.Column('recipient_name', sa.String(length=100), nullable=False),
    sa.Column('by_proxy', sa.Boolean(), nullable=False),
    sa.Column('proxy_name', sa.String(length=100), nullable=False),
    sa.Column('proxy_id_number', sa.String(length=40), nullable=False),
    sa.Column('carrier', sa.String(length=100), nullable=False),
    sa.Column('tracking_number', sa.String(length=64), nullable=False),
    sa.Column('electronic_address', sa.String(length=200), nullable=False),
    sa.Column('sent_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('receipt_on', sa.Date(), nullable=True),
    sa.Column('receipt_recorded_by', sa.Integer(), nullable=True),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('recorded_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], name=op.f('fk_delivery_record_instance_id_process_instance')),
    sa.ForeignKeyConstraint(['receipt_recorded_by'], ['user_account.id'], name=op.f('fk_delivery_record_receipt_recorded_by_user_account')),
    sa.ForeignKeyConstraint(['recorded_by'], ['user_account.id'], name=op.f('fk_delivery_record_recorded_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_record'))
    )
    with op.batch_alter_table('delivery_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_record_instance_id'), ['instance_id'], unique=False)

    op.create_table('licence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=80), nullable=False),
    sa.Column('holder', sa.String(length=200), nullable=False),
    sa.Column('issued_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=False),
    sa.Column('status_changed_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('status_changed_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_licence_department_id_department')),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], name=op.f('fk_licence_instance_id_process_instance')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_licence_item_id_item')),
    sa.ForeignKeyConstraint(['status_changed_by'], ['user_account.id'], name=op.f('fk_licence_status_changed_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_licence')),
    sa.UniqueConstraint('instance_id', name=op.f('uq_licence_instance_id')),
    sa.UniqueConstraint('number', name=op.f('uq_licence_number'))
    )
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('licence_validity_years', sa.Integer(), server_default='0', nullable=False))




def downgrade():

    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_column('licence_validity_years')

    op.drop_table('licence')
    with op.batch_alter_table('delivery_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_record_instance_id'))

    op.drop_table('delivery_record')

