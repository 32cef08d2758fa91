"""Authorization letters: the successor of a renewal (续期) and the expiry warning's marker

Revision ID: e4a9c3b7d215
Revises: f5b2c8d1a936
Create Date: 2026-12-12 09:30:00.000000
"""
from alembic import op
import sqlalchemy as sa
import app.models.base


revision = 'e4a9c3b7d215'
down_revision = 'f5b2c8d1a936'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('authorization_letter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('renewed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('expiry_warned_at',
                                      app.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_authorization_letter_renewed_by_id_authorization_letter'),
            'authorization_letter', ['renewed_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('authorization_letter', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_authorization_letter_renewed_by_id_authorization_letter'),
            type_='foreignkey')
        batch_op.drop_column('expiry_warned_at')
        batch_op.drop_column('renewed_by_id')
