"""The bookkeeper's invoice page: post, payments (once per form), credit notes, cancel, reversal."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from app.accounting.models import Payment
from app.company.services import get_company
from app.invoicing.models import Invoice
from tests.factories import CustomerFactory


def _payments(session):
    return session.scalar(select(func.count()).select_from(Payment))


def _token(html):
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


def test_post_confirmation_names_consequence_and_next_number(as_role, world):
    html = as_role("bookkeeper").get(f"/invoices/{world.draft.id}/post").get_data(as_text=True)
    assert "It gets number <strong>INV-2026-002</strong>" in html
    assert "can no longer be edited" in html
    # The safe button takes the focus.
    assert re.search(r'<a class="btn" href="[^"]+" autofocus>Keep as draft</a>', html)


def test_post_draft_assigns_number_and_flashes(as_role, world):
    client = as_role("bookkeeper")
    response = client.post(f"/invoices/{world.draft.id}/post", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert world.draft.number == "INV-2026-002"
    assert "INV-2026-002 posted: €123.00" in html
    assert 'role="status"' in html


def test_post_blocked_draft_shows_reason_and_stays_draft(as_role, users, session):
    from app.invoicing.services import create_draft
    from tests.factories import line

    customer = CustomerFactory(street="")
    draft = create_draft(users["bookkeeper"], customer_id=customer.id, lines=[line()])
    client = as_role("bookkeeper")
    page = client.get(f"/invoices/{draft.id}").get_data(as_text=True)
    assert "needs a billing address" in page
    assert "disabled" in page
    response = client.post(f"/invoices/{draft.id}/post")
    assert response.status_code == 409
    assert draft.state == "draft"
    assert draft.number is None


def test_register_partial_payment_leaves_balance_open(as_role, world):
    client = as_role("bookkeeper")
    token = _token(client.get(f"/invoices/{world.posted.id}/payments/new").get_data(as_text=True))
    response = client.post(
        f"/invoices/{world.posted.id}/payments/new",
        data={
            "amount": "100.00",
            "date": "2026-06-14",
            "method": "bank_transfer",
            "reference": "T1",
            "form_token": token,
        },
        follow_redirects=True,
    )
    assert "Payment of €100.00 registered on INV-2026-001; €39.90 still due." in response.get_data(
        as_text=True
    )
    assert world.posted.residual == Decimal("39.90")
    assert world.posted.payment_state == "partial"


def test_payment_form_sent_twice_records_one_payment(as_role, world, session):
    client = as_role("bookkeeper")
    token = _token(client.get(f"/invoices/{world.posted.id}/payments/new").get_data(as_text=True))
    data = {"amount": "10.00", "date": "2026-06-14", "method": "card", "form_token": token}
    before = _payments(session)
    first = client.post(f"/invoices/{world.posted.id}/payments/new", data=data)
    second = client.post(
        f"/invoices/{world.posted.id}/payments/new", data=data, follow_redirects=True
    )
    assert first.status_code == 302
    assert "already recorded" in second.get_data(as_text=True)
    assert _payments(session) == before + 1


def test_payment_amount_default_is_balance(as_role, world):
    html = (
        as_role("bookkeeper")
        .get(f"/invoices/{world.posted.id}/payments/new")
        .get_data(as_text=True)
    )
    assert 'name="amount" value="139.90"' in html


def test_payment_bad_amount_refused_beside_field_and_writes_nothing(as_role, world, session):
    client = as_role("bookkeeper")
    token = _token(client.get(f"/invoices/{world.posted.id}/payments/new").get_data(as_text=True))
    before = _payments(session)
    response = client.post(
        f"/invoices/{world.posted.id}/payments/new",
        data={"amount": "12.345", "date": "2026-06-14", "method": "card", "form_token": token},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="amount-error"' in html
    assert "at most 2 decimals" in html
    assert _payments(session) == before
    # The refused form's token stays usable for the corrected resubmission.
    retry = client.post(
        f"/invoices/{world.posted.id}/payments/new",
        data={"amount": "12.34", "date": "2026-06-14", "method": "card", "form_token": token},
    )
    assert retry.status_code == 302
    assert _payments(session) == before + 1


def test_payment_in_locked_period_refused_on_date_field(as_role, world, session):
    get_company().lock_date = date(2026, 6, 1)
    session.flush()
    client = as_role("bookkeeper")
    token = _token(client.get(f"/invoices/{world.posted.id}/payments/new").get_data(as_text=True))
    response = client.post(
        f"/invoices/{world.posted.id}/payments/new",
        data={"amount": "10.00", "date": "2026-05-30", "method": "card", "form_token": token},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="date-error"' in html
    assert "Books locked to 01 Jun 2026" in html


def test_payment_hint_words_what_stays_open(as_role, world):
    client = as_role("bookkeeper")
    assert (
        client.get(f"/invoices/{world.posted.id}/payment-hint?amount=100").get_data(as_text=True)
        == "€39.90 stays open."
    )
    assert "€10.10 extra becomes customer credit" in client.get(
        f"/invoices/{world.posted.id}/payment-hint?amount=150"
    ).get_data(as_text=True)


def test_payment_on_draft_is_out_of_reach(as_role, world):
    assert as_role("bookkeeper").get(f"/invoices/{world.draft.id}/payments/new").status_code == 404


def test_credit_note_by_lines_previews_then_issues(as_role, world, session):
    client = as_role("bookkeeper")
    valve = world.posted.lines[1]
    data = {"mode": "lines", "reason": "Returned one valve", f"qty-{valve.id}": "1"}
    preview = client.post(f"/invoices/{world.posted.id}/credit-note", data=data).get_data(
        as_text=True
    )
    assert "€12.30" in preview  # 10.00 + 23 % VAT
    before = session.scalar(
        select(func.count()).select_from(Invoice).where(Invoice.doc_type == "credit_note")
    )
    response = client.post(
        f"/invoices/{world.posted.id}/credit-note", data={**data, "confirm": "1"}
    )
    assert response.status_code == 302
    assert (
        session.scalar(
            select(func.count()).select_from(Invoice).where(Invoice.doc_type == "credit_note")
        )
        == before + 1
    )
    assert world.posted.residual == Decimal("127.60")


def test_credit_note_quantity_above_invoiced_refused_beside_line(as_role, world, session):
    valve = world.posted.lines[1]
    response = as_role("bookkeeper").post(
        f"/invoices/{world.posted.id}/credit-note",
        data={"mode": "lines", "reason": "x", f"qty-{valve.id}": "4", "confirm": "1"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="qty-{valve.id}-error"' in html
    assert "at most 3" in html
    assert world.posted.residual == Decimal("139.90")


def test_credit_note_without_reason_refused(as_role, world):
    response = as_role("bookkeeper").post(
        f"/invoices/{world.posted.id}/credit-note", data={"mode": "full", "confirm": "1"}
    )
    assert response.status_code == 422
    assert 'id="reason-error"' in response.get_data(as_text=True)


def test_cancel_invoice_shows_cancelled(as_role, world):
    client = as_role("bookkeeper")
    assert (
        client.post(
            f"/invoices/{world.posted.id}/cancel", data={"reason": "Wrong customer"}
        ).status_code
        == 302
    )
    html = client.get(f"/invoices/{world.posted.id}").get_data(as_text=True)
    assert "badge-cancelled" in html
    assert "Open credit note CN-2026-001" in html


def test_reverse_payment_reopens_amount(as_role, world):
    response = as_role("bookkeeper").post(
        f"/payments/{world.payment.id}/reverse", data={"reason": "Bounced"}
    )
    assert response.status_code == 302
    assert world.payment.state == "reversed"
    assert world.posted.residual == Decimal("159.90")


def test_reverse_unknown_payment_is_404(as_role):
    assert as_role("bookkeeper").get("/payments/999999/reverse").status_code == 404


def test_apply_customer_credit_settles_invoice(as_role, world, users):
    from app.accounting.services import register_payment

    register_payment(users["bookkeeper"], world.posted.id, amount="150.00")  # 10.10 extra
    from app.accounting.services import post_invoice
    from app.invoicing.services import create_draft
    from tests.factories import line

    second = create_draft(
        users["bookkeeper"],
        customer_id=world.customer.id,
        lines=[line("Fee", "1", "5.00", "0", "other")],
    )
    post_invoice(users["bookkeeper"], second.id)
    response = as_role("bookkeeper").post(
        f"/invoices/{second.id}/apply-credit", follow_redirects=True
    )
    assert "€5.00 of" in response.get_data(as_text=True)
    assert second.residual == Decimal("0.00")


def test_invoice_page_shows_figures_timeline_and_entry(as_role, world):
    html = as_role("bookkeeper").get(f"/invoices/{world.posted.id}").get_data(as_text=True)
    assert 'data-figure="gross">€159.90' in html
    assert 'data-figure="paid">€20.00' in html
    assert 'data-figure="due">€139.90' in html
    assert "Posted as INV-2026-001" in html
    assert "Payment €20.00" in html
    assert f"/journal/{world.posted.journal_entry_id}" in html


def test_invoice_page_of_unknown_id_is_404(as_role):
    assert as_role("bookkeeper").get("/invoices/999999").status_code == 404


def test_journal_entry_page_balances(as_role, world):
    html = (
        as_role("bookkeeper")
        .get(f"/journal/{world.posted.journal_entry_id}")
        .get_data(as_text=True)
    )
    assert html.count("159.90") >= 3  # receivable line, debit total, credit total


def test_invoice_timeline_shows_delivery_events(as_role, world, session):
    from app.invoicing.delivery import DeliveryEvent

    session.add(
        DeliveryEvent(
            kind="sent",
            invoice_id=world.posted.id,
            recipient="ap@customer.example",
            template="invoice",
        )
    )
    session.flush()
    html = as_role("bookkeeper").get(f"/invoices/{world.posted.id}").get_data(as_text=True)
    assert "E-mail (invoice) sent to ap@customer.example" in html


def test_credit_and_reissue_leaves_new_draft(as_role, world, session):
    before = session.scalar(
        select(func.count()).select_from(Invoice).where(Invoice.state == "draft")
    )
    response = as_role("bookkeeper").post(
        f"/invoices/{world.posted.id}/credit-note",
        data={"mode": "reissue", "reason": "Wrong rate", "confirm": "1"},
        follow_redirects=True,
    )
    assert "A new draft copy is ready" in response.get_data(as_text=True)
    drafts = select(func.count()).select_from(Invoice).where(Invoice.state == "draft")
    assert session.scalar(drafts) == before + 1
    assert world.posted.payment_state == "reversed"


def test_journal_entry_unknown_is_404(as_role):
    assert as_role("bookkeeper").get("/journal/999999").status_code == 404
