"""Invoices over the API: drafts, posting, copies, payments, credit notes and the ledger."""

from __future__ import annotations

import io

from pypdf import PdfReader

from app.accounting.models import JournalEntry, Payment
from app.accounting.verify import verify_ledger
from app.invoicing.models import Invoice
from tests.api.conftest import count, invoice_body


def test_create_draft_reads_back_lines_and_totals(dispatcher, customer):
    response = dispatcher.post("/api/v1/invoices", invoice_body(customer.id, notes="Thanks"))
    assert response.status_code == 201
    body = response.json
    assert (body["state"], body["status"], body["number"]) == ("draft", "draft", None)
    assert body["customer_id"] == customer.id
    assert body["invoice_date"] == "2026-06-14"
    assert body["due_date"] == "2026-06-28"
    assert [line["net"] for line in body["lines"]] == ["100.00", "10.00"]
    assert body["totals"] == {
        "subtotal": "110.00",
        "discount": "0.00",
        "net": "110.00",
        "vat": [{"rate": "23.00", "base": "110.00", "amount": "25.30"}],
        "gross": "135.30",
    }
    assert body["lines"][0]["quantity"] == "2.000"


def test_create_draft_with_json_number_unit_price_names_the_line_field(dispatcher, customer):
    before = count(Invoice)
    body = invoice_body(customer.id)
    body["lines"][1]["unit_price"] = 10.0
    response = dispatcher.post("/api/v1/invoices", body)
    assert response.status_code == 422
    assert "lines[1].unit_price" in response.json["error"]["fields"]
    assert count(Invoice) == before


def test_create_draft_with_unknown_customer_is_422(dispatcher):
    response = dispatcher.post("/api/v1/invoices", invoice_body(987654))
    assert response.status_code == 422
    assert "customer_id" in response.json["error"]["fields"]


def test_create_draft_setting_state_or_number_is_refused(dispatcher, customer):
    before = count(Invoice)
    for field, value in (("state", "posted"), ("number", "INV-2026-999")):
        response = dispatcher.post("/api/v1/invoices", invoice_body(customer.id, **{field: value}))
        assert response.status_code == 422
        assert field in response.json["error"]["fields"]
    assert count(Invoice) == before


def test_create_draft_with_bad_date_names_the_field(dispatcher, customer):
    response = dispatcher.post("/api/v1/invoices", invoice_body(customer.id, due_date="14/06/2026"))
    assert response.status_code == 422
    assert "due_date" in response.json["error"]["fields"]


def test_technician_cannot_see_invoices(technician):
    assert technician.get("/api/v1/invoices").status_code == 403


def test_list_invoices_filters_by_status_and_customer(books, customer, posted_invoice):
    books.post("/api/v1/invoices", invoice_body(customer.id))
    drafts = books.get(f"/api/v1/invoices?status=draft&customer_id={customer.id}")
    posted = books.get(f"/api/v1/invoices?status=posted&customer_id={customer.id}")
    assert drafts.json["total"] == 1
    assert [i["id"] for i in posted.json["items"]] == [posted_invoice["id"]]


def test_list_items_are_summaries_that_agree_with_each_document(books, customer, posted_invoice):
    draft = books.post("/api/v1/invoices", invoice_body(customer.id)).json
    books.post(f"/api/v1/invoices/{posted_invoice['id']}/payments", {"amount": "20.00"})
    credit = books.post(
        f"/api/v1/invoices/{posted_invoice['id']}/credit-notes", {"reason": "Goodwill"}
    ).json
    listed = books.get(f"/api/v1/invoices?customer_id={customer.id}&sort=id&doc_type=all")
    assert listed.status_code == 200
    ids = [item["id"] for item in listed.json["items"]]
    assert ids == [posted_invoice["id"], draft["id"], credit["id"]]
    for item in listed.json["items"]:
        full = books.get(f"/api/v1/invoices/{item['id']}").json
        assert "lines" not in item
        assert item["status"] == full["status"]
        assert item["number"] == full["number"]
        assert item["customer_name"] == full["customer_name"]
        assert item["gross_total"] == full["totals"]["gross"]
        assert item["net_total"] == full["totals"]["net"]
        assert item["residual"] == full["residual"]
    assert listed.json["items"][2]["doc_type"] == "credit_note"


