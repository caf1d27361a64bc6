"""The company's own e-mail wording per document kind and reminder level.

A template is Jinja text rendered in a sandbox with the variables of mail.email_variables;
it is checked against sample values when saved, so a typo never reaches a customer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jinja2 import TemplateError
from sqlalchemy import select

from app.core.db import use_case
from app.core.errors import Errors, ValidationFailed
from app.extensions import db
from app.invoicing import mail
from app.invoicing.delivery import EmailTemplate

LABELS = {
    "invoice": "Invoice",
    "credit_note": "Credit note",
    "proforma": "Proforma invoice",
    "reminder_1": "First reminder",
    "reminder_2": "Second reminder",
    "reminder_3": "Final notice",
}
SAMPLE = {
    "customer_name": "Acme Facilities Ltd",
    "number": "INV-2026-015",
    "document": "invoice",
    "amount_due": "€1,234.50",
    "total": "€1,234.50",
    "due_date": "28 Jun 2026",
    "invoice_date": "14 Jun 2026",
    "link": "https://example.com/d/sample",
    "company": "Fieldpost Demo Services Ltd",
    "company_email": "billing@example.com",
    "company_phone": "+353 1 555 0100",
    "credited_number": "INV-2026-014",
    "brand": "#1f4e79",
}
VARIABLES = tuple(SAMPLE)
MAX_BODY = 20_000


@dataclass(frozen=True)
class TemplateView:
    name: str
    label: str
    customised: bool
    subject: str
    body_text: str
    body_html: str


def custom_wording(name: str) -> tuple[str, str, str] | None:
    row = db.session.get(EmailTemplate, name)
    return (row.subject, row.body_text, row.body_html) if row else None


def list_email_templates() -> list[TemplateView]:
    """Every template; built-in ones shown as rendered with sample values."""
    rows = {row.name: row for row in db.session.scalars(select(EmailTemplate))}
    views = []
    for name in mail.TEMPLATES:
        row = rows.get(name)
        if row is not None:
            views.append(
                TemplateView(name, LABELS[name], True, row.subject, row.body_text, row.body_html)
            )
            continue
        built_in = mail.render_email(name, SAMPLE)
        views.append(
            TemplateView(
                name, LABELS[name], False, mail.SUBJECTS[name], built_in.text, built_in.html
            )
        )
    return views


def _check(name: str, subject: str, body_text: str, body_html: str) -> None:
    errors = Errors()
    if name not in mail.TEMPLATES:
        errors.add("name", f"Choose one of: {', '.join(mail.TEMPLATES)}.")
    if not subject.strip() or len(subject) > 300:
        errors.add("subject", "Enter a subject of 1 to 300 characters.")
    if not body_text.strip():
        errors.add("body_text", "Enter the text of the e-mail.")
    for field, value in (("body_text", body_text), ("body_html", body_html)):
        if len(value) > MAX_BODY:
            errors.add(field, f"Use at most {MAX_BODY} characters.")
    errors.raise_if_any()
    for field, parts in (
        ("subject", (subject, "x", "")),
        ("body_text", ("x", body_text, "")),
        ("body_html", ("x", "x", body_html)),
    ):
        try:
            mail.render_custom(*parts, SAMPLE)
        except TemplateError as error:
            errors.add(
                field,
                f"{error.message or error}. Variables you can use: "
                + ", ".join("{{ " + v + " }}" for v in VARIABLES),
            )
    errors.raise_if_any()


@use_case
def update_email_template(
    actor: Any, name: str, *, subject: Any, body_text: Any, body_html: Any = ""
) -> EmailTemplate:
    if not all(isinstance(v, str) for v in (name, subject, body_text, body_html)):
        raise ValidationFailed({"name": ["Give the template as text."]})
    _check(name, subject, body_text, body_html)
    row = db.session.get(EmailTemplate, name, with_for_update=True)
    if row is None:
        row = EmailTemplate(name=name)
        db.session.add(row)
    row.subject, row.body_text, row.body_html = subject.strip(), body_text, body_html
    row.updated_by_id = getattr(actor, "id", None)
    return row


@use_case
def reset_email_template(actor: Any, name: str) -> None:
    """Back to the built-in wording."""
    row = db.session.get(EmailTemplate, name)
    if row is not None:
        db.session.delete(row)
