"""Stored Common Core coverage per catalogue item

Each item's coverage with all its components (the masks of services/catalogue/coverage.py),
stored so that the analysis pages read it rather than walking components at 200,000 modules
(bench/catalogue_bench.py). The table is filled here for the items already in the database;
from then on the service keeps it in step on every write.

The fill calls the service's own computation, so that there is one rule. Should a later
migration change the tables that computation reads, freeze this fill as SQL here.

Revision ID: 8336e53125eb
Revises: 55b2ae858958
Create Date: 2026-12-02 11:41:06.210424

"""
from alembic import op
import sqlalchemy as sa

from workspace.services.catalogue.coverage import refresh_all


# revision identifiers, used by Alembic.
revision = '8336e53125eb'
down_revision = '55b2ae858958'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('item_coverage',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('covered', sa.SmallInteger(), nullable=False),
    sa.Column('judged', sa.SmallInteger(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['catalogue_item.id'], name=op.f('fk_item_coverage_item_id_catalogue_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id', name=op.f('pk_item_coverage'))
    )
    refresh_all(op.get_bind())


def downgrade():
    op.drop_table('item_coverage')
