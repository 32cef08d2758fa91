"""A task's pool told in one notification row; delivered ones indexed for retention; the
history of finished tasks cut from an instance's live tree

Revision ID: b3d7e1f9a4c2
Revises: 0fba26145f42
Create Date: 2026-12-06 21:00:00
"""
from alembic import op
import sqlalchemy as sa
import app.models.base


revision = 'b3d7e1f9a4c2'
down_revision = '0fba26145f42'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('task_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=False),
    sa.Column('element', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('finished_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('pruned_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], name=op.f('fk_task_history_instance_id_process_instance')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_history'))
    )
    op.create_index(op.f('ix_task_history_instance_id'), 'task_history', ['instance_id'], unique=False)
    with op.batch_alter_table('notification') as batch:
        batch.add_column(sa.Column('recipient_role', sa.String(length=40), nullable=True))
        batch.add_column(sa.Column('recipient_department_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('task_id', sa.String(length=36), nullable=True))
        batch.create_index('ix_notification_sent_at', ['sent_at'])


def downgrade():
    op.drop_index(op.f('ix_task_history_instance_id'), table_name='task_history')
    op.drop_table('task_history')
    with op.batch_alter_table('notification') as batch:
        batch.drop_index('ix_notification_sent_at')
        batch.drop_column('task_id')
        batch.drop_column('recipient_department_id')
        batch.drop_column('recipient_role')
