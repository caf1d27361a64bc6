"""Admin settings, customers and catalog pages: saves, and bad input refused beside its field."""

from __future__ import annotations

import io
from datetime import date

from sqlalchemy import func, select

from app.catalog.models import CatalogItem
from app.company.services import get_company
from app.core.numbering import get_series
from app.customers.models import Customer

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_bank_details_valid_iban_saved_compact(as_role, session):
    response = as_role("admin").post(
        "/settings/bank",
        data={"bank_name": "AIB", "iban": "ie29 aibk 9311 5212 3456 78", "bic": "aibkie2d"},
    )
    assert response.status_code == 302
    assert get_company().iban == "IE29AIBK93115212345678"


def test_bank_details_bad_iban_refused_beside_field(as_role, session):
    before = get_company().iban
    response = as_role("admin").post(
        "/settings/bank", data={"bank_name": "AIB", "iban": "IE00 1234", "bic": ""}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="iban-error"' in html
    assert 'aria-invalid="true"' in html
    assert get_company().iban == before


def test_invoicing_settings_bad_terms_refused(as_role, session):
    response = as_role("admin").post(
        "/settings/invoicing",
        data={
            "default_vat_rate": "23",
            "default_payment_terms_days": "400",
            "currency": "EUR",
            "locale": "en_IE",
            "timezone": "Europe/Dublin",
        },
    )
    assert response.status_code == 422
    assert get_company().default_payment_terms_days == 14


def test_company_settings_save(as_role, session):
    response = as_role("admin").post(
        "/settings", data={"name": "Renamed Ltd", "country": "ie", "vat_id": "IE6388047V"}
    )
    assert response.status_code == 302
    assert get_company().name == "Renamed Ltd"
    assert get_company().country == "IE"


def test_time_policy_saved(as_role, session):
    response = as_role("admin").post(
        "/settings/time",
        data={
            "time_rounding_minutes": "30",
            "time_rounding_scope": "entry",
            "minimum_billable_minutes": "60",
        },
    )
    assert response.status_code == 302
    assert get_company().time_rounding_minutes == 30
    assert get_company().time_rounding_scope == "entry"


def test_brand_colour_too_light_refused(as_role, session):
    response = as_role("admin").post("/settings/branding", data={"brand_color": "#ffff00"})
    assert response.status_code == 422
    assert "Pick a darker colour" in response.get_data(as_text=True)


def test_logo_upload_png_saved_and_served(as_role, session, app, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path)
    client = as_role("admin")
    response = client.post(
        "/settings/branding",
        data={"brand_color": "#1f4e79", "logo": (io.BytesIO(PNG), "logo.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    served = client.get("/settings/logo")
    assert served.data == PNG
    served.close()


def test_logo_upload_not_an_image_refused(as_role, session):
    response = as_role("admin").post(
        "/settings/branding",
        data={"brand_color": "#1f4e79", "logo": (io.BytesIO(b"<svg onload=alert(1)>"), "logo.svg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert get_company().logo_path == ""


def test_numbering_prefix_change_shows_next_number(as_role, session):
    client = as_role("admin")
    data = {
        f"{code}-prefix": f"{code[:2].upper()}{{year}}/"
        for code in ("invoice", "credit_note", "proforma", "receipt")
    }
    data.update(
        {f"{code}-start": "1" for code in ("invoice", "credit_note", "proforma", "receipt")}
    )
    data["invoice-start"] = "100"
    assert client.post("/settings/numbering", data=data).status_code == 302
    assert get_series("invoice").start_number == 100
    assert "IN2026/100" in client.get("/settings/numbering").get_data(as_text=True)


def test_lock_date_needs_confirmation_then_sets(as_role, session):
    client = as_role("bookkeeper")
    confirm = client.post("/settings/lock-date", data={"lock_date": "2026-05-31"}).get_data(
        as_text=True
    )
    assert "Lock the books to 31 May 2026?" in confirm
    assert "cannot be undone" in confirm
    assert get_company().lock_date is None
    assert (
        client.post(
            "/settings/lock-date", data={"lock_date": "2026-05-31", "confirm": "1"}
        ).status_code
        == 302
    )
    assert get_company().lock_date == date(2026, 5, 31)


def test_lock_date_today_refused_beside_field(as_role, session):
    response = as_role("admin").post(
        "/settings/lock-date", data={"lock_date": "2026-06-14", "confirm": "1"}
    )
    assert response.status_code == 422
    assert 'id="lock_date-error"' in response.get_data(as_text=True)
    assert get_company().lock_date is None


def test_customer_bad_vat_refused_and_writes_nothing(as_role, session):
    before = session.scalar(select(func.count()).select_from(Customer))
    response = as_role("dispatcher").post(
        "/customers/new", data={"name": "Bad VAT Ltd", "vat_id": "IE123", "is_business": "1"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="vat_id-error"' in html
    assert 'value="Bad VAT Ltd"' in html
    assert session.scalar(select(func.count()).select_from(Customer)) == before


def test_customer_created_and_searchable(as_role, session):
    client = as_role("bookkeeper")
    response = client.post(
        "/customers/new",
        data={
            "name": "Harbour Cafe",
            "email": "ap@harbour.example",
            "street": "1 Quay",
            "city": "Cork",
            "country": "ie",
            "payment_terms_days": "30",
        },
    )
    assert response.status_code == 302
    assert "Harbour Cafe" in client.get("/customers?q=harbour").get_data(as_text=True)


def test_customer_list_empty_search_offers_next_step(as_role, session):
    html = as_role("admin").get("/customers?q=zzzz-nobody").get_data(as_text=True)
    assert "No customer matches" in html
    assert "Add customer" in html


def test_customer_unknown_is_404(as_role):
    assert as_role("admin").get("/customers/999999").status_code == 404


def test_catalog_item_bad_price_refused_and_writes_nothing(as_role, session):
    before = session.scalar(select(func.count()).select_from(CatalogItem))
    response = as_role("admin").post(
        "/catalog/new", data={"name": "Valve", "kind": "part", "price": "12.345", "vat_rate": "23"}
    )
    assert response.status_code == 422
    assert 'id="price-error"' in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(CatalogItem)) == before


def test_catalog_item_duplicate_sku_on_edit_refused(as_role, session, world):
    from tests.factories import CatalogItemFactory

    other = CatalogItemFactory()
    response = as_role("admin").post(
        f"/catalog/{other.id}",
        data={
            "name": other.name,
            "kind": "part",
            "sku": world.item.sku,
            "price": "1.00",
            "vat_rate": "23",
            "unit": "pcs",
        },
    )
    assert response.status_code == 422
    assert 'id="sku-error"' in response.get_data(as_text=True)