def test_list_counts_all_pages_and_a_page_past_the_end(books, customer):
    for _ in range(3):
        books.post("/api/v1/invoices", invoice_body(customer.id))
    first = books.get(f"/api/v1/invoices?customer_id={customer.id}&per_page=2").json
    past = books.get(f"/api/v1/invoices?customer_id={customer.id}&per_page=2&page=5").json
    assert (len(first["items"]), first["total"], first["pages"]) == (2, 3, 2)
    assert (past["items"], past["total"], past["pages"], past["page"]) == ([], 3, 2, 5)


def test_list_honours_per_page_up_to_200(books, customer):
    assert books.get("/api/v1/invoices?per_page=200").json["per_page"] == 200
    assert books.get("/api/v1/invoices?per_page=201").status_code == 422


def test_list_invoices_with_unknown_sort_is_422(books):
    response = books.get("/api/v1/invoices?sort=password")
    assert response.status_code == 422
    assert "sort" in response.json["error"]["fields"]


def test_patch_draft_replaces_lines(dispatcher, customer):
    draft = dispatcher.post("/api/v1/invoices", invoice_body(customer.id)).json
    lines = [{"description": "Call-out", "quantity": "1", "unit_price": "45.00", "vat_rate": "23"}]
    response = dispatcher.patch(f"/api/v1/invoices/{draft['id']}", {"lines": lines})
    assert response.status_code == 200
    assert response.json["totals"]["gross"] == "55.35"


def test_patch_posted_invoice_is_409_and_changes_nothing(books, posted_invoice):
    response = books.patch(f"/api/v1/invoices/{posted_invoice['id']}", {"notes": "changed"})
    assert response.status_code == 409
    assert response.json["error"]["code"] == "invoice_not_draft"
    assert books.get(f"/api/v1/invoices/{posted_invoice['id']}").json == posted_invoice


def test_delete_draft_removes_it(dispatcher, customer):
    draft = dispatcher.post("/api/v1/invoices", invoice_body(customer.id)).json
    assert dispatcher.delete(f"/api/v1/invoices/{draft['id']}").status_code == 204
    assert dispatcher.get(f"/api/v1/invoices/{draft['id']}").status_code == 404


def test_delete_posted_invoice_is_409(books, posted_invoice):
    assert books.delete(f"/api/v1/invoices/{posted_invoice['id']}").status_code == 409


def test_post_draft_assigns_number_and_journal_entry(posted_invoice):
    assert posted_invoice["number"].startswith("INV-2026-")
    assert posted_invoice["state"] == "posted"
    assert posted_invoice["payment_state"] == "unpaid"
    assert posted_invoice["residual"] == "135.30"
    assert posted_invoice["journal_entry_id"] is not None
    assert verify_ledger() == []


def test_post_twice_is_409(books, posted_invoice):
    response = books.post(f"/api/v1/invoices/{posted_invoice['id']}/post")
    assert response.status_code == 409


def test_dispatcher_cannot_post(dispatcher, customer):
    draft = dispatcher.post("/api/v1/invoices", invoice_body(customer.id)).json
    assert dispatcher.post(f"/api/v1/invoices/{draft['id']}/post").status_code == 403


def test_copy_invoice_creates_a_new_draft(books, posted_invoice):
    response = books.post(f"/api/v1/invoices/{posted_invoice['id']}/copy")
    assert response.status_code == 201
    assert response.json["state"] == "draft"
    assert response.json["totals"] == posted_invoice["totals"]


