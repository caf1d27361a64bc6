"""Models and migrations never differ: autogenerate against a migrated database finds nothing."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text

from app.accounting.credit_notes import issue_credit_note
from app.accounting.services import post_invoice, register_payment
from app.extensions import db
from app.invoicing.models import Invoice
from app.invoicing.services import create_draft
from tests.factories import CatalogItemFactory, CustomerFactory, bind, line


def test_compare_metadata_on_migrated_database_is_empty(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_0009_refreshes_the_payment_state_of_credit_notes_posted_before_it(fresh_database):
    """Down to 0008 reads every posted credit note as unpaid, as before; up again, each reads
    how much of it settles invoices."""
    _, app = fresh_database
    migrations = str(Path(app.root_path).parent / "migrations")
    with app.app_context():
        bind(db.session)
        customer = CustomerFactory()
        db.session.commit()
        draft = create_draft(None, customer_id=customer.id, lines=[line("Work", "2", "50.00")])
        invoice = post_invoice(None, draft.id)
        settling = issue_credit_note(None, invoice.id, reason="Work not done")
        paid = post_invoice(
            None,
            create_draft(None, customer_id=customer.id, lines=[line("Work", "1", "50.00")]).id,
        )
        register_payment(None, paid.id, amount=str(paid.gross_total))
        credit_only = issue_credit_note(None, paid.id, reason="Goodwill")
        notes = {settling.id: "paid", credit_only.id: "unpaid"}
        db.session.remove()

        downgrade(directory=migrations, revision="0008")
        assert _payment_states(notes) == {settling.id: "unpaid", credit_only.id: "unpaid"}
        upgrade(directory=migrations, revision="heads")
        assert _payment_states(notes) == notes


def _payment_states(ids) -> dict[int, str]:
    rows = db.session.execute(select(Invoice.id, Invoice.payment_state).where(Invoice.id.in_(ids)))
    states = {row.id: row.payment_state for row in rows}
    db.session.remove()
    return states


def test_0011_drops_the_catalog_currency_list_and_its_downgrade_lists_every_code_in_use(
    fresh_database,
):
    """Down to 0010 lists every currency an item or the company uses (so items stay valid
    under the old rule); up again, the list is gone: prices are in the books' currency."""
    _, app = fresh_database
    migrations = str(Path(app.root_path).parent / "migrations")
    with app.app_context():
        bind(db.session)
        CatalogItemFactory(currency="EUR")
        db.session.execute(text("UPDATE catalog_items SET currency = 'SEK'"))
        db.session.commit()
        db.session.remove()

        downgrade(directory=migrations, revision="0010")
        codes = set(db.session.scalars(text("SELECT code FROM catalog_currencies")))
        db.session.remove()
        assert codes == {"EUR", "SEK"}
        upgrade(directory=migrations, revision="heads")
        assert "catalog_currencies" not in inspect(db.engine).get_table_names()


def test_0012_signature_client_id_goes_down_and_up_keeping_the_orders(fresh_database):
    """Down to 0011 drops only the column (orders and their time stay); up again adds it."""
    _, app = fresh_database
    migrations = str(Path(app.root_path).parent / "migrations")
    with app.app_context():
        from tests.factories import UserFactory

        bind(db.session)
        from app.service_orders import services

        dispatcher = UserFactory(role="dispatcher")
        order = services.create_order(
            dispatcher, customer_id=CustomerFactory().id, description="Boiler"
        )
        db.session.commit()
        order_id = order.id
        db.session.remove()

        downgrade(directory=migrations, revision="0011")
        columns = {c["name"] for c in inspect(db.engine).get_columns("service_orders")}
        assert "signature_client_id" not in columns
        assert db.session.scalar(text("SELECT description FROM service_orders")) == "Boiler"
        db.session.remove()
        upgrade(directory=migrations, revision="heads")
        columns = {c["name"] for c in inspect(db.engine).get_columns("service_orders")}
        assert "signature_client_id" in columns
        assert db.session.scalar(text("SELECT id FROM service_orders")) == order_id
