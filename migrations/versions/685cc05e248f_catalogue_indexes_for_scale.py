"""catalogue indexes for scale: key filter, recently-changed sort, level sort

At 220,000 items the key-only filter read the whole table, and the "recently changed" and
"level" sorts sorted it, for want of these indexes (bench/catalogue_bench.py).

Revision ID: 685cc05e248f
Revises: 5998f12deccc
Create Date: 2026-11-23 22:15:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '685cc05e248f'
down_revision = '5998f12deccc'
branch_labels = None
depends_on = None


def upgrade():
    # Plain CREATE INDEX (not batch mode): SQLite's table is not rebuilt, so the FTS
    # triggers on catalogue_item stay as they are.
    op.create_index(op.f('ix_catalogue_item_is_key'), 'catalogue_item', ['is_key'],
                    unique=False)
    op.create_index(op.f('ix_catalogue_item_updated_at'), 'catalogue_item', ['updated_at'],
                    unique=False)
    op.create_index('ix_catalogue_item_level_title', 'catalogue_item', ['level', 'title'],
                    unique=False)


def downgrade():
    op.drop_index('ix_catalogue_item_level_title', table_name='catalogue_item')
    op.drop_index(op.f('ix_catalogue_item_updated_at'), table_name='catalogue_item')
    op.drop_index(op.f('ix_catalogue_item_is_key'), table_name='catalogue_item')
