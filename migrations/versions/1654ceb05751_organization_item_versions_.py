"""organization, item versions, authorization letters

Departments now belong to a center record: one center is created per distinct
department.center_code and linked before that column goes. Existing items become version 1.

Revision ID: 1654ceb05751
Revises: 334ea4c5cd78
Create Date: 2026-11-22 22:38:48.590070
"""
from alembic import op
import sqlalchemy as sa
import app.models.base


revision = '1654ceb05751'
down_revision = '334ea4c5cd78'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('center',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('region', sa.String(length=120), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('complaint_phone', sa.String(length=40), nullable=False),
    sa.Column('office_hours', sa.String(length=200), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['center.id'], name=op.f('fk_center_parent_id_center')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_center')),
    sa.UniqueConstraint('code', name=op.f('uq_center_code'))
    )
    op.create_table('absence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('deputy_id', sa.Integer(), nullable=True),
    sa.Column('filed_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('filed_by', sa.Integer(), nullable=True),
    sa.Column('ended_early_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('handed_over_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('returned_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['deputy_id'], ['user_account.id'], name=op.f('fk_absence_deputy_id_user_account')),
    sa.ForeignKeyConstraint(['filed_by'], ['user_account.id'], name=op.f('fk_absence_filed_by_user_account')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_absence_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_absence'))
    )
    with op.batch_alter_table('absence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_absence_user_id'), ['user_id'], unique=False)

    op.create_table('service_window',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('center_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['center_id'], ['center.id'], name=op.f('fk_service_window_center_id_center')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_window')),
    sa.UniqueConstraint('center_id', 'code', name=op.f('uq_service_window_center_id'))
    )
    op.create_table('authorization_letter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('grantee_id', sa.Integer(), nullable=False),
    sa.Column('issuer', sa.String(length=120), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('filed_on', sa.Date(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('management_powers', sa.JSON(), nullable=False),
    sa.Column('responsibilities', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('ended_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('ended_by', sa.Integer(), nullable=True),
    sa.Column('end_reason', sa.Text(), nullable=False),
    sa.Column('replaced_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_authorization_letter_created_by_user_account')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_authorization_letter_department_id_department')),
    sa.ForeignKeyConstraint(['ended_by'], ['user_account.id'], name=op.f('fk_authorization_letter_ended_by_user_account')),
    sa.ForeignKeyConstraint(['grantee_id'], ['user_account.id'], name=op.f('fk_authorization_letter_grantee_id_user_account')),
    sa.ForeignKeyConstraint(['replaced_by_id'], ['authorization_letter.id'], name=op.f('fk_authorization_letter_replaced_by_id_authorization_letter')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_authorization_letter')),
    sa.UniqueConstraint('number', name=op.f('uq_authorization_letter_number'))
    )
    with op.batch_alter_table('authorization_letter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_authorization_letter_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_authorization_letter_grantee_id'), ['grantee_id'], unique=False)

    op.create_table('window_department',
    sa.Column('window_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_window_department_department_id_department')),
    sa.ForeignKeyConstraint(['window_id'], ['service_window.id'], name=op.f('fk_window_department_window_id_service_window'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('window_id', 'department_id', name=op.f('pk_window_department'))
    )
    op.create_table('window_post',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('window_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('a_user_id', sa.Integer(), nullable=False),
    sa.Column('b_user_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('a_user_id <> b_user_id', name=op.f('ck_window_post_a_and_b_differ')),
    sa.ForeignKeyConstraint(['a_user_id'], ['user_account.id'], name=op.f('fk_window_post_a_user_id_user_account')),
    sa.ForeignKeyConstraint(['b_user_id'], ['user_account.id'], name=op.f('fk_window_post_b_user_id_user_account')),
    sa.ForeignKeyConstraint(['window_id'], ['service_window.id'], name=op.f('fk_window_post_window_id_service_window'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_window_post'))
    )
    with op.batch_alter_table('window_post', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_window_post_a_user_id'), ['a_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_window_post_b_user_id'), ['b_user_id'], unique=False)

    op.create_table('letter_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('letter_id', sa.Integer(), nullable=False),
    sa.Column('item_code', sa.String(length=64), nullable=False),
    sa.Column('powers', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['letter_id'], ['authorization_letter.id'], name=op.f('fk_letter_item_letter_id_authorization_letter'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_item')),
    sa.UniqueConstraint('letter_id', 'item_code', name=op.f('uq_letter_item_letter_id'))
    )
    with op.batch_alter_table('letter_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letter_item_item_code'), ['item_code'], unique=False)

    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.add_column(sa.Column('center_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('active', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
    op.execute("INSERT INTO center (code, name, level, region, address, phone, complaint_phone,"
               " office_hours) SELECT DISTINCT center_code, center_code, 'county', '', '', '', '',"
               " '' FROM department")
    op.execute("UPDATE department SET center_id ="
               " (SELECT id FROM center WHERE center.code = department.center_code)")
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.alter_column('center_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_department_center_id_center'), 'center', ['center_id'], ['id'])
        batch_op.drop_column('center_code')

    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('item_code', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('department_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_human_task_department_id_department'), 'department', ['department_id'], ['id'])
        batch_op.add_column(sa.Column('delegated_from_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('authorization_letter_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_human_task_delegated_from_id'), ['delegated_from_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_human_task_authorization_letter_id_authorization_letter'), 'authorization_letter', ['authorization_letter_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_human_task_delegated_from_id_user_account'), 'user_account', ['delegated_from_id'], ['id'])

    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default=sa.text('1')))
        batch_op.add_column(sa.Column('category', sa.String(length=16), nullable=False, server_default='licensing'))
        batch_op.add_column(sa.Column('service_object', sa.String(length=64), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('absent_default', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('joint_departments', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('acceptance_conditions', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('fee', sa.String(length=200), nullable=False, server_default='不收费'))
        batch_op.add_column(sa.Column('approval_level', sa.String(length=16), nullable=False, server_default='county'))
        batch_op.add_column(sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False, server_default=sa.func.now()))
        batch_op.add_column(sa.Column('created_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('superseded_at', app.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_item_code'), type_='unique')
        batch_op.create_unique_constraint('uq_item_code_version', ['code', 'version'])
        batch_op.create_index(batch_op.f('ix_item_code'), ['code'], unique=False)
        batch_op.create_index('uq_item_current_code', ['code'], unique=True, sqlite_where=sa.text('superseded_at IS NULL'), postgresql_where=sa.text('superseded_at IS NULL'))
        batch_op.create_foreign_key(batch_op.f('fk_item_created_by_user_account'), 'user_account', ['created_by'], ['id'])



def downgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_item_created_by_user_account'), type_='foreignkey')
        batch_op.drop_index('uq_item_current_code', sqlite_where=sa.text('superseded_at IS NULL'), postgresql_where=sa.text('superseded_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_item_code'))
        batch_op.drop_constraint('uq_item_code_version', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_item_code'), ['code'])
        batch_op.drop_column('superseded_at')
        batch_op.drop_column('created_by')
        batch_op.drop_column('created_at')
        batch_op.drop_column('approval_level')
        batch_op.drop_column('fee')
        batch_op.drop_column('acceptance_conditions')
        batch_op.drop_column('joint_departments')
        batch_op.drop_column('absent_default')
        batch_op.drop_column('service_object')
        batch_op.drop_column('category')
        batch_op.drop_column('version')

    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_human_task_delegated_from_id_user_account'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_human_task_authorization_letter_id_authorization_letter'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_human_task_delegated_from_id'))
        batch_op.drop_constraint(batch_op.f('fk_human_task_department_id_department'), type_='foreignkey')
        batch_op.drop_column('department_id')
        batch_op.drop_column('item_code')
        batch_op.drop_column('authorization_letter_id')
        batch_op.drop_column('delegated_from_id')

    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.add_column(sa.Column('center_code', sa.VARCHAR(length=32), nullable=False,
                                      server_default=''))
    op.execute("UPDATE department SET center_code ="
               " (SELECT code FROM center WHERE center.id = department.center_id)")
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_department_center_id_center'), type_='foreignkey')
        batch_op.drop_column('active')
        batch_op.drop_column('center_id')

    with op.batch_alter_table('letter_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_letter_item_item_code'))

    op.drop_table('letter_item')
    with op.batch_alter_table('window_post', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_window_post_b_user_id'))
        batch_op.drop_index(batch_op.f('ix_window_post_a_user_id'))

    op.drop_table('window_post')
    op.drop_table('window_department')
    with op.batch_alter_table('authorization_letter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_authorization_letter_grantee_id'))
        batch_op.drop_index(batch_op.f('ix_authorization_letter_department_id'))

    op.drop_table('authorization_letter')
    op.drop_table('service_window')
    with op.batch_alter_table('absence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_absence_user_id'))

    op.drop_table('absence')
    op.drop_table('center')