def test_partial_payment_leaves_residual(books, posted_invoice):
    response = books.post(
        f"/api/v1/invoices/{posted_invoice['id']}/payments",
        {"amount": "35.30", "date": "2026-06-14", "method": "bank_transfer", "reference": "TRX1"},
    )
    assert response.status_code == 201
    assert response.json["amount"] == "35.30"
    invoice = books.get(f"/api/v1/invoices/{posted_invoice['id']}").json
    assert (invoice["residual"], invoice["payment_state"], invoice["status"]) == (
        "100.00",
        "partial",
        "partially_paid",
    )


def test_payment_amount_as_json_number_is_422_and_writes_nothing(books, posted_invoice):
    before = (count(Payment), count(JournalEntry))
    response = books.post(f"/api/v1/invoices/{posted_invoice['id']}/payments", {"amount": 35.3})
    assert response.status_code == 422
    assert "amount" in response.json["error"]["fields"]
    assert (count(Payment), count(JournalEntry)) == before


def test_payment_dated_in_the_future_is_422(books, posted_invoice):
    response = books.post(
        f"/api/v1/invoices/{posted_invoice['id']}/payments",
        {"amount": "10.00", "date": "2026-07-01"},
    )
    assert response.status_code == 422
    assert "date" in response.json["error"]["fields"]


def test_payment_on_a_draft_is_409(books, customer):
    draft = books.post("/api/v1/invoices", invoice_body(customer.id)).json
    response = books.post(f"/api/v1/invoices/{draft['id']}/payments", {"amount": "10.00"})
    assert response.status_code == 409


def test_dispatcher_cannot_register_payments(dispatcher, posted_invoice):
    response = dispatcher.post(
        f"/api/v1/invoices/{posted_invoice['id']}/payments", {"amount": "10.00"}
    )
    assert response.status_code == 403


def test_full_credit_note_cancels_the_invoice(books, posted_invoice):
    response = books.post(
        f"/api/v1/invoices/{posted_invoice['id']}/credit-notes", {"reason": "Wrong customer"}
    )
    assert response.status_code == 201
    assert response.json["doc_type"] == "credit_note"
    assert response.json["number"].startswith("CN-") or response.json["number"]
    invoice = books.get(f"/api/v1/invoices/{posted_invoice['id']}").json
    assert (invoice["status"], invoice["residual"]) == ("cancelled", "0.00")
    assert verify_ledger() == []


def test_partial_credit_note_by_line_and_quantity(books, posted_invoice):
    line_id = posted_invoice["lines"][0]["id"]
    response = books.post(
        f"/api/v1/invoices/{posted_invoice['id']}/credit-notes",
        {"reason": "One hour too many", "lines": [{"line_id": line_id, "quantity": "1"}]},
    )
    assert response.status_code == 201
    assert response.json["totals"]["gross"] == "61.50"
    invoice = books.get(f"/api/v1/invoices/{posted_invoice['id']}").json
    assert invoice["residual"] == "73.80"


def test_credit_note_over_the_line_quantity_is_422(books, posted_invoice):
    line_id = posted_invoice["lines"][0]["id"]
    before = count(Invoice)
    response = books.post(
        f"/api/v1/invoices/{posted_invoice['id']}/credit-notes",
        {"reason": "Too much", "lines": [{"line_id": line_id, "quantity": "5"}]},
    )
    assert response.status_code == 422
    assert "lines[0].quantity" in response.json["error"]["fields"]
    assert count(Invoice) == before


def test_credit_note_without_reason_is_422(books, posted_invoice):
    response = books.post(f"/api/v1/invoices/{posted_invoice['id']}/credit-notes", {})
    assert response.status_code == 422
    assert "reason" in response.json["error"]["fields"]


