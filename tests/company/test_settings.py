"""Company settings and customers: validation that names the field and writes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.company.services import get_company, update_settings
from app.core.errors import ValidationFailed
from app.customers.models import Customer
from app.customers.services import create_customer, update_customer


def test_create_customer_vat_id_normalised(session):
    customer = create_customer(None, name="Brennan Dairy", vat_id="ie 6388047v", country="ie")
    assert (customer.vat_id, customer.country) == ("IE6388047V", "IE")


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("vat_id", {"name": "X", "vat_id": "IE1234567X"}),
        ("vat_id", {"name": "X", "vat_id": "DE000000000"}),
        ("name", {"name": "  "}),
        ("email", {"name": "X", "email": "no-at-sign"}),
        ("country", {"name": "X", "country": "IRL"}),
        ("payment_terms_days", {"name": "X", "payment_terms_days": 400}),
        ("payment_terms_days", {"name": "X", "payment_terms_days": "30"}),
        ("id", {"name": "X", "id": 5}),
    ],
)
def test_create_customer_bad_input_names_field_and_writes_nothing(session, field, values):
    before = session.scalar(select(func.count()).select_from(Customer))
    with pytest.raises(ValidationFailed) as caught:
        create_customer(None, **values)
    assert field in caught.value.fields
    assert session.scalar(select(func.count()).select_from(Customer)) == before


def test_update_customer_invalid_vat_id_keeps_old(session):
    customer = create_customer(None, name="Brennan Dairy", vat_id="IE6388047V")
    with pytest.raises(ValidationFailed):
        update_customer(None, customer.id, vat_id="IE0000000X")
    session.expire_all()
    assert customer.vat_id == "IE6388047V"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("vat_id", "IE1234567X"),
        ("iban", "IE00AIBK93115212345678"),
        ("timezone", "Mars/Olympus"),
        ("currency", "eur"),
        ("default_payment_terms_days", 366),
        ("lock_date", "2026-01-01"),
        ("terms_url", "javascript:alert(1)"),
        ("terms_url", "fieldpost.test/terms"),
        ("terms_url", "https://fieldpost.test/our terms"),
    ],
)
def test_update_settings_bad_value_names_field(session, field, value):
    before = get_company().timezone
    with pytest.raises(ValidationFailed) as caught:
        update_settings(None, **{field: value})
    assert field in caught.value.fields
    assert get_company().timezone == before


def test_update_settings_vat_exempt_saved(session):
    update_settings(None, vat_registered=False, timezone="Pacific/Kiritimati")
    company = get_company()
    assert (company.vat_registered, company.timezone) == (False, "Pacific/Kiritimati")


def test_update_settings_terms_link_saved(session):
    update_settings(None, terms_url="https://fieldpost.test/terms?lang=en")
    assert get_company().terms_url == "https://fieldpost.test/terms?lang=en"


def test_books_currency_changes_before_any_document_and_catalog_prices_follow(session):
    from tests.factories import CatalogItemFactory

    item = CatalogItemFactory(currency="EUR")
    update_settings(None, currency="GBP")
    session.refresh(item)
    assert (get_company().currency, item.currency) == ("GBP", "GBP")


def test_books_currency_cannot_change_once_a_document_has_a_number(session):
    from app.accounting.services import post_invoice
    from app.invoicing.services import create_draft
    from tests.factories import CatalogItemFactory, CustomerFactory, line

    item = CatalogItemFactory(currency="EUR")
    customer = CustomerFactory()
    post_invoice(None, create_draft(None, customer_id=customer.id, lines=[line("Work")]).id)
    session.commit()  # a refused use case rolls back to here, as a real one would

    with pytest.raises(ValidationFailed) as refused:
        update_settings(None, currency="GBP", name="Renamed Ltd")

    assert refused.value.fields == {
        "currency": [
            "Documents were already issued in EUR; the books keep one currency, so it "
            "cannot change now."
        ]
    }
    session.refresh(item)
    assert (get_company().currency, get_company().name != "Renamed Ltd", item.currency) == (
        "EUR",
        True,
        "EUR",
    )
    update_settings(None, currency="EUR", name="Renamed Ltd")  # the same currency is no change
    assert get_company().name == "Renamed Ltd"


def test_drafts_follow_a_currency_change_before_any_document(session):
    from app.invoicing.services import create_draft
    from tests.factories import CustomerFactory, line

    draft = create_draft(None, customer_id=CustomerFactory().id, lines=[line("Work")])
    update_settings(None, currency="USD")
    session.refresh(draft)
    assert draft.currency == "USD"


def test_posting_refuses_a_document_in_another_currency_than_the_books(session):
    from sqlalchemy import text

    from app.accounting.services import post_invoice
    from app.core.errors import InvalidTransition
    from app.invoicing.services import create_draft
    from tests.factories import CustomerFactory, line

    draft = create_draft(None, customer_id=CustomerFactory().id, lines=[line("Work")])
    session.execute(text("UPDATE invoices SET currency = 'SEK' WHERE id = :id"), {"id": draft.id})
    session.commit()
    with pytest.raises(InvalidTransition, match="It is in SEK, the books in EUR"):
        post_invoice(None, draft.id)
