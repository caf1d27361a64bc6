"""The draft editor applies the service's rules: a refused change shows beside its field and
writes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.invoicing.services import create_draft
from tests.factories import CustomerFactory, UserFactory, line
from tests.web.conftest import FAST_HASH, sign_in, web_client


@pytest.fixture
def editor(app, session):
    return sign_in(web_client(app), UserFactory(role="dispatcher", password_hash=FAST_HASH))


def _form(customer_id, **header):
    return {
        "customer_id": str(customer_id),
        "invoice_date": "2026-06-14",
        "lines-0-description": "Labour",
        "lines-0-quantity": "1",
        "lines-0-unit_price": "100.00",
        "lines-0-vat_rate": "23",
        "lines-0-kind": "labour",
        **header,
    }


def test_edit_draft_from_orders_to_another_customer_shows_error_and_keeps_customer(editor, session):
    draft = create_draft(None, customer_id=CustomerFactory().id, lines=[line()])
    draft.from_service_orders = True
    session.flush()
    owner, other = draft.customer_id, CustomerFactory(name="Other Ltd")
    response = editor.post(f"/invoices/{draft.id}/edit", data=_form(other.id))
    assert response.status_code == 422
    assert b"release its orders" in response.data
    session.expire_all()
    assert draft.customer_id == owner


def test_edit_draft_discount_value_without_type_shows_error_not_dropped(editor, session):
    draft = create_draft(None, customer_id=CustomerFactory().id, lines=[line()])
    form = _form(draft.customer_id, discount_kind="", discount_value="10")
    response = editor.post(f"/invoices/{draft.id}/edit", data=form)
    assert response.status_code == 422
    assert b"Choose percent or amount for the discount" in response.data
    session.expire_all()
    assert (draft.discount_kind, draft.discount_value) == (None, None)


def test_edit_draft_fullwidth_quantity_shows_error_and_writes_nothing(editor, session):
    draft = create_draft(None, customer_id=CustomerFactory().id, lines=[line()])
    form = _form(draft.customer_id, **{"lines-0-quantity": "\uff12"})
    response = editor.post(f"/invoices/{draft.id}/edit", data=form)
    assert response.status_code == 422
    assert b"digits 0-9" in response.data
    session.expire_all()
    assert draft.lines[0].quantity == Decimal("1.000")
