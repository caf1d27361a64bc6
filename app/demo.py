"""Demo data: a believable small field-service company with invoices in every status."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from app.accounting import credit_notes
from app.accounting import services as ledger
from app.accounting.chart import seed_chart
from app.auth.models import User
from app.auth.services import create_user
from app.catalog.services import create_item
from app.company.models import Company
from app.company.services import company_today
from app.core.db import use_case
from app.core.numbering import SERIES_CODES, get_series
from app.customers.services import create_customer
from app.extensions import db
from app.invoicing import services as invoicing
from app.invoicing.services import mark_sent, mark_viewed
from app.service_orders.demo import load_service_orders_demo

DEMO_PASSWORD = "fieldpost-demo"
DEMO_USERS = (
    ("admin@fieldpost.test", "admin", "Ada Admin"),
    ("dispatch@fieldpost.test", "dispatcher", "Dana Dispatch"),
    ("tech@fieldpost.test", "technician", "Theo Technician"),
    ("tech2@fieldpost.test", "technician", "Tara Technician"),
    ("books@fieldpost.test", "bookkeeper", "Bea Bookkeeper"),
)
CUSTOMERS = (
    dict(
        name="Acme Facilities Ltd",
        email="accounts@acme.example",
        vat_id="IE6388047V",
        street="12 Harbour Road",
        city="Dublin",
        postal_code="D02 X285",
        country="IE",
    ),
    dict(
        name="Brightside Hotels GmbH",
        email="ap@brightside.example",
        vat_id="DE136695976",
        street="Bahnhofstraße 4",
        city="Köln",
        postal_code="50667",
        country="DE",
        payment_terms_days=30,
    ),
    dict(
        name="Corrib Dental Clinic",
        email="office@corrib.example",
        vat_id="IE8256796U",
        street="3 Quay Street",
        city="Galway",
        postal_code="H91 K2R3",
        country="IE",
    ),
    dict(
        name="Dunmore Bakery",
        email="hello@dunmore.example",
        is_business=False,
        street="Main Street 7",
        city="Kilkenny",
        postal_code="R95 T6Y2",
        country="IE",
        payment_terms_days=7,
    ),
    dict(
        name="Eastgate Property Management",
        email="finance@eastgate.example",
        vat_id="IE9700053D",
        street="Unit 5, Eastgate Park",
        city="Cork",
        postal_code="T45 YX22",
        country="IE",
    ),
)
CATALOG = (
    dict(
        sku="LAB-STD",
        name="Technician labour",
        kind="labour",
        rate_kind="normal",
        unit="h",
        price="68.00",
        vat_rate="13.50",
    ),
    dict(
        sku="LAB-OT",
        name="Technician labour, overtime",
        kind="labour",
        rate_kind="overtime",
        unit="h",
        price="95.00",
        vat_rate="13.50",
    ),
    dict(
        sku="LAB-TRV",
        name="Travel time",
        kind="labour",
        rate_kind="travel",
        unit="h",
        price="45.00",
        vat_rate="13.50",
    ),
    dict(
        sku="FEE-CALL", name="Call-out fee", kind="fee", unit="pcs", price="55.00", vat_rate="13.50"
    ),
    dict(
        sku="P-VALVE-22",
        name="Thermostatic radiator valve 22 mm",
        kind="part",
        unit="pcs",
        price="24.90",
        vat_rate="23.00",
        group="Heating",
    ),
    dict(
        sku="P-PUMP-A2",
        name="Circulation pump A2 25-60",
        kind="part",
        unit="pcs",
        price="189.00",
        vat_rate="23.00",
        group="Heating",
    ),
    dict(
        sku="P-FILTER-G4",
        name="Air filter G4 592x592",
        kind="part",
        unit="pcs",
        price="12.40",
        vat_rate="23.00",
        group="Ventilation",
    ),
    dict(
        sku="P-PIPE-CU15",
        name="Copper pipe 15 mm",
        kind="part",
        unit="m",
        price="8.75",
        vat_rate="23.00",
        group="Plumbing",
    ),
    dict(
        sku="P-SEAL-KIT",
        name="Seal kit, assorted",
        kind="part",
        unit="pcs",
        price="6.20",
        vat_rate="23.00",
        group="Plumbing",
    ),
    dict(
        sku="SRV-ANNUAL",
        name="Annual boiler service",
        kind="service",
        unit="pcs",
        price="149.00",
        vat_rate="13.50",
    ),
)


def _line(item: dict[str, str], quantity: str, kind: str | None = None) -> dict[str, object]:
    kinds = {"labour": "labour", "part": "parts"}
    return {
        "description": item["name"],
        "quantity": quantity,
        "unit": item["unit"],
        "unit_price": item["price"],
        "vat_rate": item["vat_rate"],
        "kind": kind or kinds.get(item["kind"], "other"),
    }


def _setup_company() -> None:
    db.session.add(
        Company(
            name="Fieldpost Demo Services Ltd",
            street="4 Grand Canal Quay",
            city="Dublin",
            postal_code="D02 FX65",
            country="IE",
            email="billing@fieldpost.test",
            phone="+353 1 555 0100",
            vat_id="IE6388047V",
            iban="IE29AIBK93115212345678",
            bic="AIBKIE2D",
            bank_name="AIB",
            currency="EUR",
            locale="en_IE",
            timezone="Europe/Dublin",
            default_payment_terms_days=14,
            vat_registered=True,
            default_vat_rate=Decimal("23.00"),
            terms_url="https://fieldpost.test/terms",
        )
    )
    seed_chart()
    for code in SERIES_CODES:
        get_series(code)


@use_case
def load_demo(progress: Callable[[str], None] = print) -> list[tuple[str, str, str]] | None:
    """Load everything once; returns the logins, or None when demo data is present."""
    if db.session.scalar(select(Company.id)) is not None:
        return None
    progress("Setting up the company and chart of accounts...")
    _setup_company()
    progress("Creating users...")
    for email, role, name in DEMO_USERS:
        create_user(None, email=email, role=role, password=DEMO_PASSWORD, name=name)
    admin = db.session.scalar(select(User).where(User.role == "admin"))
    progress("Creating customers and catalog...")
    customers = [create_customer(admin, **values) for values in CUSTOMERS]
    for values in CATALOG:
        create_item(admin, **values)
    progress("Creating invoices in every status...")
    _demo_invoices(admin, [c.id for c in customers])
    for hook in EXTRA_LOADERS:
        hook(admin, progress)
    return [(email, role, DEMO_PASSWORD) for email, role, _ in DEMO_USERS]


# Other modules (service orders) add their demo data here.
EXTRA_LOADERS: list[Callable[[User, Callable[[str], None]], None]] = []
EXTRA_LOADERS.append(
    lambda actor, progress: load_service_orders_demo(actor, progress, ledger.post_invoice)
)


def _demo_invoices(actor: User, customer_ids: list[int]) -> None:
    today = company_today()
    items = {item["sku"]: item for item in CATALOG}
    labour, pump, valve, callout = (
        items["LAB-STD"],
        items["P-PUMP-A2"],
        items["P-VALVE-22"],
        items["FEE-CALL"],
    )

    def invoice(customer: int, days_ago: int, lines: list[dict[str, object]]) -> int:
        draft = invoicing.create_draft(
            actor,
            customer_id=customer_ids[customer],
            lines=lines,
            invoice_date=today - timedelta(days=days_ago),
        )
        return draft.id

    def posted(customer: int, days_ago: int, lines: list[dict[str, object]]) -> int:
        return ledger.post_invoice(actor, invoice(customer, days_ago, lines)).id

    # Draft
    invoice(0, 0, [_line(labour, "2.5"), _line(valve, "2")])
    # Posted, not sent
    posted(2, 1, [_line(items["SRV-ANNUAL"], "1")])
    # Sent
    sent = posted(1, 3, [_line(labour, "4"), _line(pump, "1"), _line(callout, "1")])
    mark_sent(actor, sent)
    # Viewed
    viewed = posted(4, 5, [_line(labour, "1.75"), _line(items["P-FILTER-G4"], "6")])
    mark_sent(actor, viewed)
    mark_viewed(viewed)
    # Partially paid
    partial = posted(0, 8, [_line(labour, "6"), _line(items["P-PIPE-CU15"], "12.5")])
    mark_sent(actor, partial)
    ledger.register_payment(
        actor,
        partial,
        amount="200.00",
        date=today - timedelta(days=2),
        method="bank_transfer",
        reference="ACME-REMIT-0412",
    )
    # Paid in cash (numbered receipt)
    paid = posted(3, 10, [_line(labour, "1"), _line(items["P-SEAL-KIT"], "3")])
    inv = invoicing.get_invoice(paid)
    ledger.register_payment(
        actor, paid, amount=str(inv.gross_total), date=today - timedelta(days=9), method="cash"
    )
    # Overdue
    overdue = posted(2, 40, [_line(labour, "3"), _line(pump, "1")])
    mark_sent(actor, overdue)
    # Cancelled: credited in full
    cancelled = posted(4, 20, [_line(callout, "1"), _line(labour, "0.5")])
    credit_notes.cancel_invoice(actor, cancelled, reason="Visit cancelled by the customer")
    # Partly credited: one valve returned
    credited = posted(0, 15, [_line(labour, "2"), _line(valve, "4")])
    note_line = invoicing.get_invoice(credited).lines[1]
    credit_notes.issue_credit_note(
        actor,
        credited,
        reason="One valve returned unused",
        lines=[{"line_id": note_line.id, "quantity": "1"}],
    )
