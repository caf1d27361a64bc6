"""Drafts: create, edit, delete, copy; document discount; bad input names the field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.accounting.models import JournalEntry
from app.accounting.services import post_invoice
from app.accounting.verify import verify_ledger
from app.company.services import get_company, update_settings
from app.core.errors import InvalidTransition, NotFound, ValidationFailed
from app.invoicing.models import Invoice, InvoiceLine, InvoiceTax
from app.invoicing.services import copy_invoice, create_draft, delete_draft, update_draft
from tests.accounting.helpers import D
from tests.factories import CustomerFactory, line


def row_counts(session):
    return tuple(
        session.scalar(select(func.count()).select_from(model))
        for model in (Invoice, InvoiceLine, InvoiceTax, JournalEntry)
    )


def test_create_draft_computes_totals_and_due_date(session):
    customer = CustomerFactory(payment_terms_days=30)
    draft = create_draft(
        None, customer_id=customer.id, lines=[line("Labour", "1.5", "60.00", "13.5", "labour")]
    )
    assert (draft.state, draft.number, draft.gross_total) == ("draft", None, D("102.15"))
    assert (draft.invoice_date, draft.due_date) == (date(2026, 6, 14), date(2026, 7, 14))
    assert draft.status(date(2026, 6, 14)) == "draft"


def test_update_draft_lines_and_header_recomputes(session):
    draft = create_draft(None, customer_id=CustomerFactory().id, lines=[line()])
    update_draft(None, draft.id, lines=[line(unit_price="200.00")], notes="Thanks")
    assert (draft.gross_total, draft.notes) == (D("246.00"), "Thanks")
    assert [(t.rate, t.base, t.amount) for t in draft.taxes] == [
        (D("23.00"), D("200.00"), D("46.00"))
    ]


def test_update_draft_document_discount_percent_allocated_across_rates(session):
    draft = create_draft(
        None,
        customer_id=CustomerFactory().id,
        lines=[line("A", "1", "100.00", "23"), line("B", "1", "100.00", "13.5", "parts")],
    )
    update_draft(None, draft.id, discount_kind="percent", discount_value="10")
    assert draft.discount_total == D("20.00")
    assert [(t.rate, t.base, t.amount) for t in draft.taxes] == [
        (D("13.50"), D("90.00"), D("12.15")),
        (D("23.00"), D("90.00"), D("20.70")),
    ]
    assert draft.gross_total == D("212.85")


def test_create_draft_fixed_discount_equal_to_subtotal_gives_zero_total_not_postable(session):
    draft = create_draft(
        None,
        customer_id=CustomerFactory().id,
        lines=[line(unit_price="10.00")],
        discount_kind="amount",
        discount_value="10.00",
    )
    assert (draft.discount_total, draft.gross_total) == (D("10.00"), D("0.00"))
    with pytest.raises(InvalidTransition, match="above zero"):
        post_invoice(None, draft.id)


def test_delete_draft_removes_it_with_lines(session):
    draft = create_draft(None, customer_id=CustomerFactory().id, lines=[line(), line()])
    before = row_counts(session)
    delete_draft(None, draft.id)
    assert row_counts(session) == (before[0] - 1, before[1] - 2, before[2] - 1, before[3])


def test_copy_invoice_of_posted_gives_unnumbered_draft(session):
    posted = post_invoice(
        None, create_draft(None, customer_id=CustomerFactory().id, lines=[line()]).id
    )
    copy = copy_invoice(None, posted.id)
    assert (copy.state, copy.number, copy.gross_total) == ("draft", None, posted.gross_total)
    assert copy.id != posted.id
    assert verify_ledger() == []


def test_create_draft_vat_exempt_company_defaults_to_zero_rate(session):
    update_settings(None, vat_registered=False)
    customer = CustomerFactory(vat_id="", is_business=False)
    draft = create_draft(
        None,
        customer_id=customer.id,
        lines=[{"description": "Labour", "quantity": "1", "unit_price": "80.00"}],
    )
    assert draft.vat_total == D("0.00")
    assert [t.rate for t in draft.taxes] == [D("0.00")]
    invoice = post_invoice(None, draft.id)
    assert invoice.gross_total == D("80.00")
    assert get_company().vat_registered is False
    assert verify_ledger() == []


def test_post_business_customer_without_vat_id_refused(session):
    customer = CustomerFactory(vat_id="")
    draft = create_draft(None, customer_id=customer.id, lines=[line()])
    with pytest.raises(InvalidTransition, match="VAT id"):
        post_invoice(None, draft.id)
    assert draft.number is None


def test_post_without_lines_refused(session):
    draft = create_draft(None, customer_id=CustomerFactory().id, lines=[])
    with pytest.raises(InvalidTransition, match="at least one line"):
        post_invoice(None, draft.id)


def test_post_private_customer_without_vat_id_allowed(session):
    customer = CustomerFactory(vat_id="", is_business=False)
    draft = create_draft(None, customer_id=customer.id, lines=[line()])
    assert post_invoice(None, draft.id).number == "INV-2026-001"


BAD_LINES = [
    ("lines[0].quantity", {"quantity": "-1"}),
    ("lines[0].quantity", {"quantity": "0"}),
    ("lines[0].quantity", {"quantity": "1000000000"}),
    ("lines[0].quantity", {"quantity": "NaN"}),
    ("lines[0].quantity", {"quantity": "1e400"}),
    ("lines[0].quantity", {"quantity": "1.0001"}),
    ("lines[0].quantity", {"quantity": 1.5}),
    ("lines[0].quantity", {"quantity": "Infinity"}),
    ("lines[0].quantity", {"quantity": "two"}),
    ("lines[0].unit_price", {"unit_price": "-0.01"}),
    ("lines[0].unit_price", {"unit_price": "1e400"}),
    ("lines[0].unit_price", {"unit_price": "10.001"}),
    ("lines[0].unit_price", {"unit_price": "sNaN"}),
    ("lines[0].unit_price", {"unit_price": "1000000000.00"}),
    ("lines[0].vat_rate", {"vat_rate": "101"}),
    ("lines[0].vat_rate", {"vat_rate": "-1"}),
    ("lines[0].discount_percent", {"discount_percent": "100.5"}),
    ("lines[0].kind", {"kind": "bonus"}),
    ("lines[0].description", {"description": "  "}),
    ("lines[0].net", {"net": "1.00"}),
    ("lines[0].invoice_id", {"invoice_id": 1}),
    ("lines[0].catalog_item_id", {"catalog_item_id": 999999}),
    ("lines[0].catalog_item_id", {"catalog_item_id": "1"}),
]


@pytest.mark.parametrize(("field", "change"), BAD_LINES)
def test_create_draft_bad_line_names_field_and_writes_nothing(session, field, change):
    customer = CustomerFactory()
    before = row_counts(session)
    with pytest.raises(ValidationFailed) as caught:
        create_draft(None, customer_id=customer.id, lines=[{**line(), **change}])
    assert field in caught.value.fields
    assert row_counts(session) == before


BAD_HEADERS = [
    ("customer_id", {"customer_id": 999999}),
    ("customer_id", {"customer_id": "1"}),
    ("customer_id", {"customer_id": True}),
    ("number", {"number": "INV-2026-999"}),
    ("state", {"state": "posted"}),
    ("sequence", {"sequence": 7}),
    ("posted_at", {"posted_at": "2026-06-14T10:00:00Z"}),
    ("payment_state", {"payment_state": "paid"}),
    ("residual", {"residual": "0"}),
    ("gross_total", {"gross_total": "1.00"}),
    ("seal", {"seal": "x"}),
    ("invoice_date", {"invoice_date": "2026-13-01"}),
    ("due_date", {"due_date": "2026-06-01"}),
    ("currency", {"currency": "EURO"}),
    ("discount_kind", {"discount_kind": "gift"}),
    ("discount_value", {"discount_kind": "percent", "discount_value": "101"}),
    ("discount_value", {"discount_kind": "amount", "discount_value": "NaN"}),
    ("discount_value", {"discount_kind": "amount", "discount_value": "1.001"}),
]


@pytest.mark.parametrize(("field", "change"), BAD_HEADERS)
def test_create_draft_bad_header_names_field_and_writes_nothing(session, field, change):
    header = {"customer_id": CustomerFactory().id, **change}
    before = row_counts(session)
    with pytest.raises(ValidationFailed) as caught:
        create_draft(None, lines=[line()], **header)
    assert field in caught.value.fields
    assert row_counts(session) == before


@pytest.mark.parametrize("field", ["number", "state", "sequence", "posted_at", "journal_entry_id"])
def test_update_draft_mass_assigned_field_refused(session, field):
    draft = create_draft(None, customer_id=CustomerFactory().id, lines=[line()])
    with pytest.raises(ValidationFailed) as caught:
        update_draft(None, draft.id, **{field: 1})
    assert field in caught.value.fields
    session.expire_all()
    assert (draft.state, draft.number) == ("draft", None)


def test_create_draft_lines_not_a_list_refused(session):
    with pytest.raises(ValidationFailed) as caught:
        create_draft(None, customer_id=CustomerFactory().id, lines="two pumps")
    assert "lines" in caught.value.fields


def test_update_draft_unknown_invoice_not_found(session):
    with pytest.raises(NotFound):
        update_draft(None, 999999, notes="x")


def test_create_draft_comma_decimal_accepted(session):
    draft = create_draft(
        None, customer_id=CustomerFactory().id, lines=[line(quantity="1,5", unit_price="10,00")]
    )
    assert draft.lines[0].quantity == Decimal("1.500")
