"""Items keep their fee basis (收费依据); materials have sample forms (示范文本, 空白表格)

Revision ID: a91d4e7c2f58
Revises: d3e8f1a5c7b2
Create Date: 2026-12-04 18:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import app.models.base


revision = 'a91d4e7c2f58'
down_revision = 'd3e8f1a5c7b2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fee_basis', sa.Text(), nullable=False, server_default=''))
    op.create_table('item_sample_form',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_code', sa.String(length=64), nullable=False),
    sa.Column('material_code', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_by', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['uploaded_by'], ['user_account.id'], name=op.f('fk_item_sample_form_uploaded_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_sample_form')),
    sa.UniqueConstraint('item_code', 'material_code', 'kind', name='uq_item_sample_form_material_kind')
    )
    with op.batch_alter_table('item_sample_form', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_sample_form_item_code'), ['item_code'], unique=False)


def downgrade():
    with op.batch_alter_table('item_sample_form', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_sample_form_item_code'))
    op.drop_table('item_sample_form')
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_column('fee_basis')
