"""The draft editor: create, edit, live totals, delete, copy; bad input writes nothing."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from app.invoicing.models import Invoice


def _count(session):
    return session.scalar(select(func.count()).select_from(Invoice))


def _form(customer_id, *lines, **header):
    data = {"customer_id": str(customer_id), "invoice_date": "2026-06-14", **header}
    for i, (desc, qty, price, vat, kind) in enumerate(lines):
        data.update(
            {
                f"lines-{i}-description": desc,
                f"lines-{i}-quantity": qty,
                f"lines-{i}-unit_price": price,
                f"lines-{i}-vat_rate": vat,
                f"lines-{i}-kind": kind,
                f"lines-{i}-unit": "h",
            }
        )
    return data


def test_create_draft_with_two_lines_saves_totals(as_role, world, session):
    response = as_role("dispatcher").post(
        "/invoices/new",
        data=_form(
            world.customer.id,
            ("Labour", "1,5", "80", "23", "labour"),
            ("Valve", "2", "12.50", "", "parts"),
        ),
    )
    assert response.status_code == 302
    invoice = session.scalars(select(Invoice).order_by(Invoice.id.desc())).first()
    assert invoice.state == "draft"
    assert len(invoice.lines) == 2
    assert invoice.net_total == Decimal("145.00")
    assert invoice.gross_total == Decimal("178.35")  # 23 % VAT on 145.00; empty VAT = company rate
    assert invoice.due_date.isoformat() == "2026-06-28"  # 14 days' company terms


def test_create_draft_bad_quantity_shows_error_on_that_line_and_writes_nothing(
    as_role, world, session
):
    before = _count(session)
    response = as_role("bookkeeper").post(
        "/invoices/new",
        data=_form(
            world.customer.id,
            ("Labour", "1", "80", "23", "labour"),
            ("Valve", "lots", "12.50", "23", "parts"),
        ),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="lines-1-quantity-error"' in html
    assert "Quantity is not a number." in html
    assert 'href="#lines-1-quantity"' in html  # the summary links to the field
    assert 'value="lots"' in html  # the typed value is kept
    assert _count(session) == before


def test_create_draft_without_customer_refused_beside_customer(as_role, world, session):
    before = _count(session)
    data = _form("", ("Labour", "1", "80", "23", "labour"))
    response = as_role("bookkeeper").post("/invoices/new", data=data)
    assert response.status_code == 422
    assert 'id="customer_id-error"' in response.get_data(as_text=True)
    assert _count(session) == before


def test_create_draft_typed_exact_customer_name_without_javascript(as_role, world, session):
    data = _form("", ("Labour", "1", "80", "23", "labour"))
    data["customer_q"] = world.customer.name.upper()
    assert as_role("dispatcher").post("/invoices/new", data=data).status_code == 302
    invoice = session.scalars(select(Invoice).order_by(Invoice.id.desc())).first()
    assert invoice.customer_id == world.customer.id


def test_live_totals_use_posting_rounding_and_write_nothing(as_role, world, session):
    before = _count(session)
    data = _form(
        world.customer.id, ("A", "3", "0.35", "23", "other"), ("B", "1", "10", "13.5", "labour")
    )
    response = as_role("bookkeeper").post("/invoices/totals", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "€11.05" in html  # net 1.05 + 10.00
    assert "€12.64" in html  # 0.24 + 1.35 VAT
    assert 'id="line-net-0" hx-swap-oob="true">1.05' in html
    assert _count(session) == before


def test_edit_draft_replaces_lines(as_role, world, session):
    data = _form(world.customer.id, ("Only line", "4", "25", "23", "other"))
    response = as_role("bookkeeper").post(f"/invoices/{world.draft.id}/edit", data=data)
    assert response.status_code == 302
    assert [line.description for line in world.draft.lines] == ["Only line"]
    assert world.draft.gross_total == Decimal("123.00")


def test_edit_posted_invoice_is_out_of_reach(as_role, world):
    assert as_role("bookkeeper").get(f"/invoices/{world.posted.id}/edit").status_code == 404


def test_edit_unknown_invoice_is_404(as_role):
    assert as_role("dispatcher").get("/invoices/999999/edit").status_code == 404


def test_delete_draft_after_confirmation_removes_it(as_role, world, session):
    client = as_role("dispatcher")
    page = client.get(f"/invoices/{world.draft.id}/delete").get_data(as_text=True)
    assert "This cannot be undone" in page
    assert "autofocus" in page
    draft_id = world.draft.id
    assert client.post(f"/invoices/{draft_id}/delete").status_code == 302
    assert session.get(Invoice, draft_id) is None


def test_copy_posted_invoice_makes_new_draft(as_role, world, session):
    before = _count(session)
    response = as_role("bookkeeper").post(f"/invoices/{world.posted.id}/copy")
    assert response.status_code == 302
    assert _count(session) == before + 1


def test_drafts_list_shows_only_drafts(as_role, world):
    html = as_role("dispatcher").get("/drafts").get_data(as_text=True)
    assert f"/invoices/{world.draft.id}/edit" in html
    assert world.posted.number not in html


def test_customer_lookup_lists_matching_options(as_role, world):
    html = (
        as_role("dispatcher")
        .get(f"/customers/lookup?customer_q={world.customer.name[:6]}")
        .get_data(as_text=True)
    )
    assert 'role="option"' in html
    assert world.customer.name in html


def test_catalog_lookup_carries_item_price_for_quick_add(as_role, world):
    html = (
        as_role("bookkeeper")
        .get(f"/catalog/lookup?catalog_q={world.item.sku}")
        .get_data(as_text=True)
    )
    assert f'data-unitprice="{world.item.price}"' in html
    assert 'data-kind="parts"' in html
