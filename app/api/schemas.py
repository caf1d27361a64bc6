"""Request and response schemas of the API v1; they generate the OpenAPI document.

Money and quantities are decimal strings, dates ISO YYYY-MM-DD; unknown fields are refused.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import g
from marshmallow import Schema, fields, validate

from app.accounting.models import PAYMENT_METHODS
from app.api.fields import (
    Capped,
    Day,
    DecimalString,
    Id,
    Money,
    Percent,
    Quantity,
    StrictBoolean,
    Text,
)
from app.api.pagination import PageArgs, sort_arg
from app.catalog.models import ITEM_KINDS, RATE_KINDS
from app.company.services import company_today
from app.core.money import MAX_AMOUNT, MAX_QUANTITY, MAX_UNIT_PRICE
from app.invoicing.models import DISCOUNT_KINDS, DOC_TYPES, LINE_KINDS
from app.invoicing.services import SORTS as INVOICE_SORTS

STATUSES = ("draft", "posted", "sent", "viewed", "partially_paid", "paid", "overdue", "cancelled")

Str = fields.String
In = Text  # request strings: storable text only
Int = fields.Integer


def _text(max_length: int, **kwargs: Any) -> fields.String:
    return Text(validate=validate.Length(max=max_length), **kwargs)


def today() -> date:
    """The company-local date, once per request (statuses and defaults use it)."""
    if "api_today" not in g:
        g.api_today = company_today()
    value: date = g.api_today
    return value


# Request decimals are unsigned and capped as the services cap them (app/core/money.py), so
# each field's OpenAPI pattern states what is accepted.
def _quantity(**kwargs: Any) -> Capped:
    return Capped(MAX_QUANTITY, "quantity", **kwargs)


def _unit_price(**kwargs: Any) -> Capped:
    return Capped(MAX_UNIT_PRICE, "unit price", **kwargs)


def _amount(**kwargs: Any) -> Capped:
    return Capped(MAX_AMOUNT, "amount", **kwargs)


# ---- customers -------------------------------------------------------------------------


class AddressSchema(Schema):
    street = _text(200)
    city = _text(100)
    postal_code = _text(20)
    country = Str(
        validate=validate.Length(max=2),
        metadata={"description": "ISO 3166-1 alpha-2", "example": "IE"},
    )


class CustomerInSchema(Schema):
    name = _text(200, required=True)
    email = _text(254)
    phone = _text(50)
    vat_id = _text(30)
    is_business = StrictBoolean()
    address = fields.Nested(AddressSchema)
    # Strict: "30" or 30.5 is refused, not read as 30 days.
    payment_terms_days = Int(
        strict=True,
        allow_none=True,
        validate=validate.Range(min=0, max=365),
        metadata={"description": "Whole days from 0 to 365; null for the company default."},
    )
    notes = _text(5000)


class CustomerPatchSchema(CustomerInSchema):
    name = _text(200)


class CustomerSchema(Schema):
    id = Int(required=True)
    name = Str(required=True)
    email = Str(required=True)
    phone = Str(required=True)
    vat_id = Str(required=True)
    is_business = fields.Boolean(required=True)
    address = fields.Method("_address", required=True)
    payment_terms_days = Int(allow_none=True, required=True)
    notes = Str(required=True)
    created_at = fields.AwareDateTime(required=True)

    def _address(self, customer: Any) -> dict[str, str]:
        return {
            "street": customer.street,
            "city": customer.city,
            "postal_code": customer.postal_code,
            "country": customer.country,
        }


class CustomerListArgs(PageArgs):
    sort = sort_arg(["name", "id", "created"], "name")


# ---- catalog --------------------------------------------------------------------------


class CatalogItemInSchema(Schema):
    sku = _text(64, allow_none=True)
    name = _text(200, required=True)
    kind = Str(required=True, validate=validate.OneOf(ITEM_KINDS))
    rate_kind = Str(allow_none=True, validate=validate.OneOf(RATE_KINDS))
    unit = _text(20)
    price = Capped(MAX_UNIT_PRICE, "price", required=True)
    vat_rate = Percent(required=True)
    currency = Text(
        validate=validate.Length(equal=3),
        metadata={
            "description": "The books' currency (the company's), the default and the only "
            "one accepted: invoices take catalog prices as they stand."
        },
    )
    group = _text(100)
    barcode = _text(64)
    active = StrictBoolean()


class CatalogItemPatchSchema(CatalogItemInSchema):
    name = _text(200)
    kind = Str(validate=validate.OneOf(ITEM_KINDS))
    price = Capped(MAX_UNIT_PRICE, "price")
    vat_rate = Percent()


class CatalogItemSchema(Schema):
    id = Int(required=True)
    sku = Str(allow_none=True, required=True)
    name = Str(required=True)
    kind = Str(required=True)
    rate_kind = Str(allow_none=True, required=True)
    unit = Str(required=True)
    price = Money(metadata={"description": "Absent for technician tokens."})
    vat_rate = DecimalString(required=True)
    currency = Str(required=True)
    group = Str(required=True)
    barcode = Str(required=True)
    active = fields.Boolean(required=True)


class CatalogListArgs(PageArgs):
    kind = Str(validate=validate.OneOf(ITEM_KINDS))


# ---- invoices -------------------------------------------------------------------------


class LineInSchema(Schema):
    description = _text(2000, required=True)
    quantity = _quantity(required=True, metadata={"description": "Above 0."})
    unit = _text(20)
    unit_price = _unit_price(required=True)
    discount_percent = Percent()
    vat_rate = Percent(metadata={"description": "The company default if absent."})
    kind = Str(validate=validate.OneOf(LINE_KINDS))
    catalog_item_id = Id(allow_none=True)


class InvoiceInSchema(Schema):
    customer_id = Id(required=True)
    invoice_date = Day()
    due_date = Day(metadata={"description": "From the payment terms if absent."})
    currency = Text(
        validate=validate.Length(equal=3),
        metadata={
            "pattern": "^[A-Z]{3}$",
            "description": "The company's currency, the one the books are kept in (the "
            "default); any other is refused: the ledger has no exchange rates.",
        },
    )
    reference = _text(100)
    notes = _text(5000)
    terms = _text(5000)
    discount_kind = Str(allow_none=True, validate=validate.OneOf(DISCOUNT_KINDS))
    discount_value = _amount(
        allow_none=True,
        metadata={
            "description": "Together with discount_kind: a percent up to 100, or an amount up "
            "to the subtotal."
        },
    )
    doc_type = Str(validate=validate.OneOf(("invoice", "proforma")))
    lines = fields.List(
        fields.Nested(LineInSchema),
        required=True,
        validate=validate.Length(max=500),
        metadata={"description": "Each line's net and the gross total at most 999999999999.99."},
    )


class InvoicePatchSchema(InvoiceInSchema):
    customer_id = Id(metadata={"description": "Not for a draft made from service orders (409)."})
    lines = fields.List(
        fields.Nested(LineInSchema),
        validate=validate.Length(max=500),
        metadata={"description": "Replaces all lines; when absent, lines and their ids stay."},
    )

    class Meta:
        exclude = ("doc_type",)


class CopyInSchema(Schema):
    """A copy takes no body: an empty object is fine, any field is refused (422)."""


class LineSchema(Schema):
    id = Int(required=True)
    position = Int(required=True)
    description = Str(required=True)
    quantity = Quantity(required=True)
    unit = Str(required=True)
    unit_price = Money(required=True)
    discount_percent = DecimalString(required=True)
    vat_rate = DecimalString(required=True)
    kind = Str(required=True)
    net = Money(required=True)
    catalog_item_id = Int(allow_none=True, required=True)
    source_order_id = Int(allow_none=True, required=True)
    credited_line_id = Int(allow_none=True, required=True)


class VatSchema(Schema):
    rate = DecimalString(required=True)
    base = Money(required=True)
    amount = Money(required=True)


class TotalsSchema(Schema):
    subtotal = Money(required=True)
    discount = Money(required=True)
    net = Money(required=True)
    vat = fields.List(fields.Nested(VatSchema), required=True)
    gross = Money(required=True)


class DocumentHeaderSchema(Schema):
    """What a document says in a list and on its own: number, state, customer, dates and its
    place in the ledger. The two schemas below add their own fields."""

    id = Int(required=True)
    doc_type = Str(required=True, validate=validate.OneOf(DOC_TYPES))
    number = Str(allow_none=True, required=True)
    state = Str(required=True, metadata={"enum": ["draft", "posted"]})
    payment_state = Str(required=True)
    status = Str(required=True, validate=validate.OneOf(STATUSES))
    customer_id = Int(required=True)
    customer_name = Str(required=True)
    invoice_date = Day(required=True)
    due_date = Day(required=True)
    currency = Str(required=True)
    reference = Str(required=True)
    residual = Money(required=True)
    journal_entry_id = Int(allow_none=True, required=True)
    credited_invoice_id = Int(allow_none=True, required=True)
    created_at = fields.AwareDateTime(required=True)
    posted_at = fields.AwareDateTime(allow_none=True, required=True)
    sent_at = fields.AwareDateTime(allow_none=True, required=True)


class InvoiceSchema(DocumentHeaderSchema):
    notes = Str(required=True)
    terms = Str(required=True)
    discount_kind = Str(allow_none=True, required=True)
    discount_value = Money(allow_none=True, required=True)
    lines = fields.List(fields.Nested(LineSchema), required=True)
    totals = fields.Nested(TotalsSchema, required=True)
    reason = Str(required=True)

    def dump(self, obj: Any, *, many: bool | None = None) -> Any:
        """Hand-written for speed (lists of 200 invoices); the fields above document it and
        the schemathesis run checks every reply against them."""
        many = self.many if many is None else many
        return [invoice_json(i) for i in obj] if many else invoice_json(obj)


def _s(value: Any) -> str | None:
    return None if value is None else str(value)


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def invoice_json(invoice: Any) -> dict[str, Any]:
    """An invoice as the API shows it: stored fields plus status, totals and customer name."""
    return {
        "id": invoice.id,
        "doc_type": invoice.doc_type,
        "number": invoice.number,
        "state": invoice.state,
        "payment_state": invoice.payment_state,
        "status": invoice.status(today()),
        "customer_id": invoice.customer_id,
        "customer_name": invoice.customer.name,
        "invoice_date": invoice.invoice_date.isoformat(),
        "due_date": invoice.due_date.isoformat(),
        "currency": invoice.currency,
        "reference": invoice.reference,
        "notes": invoice.notes,
        "terms": invoice.terms,
        "discount_kind": invoice.discount_kind,
        "discount_value": _s(invoice.discount_value),
        "lines": [
            {
                "id": line.id,
                "position": line.position,
                "description": line.description,
                "quantity": str(line.quantity),
                "unit": line.unit,
                "unit_price": str(line.unit_price),
                "discount_percent": str(line.discount_percent),
                "vat_rate": str(line.vat_rate),
                "kind": line.kind,
                "net": str(line.net),
                "catalog_item_id": line.catalog_item_id,
                "source_order_id": line.source_order_id,
                "credited_line_id": line.credited_line_id,
            }
            for line in invoice.lines
        ],
        "totals": {
            "subtotal": str(invoice.subtotal),
            "discount": str(invoice.discount_total),
            "net": str(invoice.net_total),
            "vat": [
                {"rate": str(t.rate), "base": str(t.base), "amount": str(t.amount)}
                for t in invoice.taxes
            ],
            "gross": str(invoice.gross_total),
        },
        "residual": str(invoice.residual),
        "journal_entry_id": invoice.journal_entry_id,
        "credited_invoice_id": invoice.credited_invoice_id,
        "reason": invoice.reason,
        "created_at": _iso(invoice.created_at),
        "posted_at": _iso(invoice.posted_at),
        "sent_at": _iso(invoice.sent_at),
    }


class CreditNoteIssuedSchema(InvoiceSchema):
    """A credit note just posted, and the draft that re-issues the invoice when one was asked
    for (`reissue`)."""

    reissued_draft_id = Int(
        allow_none=True,
        required=True,
        metadata={"description": "The corrected draft copy (`reissue`); null without one."},
    )

    def dump(self, obj: Any, *, many: bool | None = None) -> Any:
        return {**invoice_json(obj.note), "reissued_draft_id": obj.reissued_draft_id}


class InvoiceSummarySchema(DocumentHeaderSchema):
    """A document in a list: its header and totals, without lines or VAT rows (read one
    document for those). Built by app.invoicing.queries.summary_json."""

    net_total = Money(required=True)
    vat_total = Money(required=True)
    gross_total = Money(required=True)


class InvoiceListArgs(PageArgs):
    status = Str(
        validate=validate.OneOf(
            [
                "draft",
                "posted",
                "unpaid",
                "sent",
                "viewed",
                "overdue",
                "partially_paid",
                "paid",
                "cancelled",
            ]
        )
    )
    customer_id = Id(strict=False)
    date_from = Day()
    date_to = Day()
    doc_type = Str(load_default="invoice", validate=validate.OneOf([*DOC_TYPES, "all"]))
    sort = sort_arg(INVOICE_SORTS, "-date")


class PaymentInSchema(Schema):
    amount = _amount(required=True)
    date = Day(metadata={"description": "Company-local today if absent."})
    method = Str(load_default="bank_transfer", validate=validate.OneOf(PAYMENT_METHODS))
    reference = _text(140)


class PaymentSchema(Schema):
    id = Int(required=True)
    invoice_id = Int(allow_none=True, required=True)
    customer_id = Int(required=True)
    amount = Money(required=True)
    date = Day(required=True)
    method = Str(required=True)
    reference = Str(required=True)
    state = Str(required=True)
    receipt_number = Str(allow_none=True, required=True)
    entry_id = Int(allow_none=True, required=True)
    created_at = fields.AwareDateTime(required=True)


class CreditLineSchema(Schema):
    line_id = Id(required=True)
    quantity = _quantity(required=True)


class CreditNoteInSchema(Schema):
    reason = Text(required=True, validate=validate.Length(min=1, max=2000))
    lines = fields.List(
        fields.Nested(CreditLineSchema),
        validate=validate.Length(min=1, max=500),
        metadata={"description": "Lines and quantities to credit; the whole invoice if absent."},
    )
    reissue = StrictBoolean(
        load_default=False, metadata={"description": "Also create a corrected draft copy."}
    )
