"""Documents in the competent department's name: its 机关代字, seal and number sequences;
the center names the review body and court of its refusals' remedy rights

Revision ID: b5d2f7a1c9e4
Revises: a91d4e7c2f58
Create Date: 2026-12-04 20:30:00.000000
"""
from alembic import op
import sqlalchemy as sa
import app.models.base


revision = 'b5d2f7a1c9e4'
down_revision = 'a91d4e7c2f58'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.add_column(sa.Column('document_code', sa.String(length=20), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('center', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_body', sa.String(length=120), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('court', sa.String(length=120), nullable=False,
                                      server_default=''))
    op.create_table('document_counter',
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('series', sa.String(length=16), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], ),
    sa.PrimaryKeyConstraint('department_id', 'series', 'year')
    )
    op.create_table('issued_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=80), nullable=False),
    sa.Column('issued_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], ),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('instance_id', 'kind', name='uq_issued_document_kind'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('issued_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issued_document_instance_id'), ['instance_id'],
                              unique=False)
    op.create_table('department_seal',
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_by', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], ),
    sa.ForeignKeyConstraint(['uploaded_by'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('department_id')
    )


def downgrade():
    op.drop_table('department_seal')
    with op.batch_alter_table('issued_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issued_document_instance_id'))
    op.drop_table('issued_document')
    op.drop_table('document_counter')
    with op.batch_alter_table('center', schema=None) as batch_op:
        batch_op.drop_column('court')
        batch_op.drop_column('review_body')
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.drop_column('document_code')