def test_journal_entries_list_the_posting(books, posted_invoice):
    response = books.get(f"/api/v1/journal-entries?invoice_id={posted_invoice['id']}")
    assert response.status_code == 200
    [entry] = response.json["items"]
    assert entry["journal"] == "sales"
    debits = {line["account_code"]: line["debit"] for line in entry["lines"]}
    credits = {line["account_code"]: line["credit"] for line in entry["lines"]}
    assert "135.30" in debits.values()
    assert sorted(v for v in credits.values() if v != "0.00") == ["10.00", "100.00", "25.30"]


def test_trial_balance_balances(books, posted_invoice):
    response = books.get("/api/v1/reports/trial-balance?as_of=2026-06-30")
    assert response.status_code == 200
    assert response.json["total_debit"] == response.json["total_credit"] == "135.30"


def test_trial_balance_before_the_posting_is_empty(books, posted_invoice):
    response = books.get("/api/v1/reports/trial-balance?as_of=2026-06-13")
    assert response.json["rows"] == []


def test_ar_aging_shows_the_open_invoice(books, posted_invoice, customer):
    response = books.get("/api/v1/reports/ar-aging?as_of=2026-07-15")
    assert response.status_code == 200
    [row] = [r for r in response.json["rows"] if r["customer_id"] == customer.id]
    assert row["buckets"]["1-30"] == "135.30"
    assert row["total"] == "135.30"


def test_reports_with_a_bad_date_are_422(books):
    response = books.get("/api/v1/reports/ar-aging?as_of=yesterday")
    assert response.status_code == 422
    assert "as_of" in response.json["error"]["fields"]


def test_dispatcher_cannot_read_reports_or_journal(dispatcher):
    assert dispatcher.get("/api/v1/reports/trial-balance").status_code == 403
    assert dispatcher.get("/api/v1/journal-entries").status_code == 403


def test_admin_token_refused_money_like_the_web_app(admin, books, customer):
    assert admin.post("/api/v1/invoices", invoice_body(customer.id)).status_code == 403
    draft = books.post("/api/v1/invoices", invoice_body(customer.id)).json
    assert admin.post(f"/api/v1/invoices/{draft['id']}/post").status_code == 403
    assert admin.get("/api/v1/reports/trial-balance").status_code == 403
    assert books.get(f"/api/v1/invoices/{draft['id']}").json["state"] == "draft"


def test_admin_token_manages_customers_and_catalog(admin):
    assert admin.get("/api/v1/customers").status_code == 200
    assert admin.get("/api/v1/catalog-items").status_code == 200


def test_pdf_of_posted_invoice_is_the_stored_document(books, posted_invoice):
    first = books.get(f"/api/v1/invoices/{posted_invoice['id']}/pdf")
    second = books.get(f"/api/v1/invoices/{posted_invoice['id']}/pdf")
    assert first.status_code == 200
    assert first.mimetype == "application/pdf"
    assert first.data.startswith(b"%PDF")
    assert first.data == second.data
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(first.data)).pages)
    assert posted_invoice["number"] in text


def test_pdf_of_posted_invoice_answers_if_none_match_with_304(books, posted_invoice):
    path = f"/api/v1/invoices/{posted_invoice['id']}/pdf"
    etag = books.get(path).headers["ETag"]

    unchanged = books.get(path, headers={"If-None-Match": etag})
    other = books.get(path, headers={"If-None-Match": '"something-else"'})

    assert (unchanged.status_code, unchanged.data) == (304, b"")
    assert other.status_code == 200
    assert other.data.startswith(b"%PDF")


def test_pdf_of_draft_is_a_preview(dispatcher, customer):
    draft = dispatcher.post("/api/v1/invoices", invoice_body(customer.id)).json
    response = dispatcher.get(f"/api/v1/invoices/{draft['id']}/pdf")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"


def test_technician_cannot_download_invoice_pdf(technician, posted_invoice):
    assert technician.get(f"/api/v1/invoices/{posted_invoice['id']}/pdf").status_code == 403


