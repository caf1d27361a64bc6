"""Access rows for the field pages (service orders, sites and contacts, catalog import), in
the format of access_table.py, and the objects their URLs need.

`field_url_values(users)` builds, once per test, an order assigned to users["technician"]
with a time entry and a part, a site and a contact of its customer, and returns the URL
values for them; photo_id names no photo (404 for every signed-in role).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

# fmt: off
# Columns: admin, bookkeeper, dispatcher, technician, anonymous.
FIELD_ACCESS: dict[str, dict[str, int]] = {
    "catalog_import.upload": {"admin": 200, "bookkeeper": 200, "dispatcher": 200, "technician": 403, "anonymous": 302},
    "service_orders.add_part": {"admin": 422, "bookkeeper": 403, "dispatcher": 422, "technician": 422, "anonymous": 302},
    "service_orders.add_photos": {"admin": 403, "bookkeeper": 403, "dispatcher": 403, "technician": 422, "anonymous": 302},
    "service_orders.add_time": {"admin": 403, "bookkeeper": 403, "dispatcher": 403, "technician": 422, "anonymous": 302},
    "service_orders.assign": {"admin": 200, "bookkeeper": 403, "dispatcher": 200, "technician": 403, "anonymous": 302},
    "service_orders.board": {"admin": 200, "bookkeeper": 200, "dispatcher": 200, "technician": 403, "anonymous": 302},
    "service_orders.cancel": {"admin": 200, "bookkeeper": 403, "dispatcher": 200, "technician": 403, "anonymous": 302},
    "service_orders.close": {"admin": 302, "bookkeeper": 403, "dispatcher": 302, "technician": 403, "anonymous": 302},
    "service_orders.correct_time": {"admin": 422, "bookkeeper": 403, "dispatcher": 422, "technician": 403, "anonymous": 302},
    "service_orders.delete_photo": {"admin": 403, "bookkeeper": 403, "dispatcher": 403, "technician": 404, "anonymous": 302},
    "service_orders.delete_time": {"admin": 302, "bookkeeper": 403, "dispatcher": 302, "technician": 302, "anonymous": 302},
    "service_orders.edit": {"admin": 200, "bookkeeper": 403, "dispatcher": 200, "technician": 403, "anonymous": 302},
    "service_orders.finish": {"admin": 403, "bookkeeper": 403, "dispatcher": 403, "technician": 422, "anonymous": 302},
    "service_orders.go": {"admin": 403, "bookkeeper": 403, "dispatcher": 403, "technician": 302, "anonymous": 302},
    "service_orders.move": {"admin": 302, "bookkeeper": 403, "dispatcher": 302, "technician": 403, "anonymous": 302},
    "service_orders.my_orders": {"admin": 403, "bookkeeper": 403, "dispatcher": 403, "technician": 200, "anonymous": 302},
    "service_orders.new": {"admin": 200, "bookkeeper": 403, "dispatcher": 200, "technician": 403, "anonymous": 302},
    "service_orders.part_search": {"admin": 200, "bookkeeper": 403, "dispatcher": 200, "technician": 200, "anonymous": 302},
    "service_orders.photo": {"admin": 404, "bookkeeper": 404, "dispatcher": 404, "technician": 404, "anonymous": 302},
    "service_orders.price_part": {"admin": 422, "bookkeeper": 403, "dispatcher": 422, "technician": 403, "anonymous": 302},
    "service_orders.queue": {"admin": 200, "bookkeeper": 200, "dispatcher": 200, "technician": 403, "anonymous": 302},
    "service_orders.remove_part": {"admin": 404, "bookkeeper": 403, "dispatcher": 404, "technician": 404, "anonymous": 302},
    "service_orders.reopen": {"admin": 302, "bookkeeper": 403, "dispatcher": 302, "technician": 403, "anonymous": 302},
    "service_orders.save_report": {"admin": 403, "bookkeeper": 403, "dispatcher": 403, "technician": 302, "anonymous": 302},
    "service_orders.schedule_page": {"admin": 200, "bookkeeper": 200, "dispatcher": 200, "technician": 403, "anonymous": 302},
    "service_orders.send_back": {"admin": 422, "bookkeeper": 403, "dispatcher": 422, "technician": 403, "anonymous": 302},
    "service_orders.show": {"admin": 200, "bookkeeper": 200, "dispatcher": 200, "technician": 200, "anonymous": 302},
    "service_orders.sign": {"admin": 403, "bookkeeper": 403, "dispatcher": 403, "technician": 422, "anonymous": 302},
    "service_orders.signature": {"admin": 404, "bookkeeper": 404, "dispatcher": 404, "technician": 404, "anonymous": 302},
    "service_orders.step_part": {"admin": 404, "bookkeeper": 403, "dispatcher": 404, "technician": 404, "anonymous": 302},
    "service_orders.timer_start": {"admin": 403, "bookkeeper": 403, "dispatcher": 403, "technician": 302, "anonymous": 302},
    "service_orders.timer_stop": {"admin": 403, "bookkeeper": 403, "dispatcher": 403, "technician": 302, "anonymous": 302},
    "sites.edit_contact": {"admin": 200, "bookkeeper": 403, "dispatcher": 200, "technician": 403, "anonymous": 302},
    "sites.edit_site": {"admin": 200, "bookkeeper": 403, "dispatcher": 200, "technician": 403, "anonymous": 302},
    "sites.index": {"admin": 200, "bookkeeper": 200, "dispatcher": 200, "technician": 403, "anonymous": 302},
    "sites.new_contact": {"admin": 200, "bookkeeper": 403, "dispatcher": 200, "technician": 403, "anonymous": 302},
    "sites.new_site": {"admin": 200, "bookkeeper": 403, "dispatcher": 200, "technician": 403, "anonymous": 302},
}
# fmt: on

START = datetime(2026, 6, 14, 11, 0, tzinfo=UTC)


def field_url_values(users: dict[str, Any]) -> dict[str, Any]:
    cached = users.get("_field_url_values")
    if cached is None:
        cached = users["_field_url_values"] = _build(users)
    return dict(cached)


def _build(users: dict[str, Any]) -> dict[str, Any]:
    from app.customers.sites import add_contact, add_site
    from app.service_orders import parts, services, timesheets
    from tests.factories import CatalogItemFactory, CustomerFactory

    office, tech = users["dispatcher"], users["technician"]
    customer = CustomerFactory(name="Field Access Ltd")
    site = add_site(office, customer.id, name="Plant room", city="Cork", country="IE")
    contact = add_contact(office, customer.id, name="Site Manager", phone="+353 1 555 0100")
    item = CatalogItemFactory(name="Access valve")
    order = services.create_order(
        office, customer_id=customer.id, site_id=site.id, description="Access check"
    )
    services.schedule_order(
        office,
        order.id,
        start=START,
        end=START + timedelta(hours=2),
        technician_ids=[tech.id],
    )
    entry = timesheets.log_time(tech, order.id, minutes=45)
    usage = parts.add_part(tech, order.id, catalog_item_id=item.id, quantity="1")
    return {
        "order_id": order.id,
        "time_entry_id": entry.id,
        "usage_id": usage.id,
        "photo_id": 999_999,
        "site_id": site.id,
        "contact_id": contact.id,
        "customer_id": customer.id,
    }
