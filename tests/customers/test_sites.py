"""Customer service sites and contacts."""

from __future__ import annotations

from typing import Any

import pytest

from app.core.errors import NotFound, ValidationFailed
from app.customers.sites import add_contact, add_site, list_contacts, list_sites, update_site
from tests.factories import CustomerFactory


def test_add_site_with_access_notes(session: Any) -> None:
    customer = CustomerFactory()
    site = add_site(
        None,
        customer.id,
        name="Boiler room",
        street="12 Harbour Road",
        city="Dublin",
        country="ie",
        access_notes="Key at reception, code 4711",
    )
    assert site.country == "IE"
    assert [s.access_notes for s in list_sites(customer.id)] == ["Key at reception, code 4711"]


def test_add_site_without_name_refused(session: Any) -> None:
    customer = CustomerFactory()
    with pytest.raises(ValidationFailed) as error:
        add_site(None, customer.id, name="")
    assert "name" in error.value.fields


def test_add_site_to_unknown_customer_not_found(session: Any) -> None:
    with pytest.raises(NotFound):
        add_site(None, 999_999, name="Nowhere")


def test_update_site_refuses_unknown_field(session: Any) -> None:
    site = add_site(None, CustomerFactory().id, name="Shop")
    with pytest.raises(ValidationFailed) as error:
        update_site(None, site.id, customer_id=5)
    assert "customer_id" in error.value.fields


def test_add_contact_with_phone_and_email(session: Any) -> None:
    customer = CustomerFactory()
    contact = add_contact(
        None, customer.id, name="Mary Byrne", phone="+353 87 555 0101", email="mary@acme.example"
    )
    assert [(c.name, c.phone) for c in list_contacts(customer.id)] == [
        (contact.name, "+353 87 555 0101")
    ]


def test_add_contact_with_bad_email_refused(session: Any) -> None:
    with pytest.raises(ValidationFailed) as error:
        add_contact(None, CustomerFactory().id, name="Mary", email="mary-at-acme")
    assert "email" in error.value.fields


def test_add_contact_at_other_customers_site_refused(session: Any) -> None:
    site = add_site(None, CustomerFactory().id, name="Shop")
    with pytest.raises(ValidationFailed) as error:
        add_contact(None, CustomerFactory().id, name="Mary", site_id=site.id)
    assert "site_id" in error.value.fields
