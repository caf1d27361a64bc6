"""Catalog prices are in the books' currency: the separate list of catalog currencies goes.

An invoice line takes a catalog price as it stands and the ledger has no exchange rates, so
a price in another currency would be billed as if it were in the books' currency. Items are
now priced in the company's currency only, and the list that allowed others is dropped.

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table('catalog_currencies')


def downgrade():
    op.create_table(
        'catalog_currencies',
        sa.Column('code', sa.String(length=3), nullable=False),
        sa.PrimaryKeyConstraint('code', name=op.f('pk_catalog_currencies')),
    )
    # Every currency an item or the company uses, so items stay valid as they were.
    op.execute(
        "INSERT INTO catalog_currencies (code) "
        "SELECT currency FROM catalog_items UNION SELECT currency FROM company "
        "UNION SELECT 'EUR'"
    )
