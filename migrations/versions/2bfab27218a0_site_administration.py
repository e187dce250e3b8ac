"""Site administration: suspended accounts and partnerships, and the log of administrators' actions

Revision ID: 2bfab27218a0
Revises: 5ec2911cc201
Create Date: 2026-12-03 07:36:40.843385

"""
from alembic import op
import sqlalchemy as sa

import workspace.models.base


# revision identifiers, used by Alembic.
revision = '2bfab27218a0'
down_revision = '5ec2911cc201'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('admin_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', workspace.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.Enum('suspend_account', 'restore_account', 'suspend_partnership', 'restore_partnership', 'grant_editor', 'revoke_editor', 'grant_admin', 'revoke_admin', 'grant_assessor', 'revoke_assessor', name='admin_action_kind', native_enum=False, length=40), nullable=False),
    sa.Column('target_kind', sa.String(length=20), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('target_label', sa.String(length=400), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['user.id'], name=op.f('fk_admin_action_account_id_user')),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_admin_action_actor_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_action'))
    )
    with op.batch_alter_table('admin_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_admin_action_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_admin_action_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_admin_action_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_admin_action_at'), ['at'], unique=False)

    with op.batch_alter_table('partnership', schema=None) as batch_op:
        batch_op.add_column(sa.Column('suspended_at', workspace.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('suspension_reason', sa.String(length=500), nullable=False,
                                      server_default=''))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('suspended_at', workspace.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('suspension_reason', sa.String(length=500), nullable=False,
                                      server_default=''))



def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('suspension_reason')
        batch_op.drop_column('suspended_at')

    with op.batch_alter_table('partnership', schema=None) as batch_op:
        batch_op.drop_column('suspension_reason')
        batch_op.drop_column('suspended_at')

    with op.batch_alter_table('admin_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_admin_action_at'))
        batch_op.drop_index(batch_op.f('ix_admin_action_actor_id'))
        batch_op.drop_index(batch_op.f('ix_admin_action_action'))
        batch_op.drop_index(batch_op.f('ix_admin_action_account_id'))

    op.drop_table('admin_action')
