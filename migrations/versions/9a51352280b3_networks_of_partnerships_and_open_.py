"""Networks of partnerships (partners, invitations, channel, meetings, working groups,
resources) and CPD sessions opened to a network or to everyone

Revision ID: 9a51352280b3
Revises: 3e26a2faefc7
Create Date: 2026-12-03 11:59:30.464629

"""
from alembic import op
import sqlalchemy as sa

import workspace.models.base


# revision identifiers, used by Alembic.
revision = '9a51352280b3'
down_revision = '3e26a2faefc7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('partnership_network',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('theme', sa.String(length=160), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', workspace.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_partnership_network_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnership_network'))
    )
    op.create_table('network_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('created_at', workspace.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['network_id'], ['partnership_network.id'], name=op.f('fk_network_group_network_id_partnership_network'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_group'))
    )
    with op.batch_alter_table('network_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_group_network_id'), ['network_id'], unique=False)

    op.create_table('network_invite',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', workspace.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', workspace.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', workspace.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('used_by_partnership_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', workspace.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_network_invite_created_by_id_user')),
    sa.ForeignKeyConstraint(['network_id'], ['partnership_network.id'], name=op.f('fk_network_invite_network_id_partnership_network'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['used_by_partnership_id'], ['partnership.id'], name=op.f('fk_network_invite_used_by_partnership_id_partnership')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_invite')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_network_invite_token_hash'))
    )
    with op.batch_alter_table('network_invite', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_invite_network_id'), ['network_id'], unique=False)

    op.create_table('network_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('starts_at', workspace.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('agenda', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', workspace.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_network_meeting_created_by_id_user')),
    sa.ForeignKeyConstraint(['network_id'], ['partnership_network.id'], name=op.f('fk_network_meeting_network_id_partnership_network'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_meeting'))
    )
    with op.batch_alter_table('network_meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_meeting_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_meeting_starts_at'), ['starts_at'], unique=False)

    op.create_table('network_partner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('convenor', sa.Boolean(), server_default='0', nullable=False),
    sa.Column('joined_at', workspace.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['network_id'], ['partnership_network.id'], name=op.f('fk_network_partner_network_id_partnership_network'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_network_partner_partnership_id_partnership')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_partner')),
    sa.UniqueConstraint('network_id', 'partnership_id', name=op.f('uq_network_partner_network_id'))
    )
    with op.batch_alter_table('network_partner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_partner_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_partner_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('network_post',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', workspace.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_network_post_author_id_user')),
    sa.ForeignKeyConstraint(['network_id'], ['partnership_network.id'], name=op.f('fk_network_post_network_id_partnership_network'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_network_post_partnership_id_partnership')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_post'))
    )
    with op.batch_alter_table('network_post', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_post_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_post_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_post_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('network_resource',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', workspace.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['user.id'], name=op.f('fk_network_resource_added_by_id_user')),
    sa.ForeignKeyConstraint(['network_id'], ['partnership_network.id'], name=op.f('fk_network_resource_network_id_partnership_network'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_network_resource_partnership_id_partnership')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_resource'))
    )
    with op.batch_alter_table('network_resource', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_resource_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_resource_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('network_group_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['network_group.id'], name=op.f('fk_network_group_member_group_id_network_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_network_group_member_partnership_id_partnership')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_network_group_member_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_group_member')),
    sa.UniqueConstraint('group_id', 'user_id', name=op.f('uq_network_group_member_group_id'))
    )
    with op.batch_alter_table('network_group_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_group_member_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_group_member_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.add_column(sa.Column('booked_as_guest', sa.Boolean(), server_default='0', nullable=False))

    with op.batch_alter_table('cpd_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audience', sa.Enum('partnership', 'network', 'everyone', name='session_audience', native_enum=False, length=20), server_default='partnership', nullable=False))
        batch_op.add_column(sa.Column('audience_network_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_cpd_session_audience_network_id'), ['audience_network_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_cpd_session_audience_network_id_partnership_network'), 'partnership_network', ['audience_network_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.drop_column('booked_as_guest')

    with op.batch_alter_table('cpd_session', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cpd_session_audience_network_id_partnership_network'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_cpd_session_audience_network_id'))
        batch_op.drop_column('audience_network_id')
        batch_op.drop_column('audience')

    with op.batch_alter_table('network_group_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_group_member_user_id'))
        batch_op.drop_index(batch_op.f('ix_network_group_member_group_id'))

    op.drop_table('network_group_member')
    with op.batch_alter_table('network_resource', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_resource_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_network_resource_network_id'))

    op.drop_table('network_resource')
    with op.batch_alter_table('network_post', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_post_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_network_post_network_id'))
        batch_op.drop_index(batch_op.f('ix_network_post_created_at'))

    op.drop_table('network_post')
    with op.batch_alter_table('network_partner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_partner_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_network_partner_network_id'))

    op.drop_table('network_partner')
    with op.batch_alter_table('network_meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_meeting_starts_at'))
        batch_op.drop_index(batch_op.f('ix_network_meeting_network_id'))

    op.drop_table('network_meeting')
    with op.batch_alter_table('network_invite', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_invite_network_id'))

    op.drop_table('network_invite')
    with op.batch_alter_table('network_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_group_network_id'))

    op.drop_table('network_group')
    op.drop_table('partnership_network')
