"""The document seal with the number left open equals the seal of the numbered document."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from app.invoicing.models import Invoice, InvoiceLine, InvoiceTax
from app.invoicing.operations import seal_of, seal_with_number

# Text that tries to look like the open number inside the serialised document.
TRICKY = st.one_of(
    st.text(max_size=40),
    st.sampled_from(['"number": "\x00"', '", "number": "\\u0000', "\x00", '\\"', "n\u00e9"]),
)


def _document(description: str, billing_name: str, number: str | None) -> Invoice:
    return Invoice(
        number=number,
        doc_type="invoice",
        customer_id=7,
        billing_name=billing_name,
        billing_address="1 Main St\nSpringfield",
        billing_vat_id="",
        invoice_date=date(2026, 6, 14),
        due_date=date(2026, 7, 14),
        currency="EUR",
        subtotal=Decimal("10.00"),
        discount_total=Decimal("0.00"),
        net_total=Decimal("10.00"),
        vat_total=Decimal("2.00"),
        gross_total=Decimal("12.00"),
        credited_invoice_id=None,
        lines=[
            InvoiceLine(
                description=description,
                quantity=Decimal("1.000"),
                unit="pcs",
                unit_price=Decimal("10.00"),
                discount_percent=Decimal("0.00"),
                vat_rate=Decimal("20.00"),
                kind="other",
                net=Decimal("10.00"),
            )
        ],
        taxes=[InvoiceTax(rate=Decimal("20.00"), base=Decimal("10.00"), amount=Decimal("2.00"))],
    )


@given(description=TRICKY, billing_name=TRICKY, number=TRICKY)
def test_open_seal_closed_with_a_number_is_the_seal_of_the_numbered_document(
    description, billing_name, number
):
    open_seal = seal_with_number(_document(description, billing_name, None))
    assert open_seal.of(number) == seal_of(_document(description, billing_name, number))


def test_the_seal_covers_the_number():
    document = _document("Boiler service", "Acme", None)
    assert seal_with_number(document).of("INV-2026-001") != seal_with_number(document).of(
        "INV-2026-002"
    )
