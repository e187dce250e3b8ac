"""catalogue: filter columns indexed together with title

Revision ID: aa11bb22cc33
Revises: 4849adcbce14
Create Date: 2026-11-23 22:40:00.000000

"""
from alembic import op

revision = 'aa11bb22cc33'
down_revision = '4849adcbce14'
branch_labels = None
depends_on = None

COLUMNS = ("is_qualification", "item_type", "accrediting_body")


def upgrade():
    for name in COLUMNS:
        op.drop_index(f"ix_catalogue_item_{name}", table_name="catalogue_item")
        op.create_index(f"ix_catalogue_item_{name}_title", "catalogue_item", [name, "title"])
    op.execute("ANALYZE catalogue_item")  # the planner needs figures for the new indexes


def downgrade():
    for name in COLUMNS:
        op.drop_index(f"ix_catalogue_item_{name}_title", table_name="catalogue_item")
        op.create_index(f"ix_catalogue_item_{name}", "catalogue_item", [name])
