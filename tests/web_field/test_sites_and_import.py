"""Sites and contacts pages, the catalog CSV import page, and CSRF on the field forms."""

from __future__ import annotations

import io
import re

from app.catalog.models import CatalogItem
from app.customers.models import Contact, Site
from app.service_orders.models import TimeEntry
from tests.factories import TEST_PASSWORD
from tests.web.conftest import FreshClient
from tests.web_field.conftest import count

GOOD_CSV = (
    "sku;name;type;unit;group;currency;vat rate;price\n"
    "FLT-1;Boiler filter;product;pcs;Filters;EUR;23;12,50\n"
)
BAD_CSV = (
    "sku;name;type;unit;group;currency;vat rate;price\n"
    "FLT-1;Boiler filter;product;pcs;Filters;EUR;23;12,50\n"
    "FLT-2;Bad filter;gadget;pcs;Filters;EUR;23;abc\n"
)


def test_sites_page_lists_sites_and_contacts(login, fw):
    html = login("dispatcher").get(f"/customers/{fw.customer.id}/sites").get_data(as_text=True)
    assert "Head office" in html
    assert "Key at reception" in html
    assert "Cora Contact" in html


def test_add_site_without_name_writes_nothing(login, fw, session):
    before = count(session, Site)
    response = login("dispatcher").post(
        f"/customers/{fw.customer.id}/sites/new", data={"name": "", "city": "Cork"}
    )
    assert response.status_code == 422
    assert "Name the site" in response.get_data(as_text=True)
    assert count(session, Site) == before


def test_add_site_stores_access_notes(login, fw, session):
    response = login("dispatcher").post(
        f"/customers/{fw.customer.id}/sites/new",
        data={"name": "Warehouse", "country": "ie", "access_notes": "Gate code 1234"},
    )
    assert response.status_code == 302
    site = session.query(Site).filter_by(name="Warehouse").one()
    assert (site.country, site.access_notes) == ("IE", "Gate code 1234")


def test_edit_site_of_another_customer_returns_404(login, fw):
    url = f"/customers/{fw.other_customer.id}/sites/{fw.site.id}/edit"
    assert login("dispatcher").get(url).status_code == 404


def test_edit_contact_with_bad_email_writes_nothing(login, fw, session):
    response = login("dispatcher").post(
        f"/customers/{fw.customer.id}/contacts/{fw.contact.id}/edit",
        data={"name": "Cora Contact", "email": "not-an-address", "active": "1"},
    )
    assert response.status_code == 422
    assert session.get(Contact, fw.contact.id).email == ""


def _upload_csv(client, text: str, filename: str = "items.csv"):  # type: ignore[no-untyped-def]
    """The catalog import page's file upload, as the browser sends it."""
    return client.post(
        "/catalog/import",
        data={"file": (io.BytesIO(text.encode()), filename)},
        content_type="multipart/form-data",
    )


def test_catalog_import_preview_names_each_bad_row_and_writes_nothing(login, fw, session):
    before = count(session, CatalogItem)
    response = _upload_csv(login("dispatcher"), BAD_CSV)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "row 3, type: Enter product or service." in html
    assert "row 3, price" in html
    assert "nothing was imported" in html
    assert count(session, CatalogItem) == before


def test_catalog_import_preview_then_confirm_creates_items(login, fw, session):
    client = login("dispatcher")
    preview = _upload_csv(client, GOOD_CSV)
    html = preview.get_data(as_text=True)
    assert "Preview: 1 new, 0 updated" in html
    assert count(session, CatalogItem) == 3
    text = re.search(r'<textarea name="csv_text"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    response = client.post("/catalog/import", data={"confirm": "1", "csv_text": text})
    assert response.status_code == 302
    assert session.query(CatalogItem).filter_by(sku="FLT-1").one().name == "Boiler filter"


def test_catalog_import_without_file_asks_for_one(login, fw):
    response = login("dispatcher").post("/catalog/import", data={})
    assert response.status_code == 422
    assert "Choose a CSV file to import." in response.get_data(as_text=True)


def _csrf_client(csrf_app, user):  # type: ignore[no-untyped-def]
    client = FreshClient(csrf_app, csrf_app.response_class, use_cookies=True)
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    client.post(
        "/login", data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": token}
    )
    return client


def test_timer_start_without_csrf_token_is_refused(csrf_app, session, fw):
    order = fw.scheduled()
    client = _csrf_client(csrf_app, fw.tech)
    response = client.post(f"/orders/{order.id}/timer/start", data={})
    assert response.status_code == 400
    assert count(session, TimeEntry) == 0


def test_new_site_without_csrf_token_is_refused(csrf_app, session, fw):
    before = count(session, Site)
    client = _csrf_client(csrf_app, fw.dispatcher)
    response = client.post(f"/customers/{fw.customer.id}/sites/new", data={"name": "Sneaky"})
    assert response.status_code == 400
    assert count(session, Site) == before


def test_timer_start_with_csrf_token_starts(csrf_app, session, fw):
    order = fw.scheduled()
    client = _csrf_client(csrf_app, fw.tech)
    html = client.get(f"/orders/{order.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    response = client.post(f"/orders/{order.id}/timer/start", data={"csrf_token": token})
    assert response.status_code == 302
    assert count(session, TimeEntry) == 1


def test_catalog_import_preview_names_a_cell_with_a_nul_character(login, fw, session):
    before = count(session, CatalogItem)
    text = "name,type,unit,group,VAT rate,price\nWid\x00get,product,pcs,,23,10.00\n"
    response = _upload_csv(login("dispatcher"), text)
    assert response.status_code == 422
    assert "row 2, name: Remove the NUL character" in response.get_data(as_text=True)
    assert count(session, CatalogItem) == before


def test_an_upload_whose_file_name_holds_a_nul_is_refused_naming_the_field(login, fw, session):
    before = count(session, CatalogItem)
    response = _upload_csv(login("dispatcher"), GOOD_CSV, "items\x00.csv")
    assert response.status_code == 400
    assert "“file” contains a NUL character" in response.get_data(as_text=True)
    assert count(session, CatalogItem) == before


def test_saving_an_item_on_its_page_prices_it_in_the_books_currency(login, fw, session):
    from sqlalchemy import text as sql

    item = fw.labour
    session.execute(
        sql("UPDATE catalog_items SET currency = 'SEK' WHERE id = :id"), {"id": item.id}
    )
    session.expire_all()
    client = login("dispatcher")
    page = client.get(f"/catalog/{item.id}").get_data(as_text=True)
    assert "Stored in SEK until now: saving stores it in EUR" in page
    form = {
        "name": item.name,
        "kind": item.kind,
        "rate_kind": item.rate_kind or "",
        "unit": item.unit,
        "price": "70.00",
        "vat_rate": "13.5",
        "active": "1",
    }
    assert client.post(f"/catalog/{item.id}", data=form).status_code == 302
    session.expire_all()
    assert (
        session.get(CatalogItem, item.id).currency,
        str(session.get(CatalogItem, item.id).price),
    ) == ("EUR", "70.00")
