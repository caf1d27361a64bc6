"""Invoices remember being made from service orders, so posting asks the orders only then.

The flag is frozen with the rest of a posted document: the immutability triggers of 0001
are recreated with it in their column list.

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# The frozen columns of a posted document as of 0001.
FROZEN_0001 = (
    "id doc_type state series fiscal_year sequence number customer_id billing_name "
    "billing_address billing_vat_id billing_email invoice_date due_date currency reference "
    "notes terms discount_kind discount_value subtotal discount_total net_total vat_total "
    "gross_total credited_invoice_id reason journal_entry_id seal created_by_id posted_by_id "
    "created_at posted_at"
).split()


def upgrade():
    op.add_column(
        'invoices',
        sa.Column(
            'from_service_orders', sa.Boolean(), nullable=False, server_default=sa.false()
        ),
    )
    # Every document a service order points at was made from service orders.
    op.execute(
        "UPDATE invoices SET from_service_orders = true WHERE id IN "
        "(SELECT invoice_id FROM service_orders WHERE invoice_id IS NOT NULL)"
    )
    _freeze_invoice_columns([*FROZEN_0001, "from_service_orders"])


def downgrade():
    _freeze_invoice_columns(FROZEN_0001)
    op.drop_column('invoices', 'from_service_orders')


def _freeze_invoice_columns(columns):
    """Recreate the trigger that refuses changes to these columns of a posted document."""
    if op.get_bind().dialect.name == "postgresql":
        changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in columns)
        op.execute(f"""
            CREATE OR REPLACE FUNCTION fieldpost_invoice_frozen() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'DELETE' THEN
                IF OLD.state = 'posted' THEN
                  RAISE EXCEPTION 'posted documents are immutable';
                END IF;
                RETURN OLD;
              END IF;
              IF OLD.state = 'posted' AND ({changed}) THEN
                RAISE EXCEPTION 'posted documents are immutable';
              END IF;
              RETURN NEW;
            END $$
        """)
        return
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)
    op.execute("DROP TRIGGER invoices_posted_frozen")
    op.execute("CREATE TRIGGER invoices_posted_frozen BEFORE UPDATE ON invoices "
               f"WHEN OLD.state = 'posted' AND ({changed}) "
               "BEGIN SELECT RAISE(ABORT, 'posted documents are immutable'); END")