def test_credit_note_listing_a_line_twice_is_422_and_writes_nothing(books, posted_invoice):
    line_id = posted_invoice["lines"][0]["id"]  # 2 h, 1 h of it credited below
    url = f"/api/v1/invoices/{posted_invoice['id']}/credit-notes"
    books.post(url, {"reason": "One hour", "lines": [{"line_id": line_id, "quantity": "1"}]})
    before = (count(Invoice), count(JournalEntry))
    twice = [{"line_id": line_id, "quantity": "0.6"}, {"line_id": line_id, "quantity": "0.6"}]
    response = books.post(url, {"reason": "x", "lines": twice})
    assert response.status_code == 422
    assert list(response.json["error"]["fields"]) == ["lines[1].line_id"]
    assert (count(Invoice), count(JournalEntry)) == before
    assert verify_ledger() == []


def test_journal_entries_search_by_number_finds_invoice_and_credit_note(books, posted_invoice):
    note = books.post(
        f"/api/v1/invoices/{posted_invoice['id']}/credit-notes", {"reason": "Wrong customer"}
    ).json
    for document, journal in ((posted_invoice, "sales"), (note, "credit_notes")):
        response = books.get(f"/api/v1/journal-entries?q={document['number']}")
        [entry] = [e for e in response.json["items"] if e["invoice_id"] == document["id"]]
        assert entry["journal"] == journal
        assert entry["description"].startswith(f"{document['number']}: ")
        assert all(line["label"].startswith(document["number"]) for line in entry["lines"])
        assert "Draft" not in str(entry)


def test_post_twice_names_the_number(books, posted_invoice):
    response = books.post(f"/api/v1/invoices/{posted_invoice['id']}/post")
    assert response.json["error"]["message"] == f"{posted_invoice['number']} is already posted."


def test_credit_note_settling_the_invoice_reads_back_paid(books, posted_invoice):
    note = books.post(
        f"/api/v1/invoices/{posted_invoice['id']}/credit-notes", {"reason": "Wrong customer"}
    ).json
    read = books.get(f"/api/v1/invoices/{note['id']}").json
    assert (read["payment_state"], read["residual"], read["status"]) == ("paid", "0.00", "paid")
    assert note["payment_state"] == "paid"


def test_payment_on_a_credit_note_is_409_naming_credit_notes(books, posted_invoice):
    note = books.post(
        f"/api/v1/invoices/{posted_invoice['id']}/credit-notes", {"reason": "Wrong customer"}
    ).json
    before = count(Payment)
    response = books.post(f"/api/v1/invoices/{note['id']}/payments", {"amount": "10.00"})
    assert response.status_code == 409
    assert response.json["error"]["message"] == (
        "Payments are registered on invoices, not on credit notes."
    )
    assert count(Payment) == before


def test_credit_note_with_reissue_names_the_new_draft(books, posted_invoice):
    response = books.post(
        f"/api/v1/invoices/{posted_invoice['id']}/credit-notes",
        {"reason": "Wrong address", "reissue": True},
    )
    assert response.status_code == 201
    draft = books.get(f"/api/v1/invoices/{response.json['reissued_draft_id']}").json
    assert (draft["state"], draft["doc_type"]) == ("draft", "invoice")
    assert draft["totals"] == posted_invoice["totals"]


def test_credit_note_without_reissue_names_no_draft(books, posted_invoice):
    response = books.post(
        f"/api/v1/invoices/{posted_invoice['id']}/credit-notes", {"reason": "Goodwill"}
    )
    assert response.json["reissued_draft_id"] is None


def test_openapi_credit_note_reply_documents_the_reissued_draft(client):
    spec = client.get("/api/v1/openapi.json").json
    reply = spec["paths"]["/api/v1/invoices/{invoice_id}/credit-notes"]["post"]["responses"]
    ref = reply["201"]["content"]["application/json"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert "reissued_draft_id" in schema["required"]
    assert schema["properties"]["reissued_draft_id"]["type"] == "integer"
    assert schema["properties"]["reissued_draft_id"]["nullable"] is True
