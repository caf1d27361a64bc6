"""A stateful model of the ledger: random sequences of every bookkeeping action.

Hypothesis drives drafts, postings, payments (partial, full, over), credit notes (partial,
full, over), applied credit, reversals, refused edits of posted documents, lock dates and a
moving clock; after every step `verify_ledger()` must find nothing and refusals must leave
the row counts unchanged. Each run is one rolled-back transaction, like the `session` fixture.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from app.accounting import credit_notes
from app.accounting import services as ledger
from app.accounting.models import Allocation, JournalEntry, JournalLine, Payment
from app.accounting.verify import verify_ledger
from app.company.services import company_today, get_company, set_lock_date
from app.core import clock
from app.core.errors import DomainError, InvoiceNotDraft
from app.extensions import db
from app.invoicing import services as invoicing
from app.invoicing.models import Invoice, InvoiceLine
from tests import factories
from tests.conftest import BACKEND, DEFAULT_NOW, ConnectionBoundSession

LINE = st.fixed_dictionaries(
    {
        "description": st.just("Work"),
        "quantity": st.sampled_from(["1", "2", "0.5", "3.25", "10"]),
        "unit_price": st.sampled_from(["0.01", "3.60", "19.99", "65.00", "348.35"]),
        "vat_rate": st.sampled_from(["0", "13.5", "23"]),
        "kind": st.sampled_from(["labour", "parts", "other"]),
    }
)
LINES = st.lists(LINE, min_size=1, max_size=4)
AMOUNT_SHARE = st.sampled_from(["partial", "full", "over"])
STATS: dict[str, int] = {}
TABLES = (Invoice, InvoiceLine, JournalEntry, JournalLine, Payment, Allocation)


class LedgerMachine(RuleBasedStateMachine):
    app = None  # set by the test before running

    drafts = Bundle("drafts")
    posted = Bundle("posted")
    payments = Bundle("payments")

    def __init__(self) -> None:
        super().__init__()
        clock.freeze(DEFAULT_NOW)
        self.context = self.app.app_context()
        self.context.push()
        self.connection = db.engine.connect()
        self.outer = self.connection.begin()
        self.original = db.session
        db.session = db._make_scoped_session(
            {
                "bind": self.connection,
                "join_transaction_mode": "create_savepoint",
                "class_": ConnectionBoundSession,
            }
        )
        factories.bind(db.session)
        self.customers = [factories.CustomerFactory().id for _ in range(2)]
        self.posted_count = 0

    def teardown(self) -> None:
        for model in TABLES:
            STATS[model.__tablename__] = STATS.get(model.__tablename__, 0) + db.session.scalar(
                select(func.count()).select_from(model)
            )
        db.session.remove()
        db.session = self.original
        self.outer.rollback()
        self.connection.close()
        self.context.pop()
        clock.freeze(DEFAULT_NOW)

    # -- helpers ---------------------------------------------------------------------------
    def counts(self) -> tuple[int, ...]:
        return tuple(db.session.scalar(select(func.count()).select_from(model)) for model in TABLES)

    def refused(self, action, *args, **kwargs) -> DomainError | None:
        """Run a use case; a refusal must be a DomainError that wrote nothing."""
        before = self.counts()
        try:
            action(*args, **kwargs)
        except DomainError as error:
            refusal = error
        else:
            return None
        assert self.counts() == before, (action.__name__, refusal)
        STATS["refused " + action.__name__] = STATS.get("refused " + action.__name__, 0) + 1
        return refusal

    def invoice(self, invoice_id: int) -> Invoice:
        return db.session.get(Invoice, invoice_id)

    # -- rules -----------------------------------------------------------------------------
    @initialize(target=posted, lines=st.lists(LINES, min_size=2, max_size=3))
    def start_with_posted_invoices(self, lines):
        ids = []
        for index, invoice_lines in enumerate(lines):
            draft = invoicing.create_draft(
                None, customer_id=self.customers[index % 2], lines=invoice_lines
            )
            ids.append(ledger.post_invoice(None, draft.id).id)
            self.posted_count += 1
        return multiple(*ids)

    @rule(target=drafts, customer=st.integers(0, 1), lines=LINES, back=st.integers(0, 20))
    def create_draft(self, customer, lines, back):
        day = company_today() - timedelta(days=back)
        draft = invoicing.create_draft(
            None, customer_id=self.customers[customer], lines=lines, invoice_date=day
        )
        return draft.id

    @rule(draft=drafts, lines=LINES)
    def edit_draft(self, draft, lines):
        if self.invoice(draft) is None:
            return
        error = self.refused(invoicing.update_draft, None, draft, lines=lines)
        assert error is None or isinstance(error, InvoiceNotDraft)

    @rule(draft=consumes(drafts))
    def delete_draft(self, draft):
        invoice = self.invoice(draft)
        if invoice is None:
            return
        error = self.refused(invoicing.delete_draft, None, draft)
        assert (error is None) == (invoice.state == "draft")

    @rule(target=posted, draft=consumes(drafts))
    def post(self, draft):
        invoice = self.invoice(draft)
        if invoice is None:
            return -1
        lock = get_company().lock_date
        expect_ok = invoice.state == "draft" and (lock is None or invoice.invoice_date > lock)
        error = self.refused(ledger.post_invoice, None, draft)
        assert (error is None) == expect_ok, error
        if expect_ok:
            self.posted_count += 1
        return draft if error is None else -1

    @rule(target=payments, invoice=posted, share=AMOUNT_SHARE, cash=st.booleans())
    def pay(self, invoice, share, cash):
        if invoice < 0:
            return -1
        doc = self.invoice(invoice)
        residual = doc.residual
        amount = {
            "partial": (residual / 2).quantize(Decimal("0.01")),
            "full": residual,
            "over": residual + Decimal("5.00"),
        }[share]
        expect_ok = amount > 0 and doc.payment_state != "reversed"
        error = self.refused(
            ledger.register_payment,
            None,
            invoice,
            amount=str(amount),
            method="cash" if cash else "bank_transfer",
        )
        assert (error is None) == expect_ok, error
        if error is not None:
            return -1
        return db.session.scalar(select(func.max(Payment.id)))

    @rule(payment=consumes(payments))
    def reverse_payment(self, payment):
        if payment < 0:
            return
        state = db.session.get(Payment, payment).state
        error = self.refused(ledger.reverse_payment, None, payment, reason="Bounced")
        assert (error is None) == (state == "posted"), error

    @rule(invoice=posted, share=AMOUNT_SHARE)
    def credit(self, invoice, share):
        if invoice < 0:
            return
        doc = self.invoice(invoice)
        if share == "full":
            self.refused(credit_notes.issue_credit_note, None, invoice, reason="Full credit")
            return
        first = doc.lines[0]
        quantity = first.quantity / 2 if share == "partial" else first.quantity + 1
        error = self.refused(
            credit_notes.issue_credit_note,
            None,
            invoice,
            reason="Part returned",
            lines=[{"line_id": first.id, "quantity": str(quantity.quantize(Decimal("0.001")))}],
        )
        if share == "over":
            assert error is not None

    @rule(invoice=posted)
    def apply_credit(self, invoice):
        if invoice >= 0:
            self.refused(ledger.apply_credit, None, invoice)

    @rule(invoice=posted, delete=st.booleans())
    def try_change_posted(self, invoice, delete):
        if invoice >= 0:
            if delete:
                error = self.refused(invoicing.delete_draft, None, invoice)
            else:
                error = self.refused(invoicing.update_draft, None, invoice, notes="changed")
            assert isinstance(error, InvoiceNotDraft)

    @rule(back=st.integers(1, 15))
    def set_lock(self, back):
        wanted = company_today() - timedelta(days=back)
        current = get_company().lock_date
        error = self.refused(set_lock_date, None, max(wanted, current or wanted))
        assert error is None, error

    @precondition(lambda self: clock.now_utc().date() < date(2026, 12, 20))
    @rule(days=st.integers(1, 40))
    def advance_clock(self, days):
        clock.advance(timedelta(days=days))

    # -- invariants ------------------------------------------------------------------------
    @invariant()
    def ledger_holds(self):
        assert verify_ledger() == []

    @invariant()
    def every_posting_numbered(self):
        numbered = db.session.scalar(
            select(func.count()).where(Invoice.doc_type == "invoice", Invoice.state == "posted")
        )
        assert numbered == self.posted_count


def test_ledger_model_random_bookkeeping_keeps_invariants(app):
    LedgerMachine.app = app
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=50 if BACKEND == "sqlite" else 30,  # PostgreSQL steps cost more
            stateful_step_count=50,
            deadline=None,
            print_blob=True,  # a failure prints @reproduce_failure(...) to replay it exactly
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    print(STATS)
