"""Totals by the EN 16931 rule: known cent-leak cases and generated invoices.

Line nets are rounded, VAT is rounded once per rate on the (discounted) rate base, and the
journal entry is built from the same figures, so it balances to the cent with no round-off.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.accounting.posting import DocumentFigures, build_invoice_entry
from app.accounting.services import post_invoice
from app.accounting.verify import verify_ledger
from app.core.money import ZERO, round_money
from app.invoicing.calculations import LineInput, compute_totals
from app.invoicing.services import create_draft
from tests.accounting.helpers import D, entry_rows
from tests.factories import CustomerFactory, line


def totals(lines, kind=None, value=None):
    return compute_totals(
        [LineInput(D(q), D(p), D(d), D(r), k) for q, p, d, r, k in lines],
        kind,
        None if value is None else D(value),
    )


def test_compute_totals_ten_small_lines_match_one_line_of_ten():
    many = totals([("1", "3.60", "0", "5.5", "parts")] * 10)
    one = totals([("10", "3.60", "0", "5.5", "parts")])
    for result in (many, one):
        assert (result.net, result.vat, result.gross) == (D("36.00"), D("1.98"), D("37.98"))


def test_compute_totals_document_discount_four_percent_at_22():
    result = totals([("16", "348.35", "0", "22", "parts")], "percent", "4")
    assert result.subtotal == D("5573.60")
    assert result.discount == D("222.94")
    assert (result.net, result.vat, result.gross) == (D("5350.66"), D("1177.15"), D("6527.81"))


def test_compute_totals_line_discount_four_percent_at_22():
    result = totals([("16", "348.35", "4", "22", "parts")])
    assert (result.net, result.vat, result.gross) == (D("5350.66"), D("1177.15"), D("6527.81"))


def test_compute_totals_thirty_six_at_1_66_twenty_percent():
    result = totals([("36", "1.66", "0", "20", "parts")])
    assert (result.net, result.vat, result.gross) == (D("59.76"), D("11.95"), D("71.71"))


def test_compute_totals_fixed_discount_allocated_across_rates_exactly():
    result = totals(
        [("1", "100.00", "0", "23", "labour"), ("1", "50.00", "0", "13.5", "parts")],
        "amount",
        "10.00",
    )
    bases = {t.rate: t.base for t in result.taxes}
    assert bases == {D("13.50"): D("46.67"), D("23.00"): D("93.33")}
    assert [t.amount for t in result.taxes] == [D("6.30"), D("21.47")]
    assert result.gross == D("167.77")
    assert sum(result.revenue_by_kind.values(), ZERO) == result.net == D("140.00")


@pytest.mark.parametrize(
    ("lines", "discount", "expected"),
    [
        ([line("Parts", "1", "3.60", "5.5", "parts")] * 10, {}, ("36.00", "1.98", "37.98")),
        (
            [line("Parts", "16", "348.35", "22", "parts")],
            {"discount_kind": "percent", "discount_value": "4"},
            ("5350.66", "1177.15", "6527.81"),
        ),
        ([line("Parts", "36", "1.66", "20", "parts")], {}, ("59.76", "11.95", "71.71")),
    ],
)
def test_post_known_rounding_cases_entry_balances_to_the_cent(session, lines, discount, expected):
    net, vat, gross = (D(v) for v in expected)
    draft = create_draft(None, customer_id=CustomerFactory().id, lines=lines, **discount)
    invoice = post_invoice(None, draft.id)
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (net, vat, gross)
    rate = D(lines[0]["vat_rate"]).quantize(D("0.01"))
    assert entry_rows(invoice.journal_entry_id) == [
        ("receivable", gross, D("0.00")),
        ("revenue_parts", D("0.00"), net),
        ("vat_output", D("0.00"), vat),
    ]
    assert [(t.rate, t.base, t.amount) for t in invoice.taxes] == [(rate, net, vat)]
    assert verify_ledger() == []


RATES = st.sampled_from(["0", "5.5", "9", "13.5", "20", "21", "22", "23"])
LINES = st.lists(
    st.tuples(
        st.decimals(min_value=D("0.001"), max_value=D("999"), places=3),
        st.decimals(min_value=D("0"), max_value=D("9999.99"), places=2),
        st.sampled_from(["0", "0", "5", "12.5", "33.33"]),
        RATES,
        st.sampled_from(["labour", "parts", "other"]),
    ),
    min_size=1,
    max_size=12,
)
DISCOUNTS = st.one_of(
    st.tuples(st.none(), st.none()),
    st.tuples(st.just("percent"), st.decimals(min_value=0, max_value=100, places=2)),
    st.tuples(st.just("amount"), st.decimals(min_value=0, max_value=5000, places=2)),
)


@settings(max_examples=800, deadline=None)
@given(lines=LINES, discount=DISCOUNTS)
def test_compute_totals_generated_invoices_are_exact(lines, discount):
    result = totals([(str(q), str(p), d, r, k) for q, p, d, r, k in lines], *discount)
    for (q, p, d, _, _), net in zip(lines, result.line_nets, strict=True):
        assert net == round_money(q * p - q * p * D(d) / 100)
    assert result.subtotal == sum(result.line_nets, ZERO)
    assert ZERO <= result.discount <= max(result.subtotal, ZERO)
    assert sum((t.base for t in result.taxes), ZERO) == result.net
    for tax in result.taxes:
        assert tax.amount == round_money(tax.base * tax.rate / 100)
    assert result.vat == sum((t.amount for t in result.taxes), ZERO)
    assert result.gross == result.net + result.vat
    assert sum(result.revenue_by_kind.values(), ZERO) == result.net
    if result.gross > 0:
        entry = build_invoice_entry(
            DocumentFigures(
                customer_id=1,
                document_id=1,
                due_date=None,  # type: ignore[arg-type]
                gross=result.gross,
                revenue_by_kind=result.revenue_by_kind,
                vat_by_rate={t.rate: t.amount for t in result.taxes},
                label="x",
            )
        )
        assert sum(ln.debit for ln in entry) == sum(ln.credit for ln in entry) == result.gross


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lines=LINES, discount=DISCOUNTS)
def test_post_generated_invoices_entry_equals_document(session, lines, discount):
    customer = CustomerFactory()
    raw = [line("L", str(q), str(p), r, k, discount_percent=d) for q, p, d, r, k in lines]
    kind, value = discount
    if kind == "amount":  # a fixed discount above the subtotal is refused, not capped
        value = min(value, totals([(str(q), str(p), d, r, k) for q, p, d, r, k in lines]).subtotal)
    header = {"discount_kind": kind, "discount_value": value}
    draft = create_draft(None, customer_id=customer.id, lines=raw, **header)
    if draft.gross_total <= 0:
        return
    invoice = post_invoice(None, draft.id)
    rows = entry_rows(invoice.journal_entry_id)
    assert sum(r[1] for r in rows) == sum(r[2] for r in rows) == invoice.gross_total
    vat = sum((r[2] for r in rows if r[0] == "vat_output"), ZERO)
    assert vat == invoice.vat_total == sum((t.amount for t in invoice.taxes), ZERO)
    assert verify_ledger() == []
