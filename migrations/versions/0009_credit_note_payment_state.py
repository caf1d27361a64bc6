"""Credit notes read back how much of them settles invoices: their payment state is refreshed.

A posted credit note's payment state now says how much of it has been applied to invoices
(paid: all of it, partial: some, unpaid: none yet, all still customer credit); before, it
stayed "unpaid". Nothing else changes: its residual stays 0 and its journal entry is untouched.

Revision ID: 0009
Revises: 0008
"""
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

APPLIED = (
    '(SELECT COALESCE(SUM(allocations.amount), 0) FROM allocations '
    'WHERE allocations.credit_note_id = invoices.id)'
)


def upgrade():
    op.execute(
        f"UPDATE invoices SET payment_state = CASE "
        f"WHEN {APPLIED} >= gross_total THEN 'paid' "
        f"WHEN {APPLIED} > 0 THEN 'partial' ELSE 'unpaid' END "
        f"WHERE doc_type = 'credit_note' AND state = 'posted'"
    )


def downgrade():
    op.execute(
        "UPDATE invoices SET payment_state = 'unpaid' "
        "WHERE doc_type = 'credit_note' AND state = 'posted'"
    )
