"""Journal lines are indexed by document, so everything posted about one invoice is one lookup.

The journal's `invoice_id` filter lists the document's own entry and every entry with a line
on its receivable: payments on it, credit notes and credit applied to it.

Revision ID: 0010
Revises: 0009
"""
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_journal_lines_invoice', 'journal_lines', ['invoice_id'])


def downgrade():
    op.drop_index('ix_journal_lines_invoice', table_name='journal_lines')
