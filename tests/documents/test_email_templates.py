"""The company's own e-mail wording: used when sending, checked before it is saved."""

from __future__ import annotations

import pytest

from app.accounting.sending import send_document
from app.core.errors import ValidationFailed
from app.invoicing.delivery import EmailTemplate
from app.invoicing.email_templates import (
    list_email_templates,
    reset_email_template,
    update_email_template,
)


def test_custom_template_used_in_both_parts(session, make_invoice, bookkeeper, smtp_server):
    update_email_template(
        bookkeeper,
        "invoice",
        subject="Your bill {{ number }}",
        body_text="Hello {{ customer_name }},\n\n{{ amount_due }} by {{ due_date }} <please>.",
    )

    send_document(bookkeeper, make_invoice().id)

    [message] = smtp_server.messages
    assert message["Subject"] == "Your bill INV-2026-001"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "€150.40 by 28 Jun 2026 <please>." in text
    assert "<p>Hello Acme Facilities Ltd,</p>" in html
    assert "&lt;please&gt;" in html  # the text part is escaped into the HTML part


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("subject", {"subject": "Bill {{ nummer }}", "body_text": "Hi"}),
        ("body_text", {"subject": "Bill", "body_text": "Hi {{ customer_name "}),
        (
            "body_html",
            {"subject": "Bill", "body_text": "Hi", "body_html": "{{ ''.__class__.mro() }}"},
        ),
        ("subject", {"subject": "", "body_text": "Hi"}),
    ],
)
def test_update_template_bad_input_names_field_writes_nothing(session, bookkeeper, field, values):
    with pytest.raises(ValidationFailed) as refused:
        update_email_template(bookkeeper, "invoice", **values)

    assert field in refused.value.fields
    assert session.query(EmailTemplate).count() == 0


def test_reset_template_back_to_built_in(session, bookkeeper):
    update_email_template(bookkeeper, "reminder_1", subject="Psst {{ number }}", body_text="Pay")

    reset_email_template(bookkeeper, "reminder_1")

    view = {v.name: v for v in list_email_templates()}["reminder_1"]
    assert not view.customised
    assert "was due on 28 Jun 2026" in view.body_text
