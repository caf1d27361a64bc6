"""Demo service work: sites and contacts, and orders in every state with time and parts.

Called by `flask demo load` through app/demo.py's EXTRA_LOADERS; posting an invoice is
accounting's business, so the caller passes its post function in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.auth.models import User
from app.catalog.models import CatalogItem
from app.company.services import get_company
from app.core import clock
from app.customers.models import Customer
from app.customers.sites import add_contact, add_site
from app.extensions import db
from app.service_orders import invoicing, parts, services, signoff, timesheets

SITES = {
    "Acme Facilities Ltd": [
        dict(
            name="Harbour Road offices",
            street="12 Harbour Road",
            city="Dublin",
            postal_code="D02 X285",
            country="IE",
            access_notes="Plant room on the roof; key from the security desk, ground floor.",
        ),
        dict(
            name="Warehouse Ringsend",
            street="Unit 7, Pigeon House Road",
            city="Dublin",
            postal_code="D04 E2N1",
            country="IE",
            access_notes="Gate code 4711. Hi-vis required beyond the yellow line.",
        ),
    ],
    "Brightside Hotels GmbH": [
        dict(
            name="Hotel Köln Dom",
            street="Bahnhofstraße 4",
            city="Köln",
            postal_code="50667",
            country="DE",
            access_notes="Report to the duty manager; boiler room in basement B2.",
        ),
    ],
    "Corrib Dental Clinic": [
        dict(
            name="Quay Street clinic",
            street="3 Quay Street",
            city="Galway",
            postal_code="H91 K2R3",
            country="IE",
            access_notes="Surgery hours 9 to 17; work in treatment rooms only at lunch.",
        ),
    ],
    "Dunmore Bakery": [
        dict(
            name="Bakery and shop",
            street="Main Street 7",
            city="Kilkenny",
            postal_code="R95 T6Y2",
            country="IE",
            access_notes="Ovens run from 4 am; enter through the yard at the back.",
        ),
    ],
}
CONTACTS = {
    "Acme Facilities Ltd": ("Mary Byrne", "+353 87 555 0101", "mary.byrne@acme.example"),
    "Brightside Hotels GmbH": ("Jonas Weber", "+49 221 555 0199", "technik@brightside.example"),
    "Corrib Dental Clinic": ("Dr Aoife Walsh", "+353 91 555 0120", "office@corrib.example"),
    "Dunmore Bakery": ("Pat Dunmore", "+353 56 555 0142", "hello@dunmore.example"),
}
# A 1x1 transparent PNG stands in for a signature drawn on the pad.
SIGNATURE_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def load_service_orders_demo(
    actor: User, progress: Callable[[str], None], post: Callable[[Any, int], Any]
) -> None:
    progress("Creating sites, contacts and service orders in every state...")
    users = {u.email: u for u in db.session.scalars(select(User))}
    office = users["dispatch@fieldpost.test"]
    customers = {c.name: c for c in db.session.scalars(select(Customer))}
    sites = {
        name: [add_site(office, customers[name].id, **values) for values in site_list]
        for name, site_list in SITES.items()
    }
    contacts = {
        name: add_contact(
            office, customers[name].id, name=n, phone=p, email=e, site_id=sites[name][0].id
        )
        for name, (n, p, e) in CONTACTS.items()
    }
    skus = {i.sku: i for i in db.session.scalars(select(CatalogItem))}
    _Demo(users, customers, sites, contacts, skus).build(post)


class _Demo:
    def __init__(
        self,
        users: dict[str, User],
        customers: dict[str, Customer],
        sites: dict[str, list[Any]],
        contacts: dict[str, Any],
        skus: dict[str, CatalogItem],
    ) -> None:
        self.office = users["dispatch@fieldpost.test"]
        self.tech, self.tech2 = users["tech@fieldpost.test"], users["tech2@fieldpost.test"]
        self.books = users["books@fieldpost.test"]
        self.customers, self.sites, self.contacts, self.skus = customers, sites, contacts, skus
        self.zone = ZoneInfo(get_company().timezone)
        self.today = clock.now_utc().astimezone(self.zone).date()

    def at(self, days: int, hour: int, minute: int = 0) -> datetime:
        day = self.today + timedelta(days=days)
        return datetime.combine(day, time(hour, minute), self.zone)

    def order(
        self,
        customer: str,
        description: str,
        *,
        site: int = 0,
        fee: bool = True,
        priority: str = "normal",
    ) -> Any:
        return services.create_order(
            self.office,
            customer_id=self.customers[customer].id,
            site_id=self.sites[customer][site].id,
            contact_id=self.contacts[customer].id,
            description=description,
            priority=priority,
            call_out_item_id=self.skus["FEE-CALL"].id if fee else None,
        )

    def schedule(self, order: Any, days: int, hour: int, *techs: User) -> Any:
        return services.schedule_order(
            self.office,
            order.id,
            start=self.at(days, hour),
            end=self.at(days, hour + 2),
            technician_ids=[t.id for t in techs],
        )

    def work(
        self, order: Any, tech: User, days: int, hour: int, minutes: int, rate: str = "normal"
    ) -> None:
        start = self.at(days, hour)
        timesheets.log_time(
            self.office,
            order.id,
            technician_id=tech.id,
            started_at=start,
            ended_at=start + timedelta(minutes=minutes),
            rate_kind=rate,
        )

    def part(self, order: Any, sku: str, quantity: str) -> Any:
        return parts.add_part(
            self.office, order.id, catalog_item_id=self.skus[sku].id, quantity=quantity
        )

    def finished(
        self,
        customer: str,
        description: str,
        days: int,
        tech: User,
        minutes: int,
        used: tuple[tuple[str, str], ...] = (),
    ) -> Any:
        order = self.order(customer, description)
        self.schedule(order, days, 8, tech)
        services.start_order(self.office, order.id)
        self.work(order, tech, days, 8, 25, "travel")
        self.work(order, tech, days, 9, minutes)
        for sku, quantity in used:
            self.part(order, sku, quantity)
        signoff.update_report(self.office, order.id, f"{description}: done and tested.")
        signoff.sign_order(
            self.office, order.id, SIGNATURE_PNG, signer_name=self.contacts[customer].name
        )
        return services.complete_order(self.office, order.id)

    def build(self, post: Callable[[Any, int], Any]) -> None:
        # New, not yet planned.
        self.order(
            "Acme Facilities Ltd",
            "Annual inspection of the sprinkler pumps",
            site=1,
            priority="low",
        )
        # Scheduled: today for Theo, tomorrow for Tara.
        self.schedule(
            self.order("Corrib Dental Clinic", "Compressor noisy in room 2"), 0, 14, self.tech
        )
        self.schedule(
            self.order("Dunmore Bakery", "Proofing cabinet not heating", priority="urgent"),
            1,
            7,
            self.tech2,
        )
        # In progress: Theo logged the trip and has a timer running on site.
        busy = self.order("Acme Facilities Ltd", "Radiators cold on the third floor")
        self.schedule(busy, 0, 8, self.tech, self.tech2)
        services.start_order(self.office, busy.id)
        self.work(busy, self.tech, -1, 15, 30, "travel")
        self.part(busy, "P-VALVE-22", "2")
        timesheets.start_timer(self.tech, busy.id)
        # Done and waiting in the queue: two for Acme (combine them), one for Brightside.
        self.finished(
            "Acme Facilities Ltd",
            "Replace circulation pump",
            -3,
            self.tech,
            95,
            (("P-PUMP-A2", "1"), ("P-SEAL-KIT", "2")),
        )
        self.finished(
            "Acme Facilities Ltd",
            "Bleed radiators, replace valves",
            -2,
            self.tech2,
            50,
            (("P-VALVE-22", "4"),),
        )
        self.finished(
            "Brightside Hotels GmbH",
            "Kitchen extract filters",
            -2,
            self.tech,
            40,
            (("P-FILTER-G4", "6"),),
        )
        # Done with a draft invoice waiting for the bookkeeper.
        drafted = self.finished(
            "Corrib Dental Clinic",
            "Leak under the sterilisation sink",
            -4,
            self.tech2,
            35,
            (("P-PIPE-CU15", "1.5"),),
        )
        invoicing.invoice_order(self.office, drafted.id)
        # Invoiced: a posted invoice.
        billed = self.finished(
            "Dunmore Bakery", "Oven door seal replaced", -6, self.tech, 70, (("P-SEAL-KIT", "1"),)
        )
        post(self.books, invoicing.invoice_order(self.office, billed.id).id)
        # Cancelled by the customer.
        called_off = self.order("Corrib Dental Clinic", "Check the air conditioning")
        self.schedule(called_off, 2, 10, self.tech)
        services.cancel_order(self.office, called_off.id, "Customer fixed it themselves.")
