"""Invoice list (chips, filters, sort, footer, pages, bulk), CSV exports, reports, dashboard."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from app.accounting.services import post_invoice
from app.core.http import csv_cell
from app.invoicing.services import create_draft
from tests.factories import CustomerFactory, line


def test_invoice_list_chips_count_each_status(as_role, world):
    html = as_role("bookkeeper").get("/invoices").get_data(as_text=True)
    assert 'Draft <span class="count">1</span>' in html
    assert 'Partially paid <span class="count">1</span>' in html
    assert 'All <span class="count">2</span>' in html


def test_invoice_list_footer_sums_filtered_set(as_role, world):
    html = as_role("bookkeeper").get("/invoices?status=unpaid").get_data(as_text=True)
    assert "Total of 1 matching" in html
    assert '<td class="num">159.90</td>\n      <td class="num">139.90</td>' in html


def test_invoice_list_search_by_number(as_role, world):
    html = as_role("bookkeeper").get("/invoices?q=INV-2026-001").get_data(as_text=True)
    assert "Total of 1 matching" in html


def test_invoice_list_no_match_offers_clear_filters(as_role, world):
    html = as_role("bookkeeper").get("/invoices?q=nothing-like-this").get_data(as_text=True)
    assert "No invoices match" in html
    assert "Clear filters" in html


def test_invoice_list_bad_date_filter_shows_error_not_500(as_role, world):
    response = as_role("bookkeeper").get("/invoices?date_from=31/12/2026")
    assert response.status_code == 200
    assert 'id="date_from-error"' in response.get_data(as_text=True)


def test_invoice_list_sorted_header_has_aria_sort(as_role, world):
    html = as_role("bookkeeper").get("/invoices?sort=total").get_data(as_text=True)
    assert 'aria-sort="ascending"' in html


def test_invoice_list_paginates(as_role, world, users):
    for _ in range(3):
        create_draft(users["bookkeeper"], customer_id=world.customer.id, lines=[line()])
    html = as_role("bookkeeper").get("/invoices?per_page=2&page=2").get_data(as_text=True)
    assert "Showing 3\u20134 of 5" in html
    assert 'aria-current="page">2<' in html


def test_invoice_list_has_keyboard_hooks(as_role, world):
    html = as_role("bookkeeper").get("/invoices").get_data(as_text=True)
    assert "data-keylist" in html
    assert "data-search" in html
    assert 'id="shortcut-help"' in html


def test_bulk_post_confirms_count_and_total_then_names_outcomes(as_role, world, users):
    second = create_draft(
        users["bookkeeper"], customer_id=world.customer.id, lines=[line("X", "1", "10.00")]
    )
    client = as_role("bookkeeper")
    ids = [str(world.draft.id), str(second.id), str(world.posted.id)]
    confirm = client.post("/invoices/bulk", data={"action": "post", "invoice_ids": ids}).get_data(
        as_text=True
    )
    assert "Post 2 drafts, €135.30 in total?" in confirm
    done = client.post(
        "/invoices/bulk",
        data={"action": "post", "confirm": "1", "invoice_ids": ids},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "2 posted (INV-2026-002, INV-2026-003)" in done
    assert "1 skipped" in done


def test_bulk_export_gives_csv_of_selected(as_role, world):
    response = as_role("bookkeeper").post(
        "/invoices/bulk", data={"action": "export", "invoice_ids": [str(world.posted.id)]}
    )
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][0] == "number"
    assert rows[1][0] == "INV-2026-001"
    assert rows[1][10] == "159.90"


def test_export_csv_escapes_formula_cells(as_role, users, session):
    customer = CustomerFactory(name='=HYPERLINK("http://evil")')
    create_draft(users["bookkeeper"], customer_id=customer.id, lines=[line()])
    text = as_role("bookkeeper").get("/invoices/export.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in text
    assert ",=HYPERLINK" not in text


def test_csv_cell_formats_for_spreadsheets():
    assert csv_cell(Decimal("-12.50")) == "-12.50"
    assert csv_cell("+1") == "'+1"
    assert csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert csv_cell("Plain") == "Plain"


def test_trial_balance_balances_and_drills_down(as_role, world):
    client = as_role("bookkeeper")
    html = client.get("/reports/trial-balance").get_data(as_text=True)
    assert "balanced" in html
    assert "NOT BALANCED" not in html
    lines = client.get("/reports/accounts/3?as_of=2026-06-14").get_data(as_text=True)  # receivable
    assert "159.90" in lines
    assert "20.00" in lines


def test_trial_balance_csv_has_iso_and_dot_decimals(as_role, world):
    text = (
        as_role("bookkeeper")
        .get("/reports/trial-balance.csv?as_of=2026-06-14")
        .get_data(as_text=True)
    )
    assert text.splitlines()[0] == "account,name,type,debit,credit,balance"
    assert "1300,Accounts receivable,asset,159.90,20.00,139.90" in text


def test_aging_total_equals_receivable(as_role, world):
    html = as_role("bookkeeper").get("/reports/aging?as_of=2026-06-14").get_data(as_text=True)
    assert 'data-figure="aging-total">139.90' in html
    assert "matches the aging total" in html


def test_aging_bad_as_of_shows_error(as_role, world):
    response = as_role("bookkeeper").get("/reports/aging?as_of=yesterday")
    assert response.status_code == 200
    assert 'id="as_of-error"' in response.get_data(as_text=True)


def test_customer_balance_lists_open_items_and_credit(as_role, world):
    html = (
        as_role("bookkeeper").get(f"/customers/{world.customer.id}/balance").get_data(as_text=True)
    )
    assert 'data-figure="balance">€139.90' in html
    assert "INV-2026-001" in html


def test_bookkeeper_home_shows_receivables_and_aging_chart(as_role, world, users):
    overdue = create_draft(
        users["bookkeeper"],
        customer_id=world.customer.id,
        invoice_date="2026-05-01",
        lines=[line()],
    )
    post_invoice(users["bookkeeper"], overdue.id)
    html = as_role("bookkeeper").get("/").get_data(as_text=True)
    assert 'data-figure="receivable">€262.90' in html
    assert 'data-figure="overdue">€123.00' in html
    assert 'class="barchart"' in html
    assert "€139.90" in html


def test_dashboards_per_role(as_role):
    assert "company.settings" not in as_role("admin").get("/").get_data(as_text=True)
    assert "Users and roles" in as_role("admin").get("/").get_data(as_text=True)
    assert "data-board-counts" in as_role("dispatcher").get("/").get_data(as_text=True)
    tech = as_role("technician").get("/").get_data(as_text=True)
    assert "<h1>My day</h1>" in tech
    assert "€" not in tech
