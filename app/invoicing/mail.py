"""E-mail: templates per document kind and reminder level, MIME building, SMTP delivery.

Settings come from the app config (environment): SMTP_HOST, SMTP_PORT, SMTP_TLS (none,
starttls, ssl), SMTP_USERNAME, SMTP_PASSWORD, MAIL_FROM.
"""

from __future__ import annotations

import re
import smtplib
import ssl
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any

from babel.dates import format_date
from babel.numbers import format_currency
from flask import current_app, render_template
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import escape

from app.company.models import Company
from app.core import clock
from app.core.errors import DomainError
from app.invoicing.models import Invoice

# Built-in subject lines per template; the bodies live in
# templates/invoicing/email/<name>.txt|.html. A company's own wording (EmailTemplate rows,
# see email_templates.py) replaces both.
SUBJECTS = {
    "invoice": "Invoice {{ number }} from {{ company }}",
    "credit_note": "Credit note {{ number }} from {{ company }}",
    "proforma": "Proforma invoice {{ number }} from {{ company }}",
    "reminder_1": "Reminder: invoice {{ number }} was due on {{ due_date }}",
    "reminder_2": "Second reminder: invoice {{ number }} is overdue",
    "reminder_3": "Final notice: invoice {{ number }} is overdue",
}
_text_env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)  # plain text
_html_env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)
TEMPLATES = tuple(SUBJECTS)
_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
DEFAULT_BRAND = "#1f4e79"
SMTP_TIMEOUT = 20  # seconds; a request that sends at once waits at most this long


class MailNotConfigured(DomainError):
    """No sender address: set MAIL_FROM (or the company e-mail) before sending."""

    code = "mail_not_configured"
    status = 409


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def default_template(invoice: Invoice) -> str:
    return invoice.doc_type


def _money(value: Decimal, currency: str, locale: str) -> str:
    return str(format_currency(value, currency, locale=locale)).replace("-", "\u2212")


def _day(value: date, locale: str) -> str:
    return str(format_date(value, format="medium", locale=locale))


def email_variables(invoice: Invoice, company: Company, link: str) -> dict[str, Any]:
    """The variables every template may use."""
    amount_due = invoice.residual if invoice.doc_type == "invoice" else invoice.gross_total
    return {
        "customer_name": invoice.billing_name or invoice.customer.name,
        "number": invoice.number or "",
        "document": {"invoice": "invoice", "credit_note": "credit note", "proforma": "proforma"}[
            invoice.doc_type
        ],
        "amount_due": _money(amount_due, invoice.currency, company.locale),
        "total": _money(invoice.gross_total, invoice.currency, company.locale),
        "due_date": _day(invoice.due_date, company.locale),
        "invoice_date": _day(invoice.invoice_date, company.locale),
        "link": link,
        "company": company.name,
        "company_email": company.email,
        "company_phone": company.phone,
        "credited_number": invoice.credited_invoice.number if invoice.credited_invoice else "",
        # Only a plain #rrggbb reaches the style attribute of the e-mail's button.
        "brand": company.brand_color
        if _HEX_COLOUR.fullmatch(company.brand_color)
        else DEFAULT_BRAND,
    }


def text_to_html(text: str) -> str:
    """An HTML part for a company template written as plain text: paragraphs, line breaks."""
    paragraphs = escape(text).split("\n\n")
    return "".join(f"<p>{p.strip()}</p>".replace("\n", "<br>\n") for p in paragraphs if p.strip())


def render_custom(
    subject: str, body_text: str, body_html: str, variables: dict[str, Any]
) -> RenderedEmail:
    """Render a company's own template in the sandbox; unknown variables raise."""
    text = _text_env.from_string(body_text).render(**variables)
    html = _html_env.from_string(body_html).render(**variables) if body_html else text_to_html(text)
    rendered_subject = _text_env.from_string(subject).render(**variables)
    return RenderedEmail(" ".join(rendered_subject.split()), text, html)


def render_email(
    template: str, variables: dict[str, Any], custom: tuple[str, str, str] | None = None
) -> RenderedEmail:
    """`custom` = (subject, text, html) of the company's own wording, else the built-in one."""
    if custom is not None:
        return render_custom(*custom, variables)
    subject = _text_env.from_string(SUBJECTS[template]).render(**variables)
    text = render_template(f"invoicing/email/{template}.txt", **variables)
    html = render_template(f"invoicing/email/{template}.html", **variables)
    return RenderedEmail(" ".join(subject.split()), text, html)


def sender_address(company: Company) -> str:
    sender = current_app.config.get("MAIL_FROM") or company.email
    if not sender:
        raise MailNotConfigured("Set MAIL_FROM or the company e-mail address to send e-mail.")
    return str(sender)


def new_message_id(sender: str) -> str:
    """A Message-ID fixed when the mail is queued, so a resend carries the same one."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "fieldpost.local"
    return f"<{uuid.uuid4().hex}.outbox@{domain}>"


def valid_address(address: str) -> bool:
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in address or ""):
        return False  # a line break would smuggle in more headers
    _, addr = parseaddr(address or "")
    local, _, domain = addr.partition("@")
    return bool(local and "." in domain and " " not in addr and len(addr) <= 254)


def build_message(
    *,
    sender: str,
    to: str,
    subject: str,
    text: str,
    html: str,
    message_id: str,
    attachment: tuple[str, bytes] | None,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(clock.now_utc())
    message["Message-ID"] = message_id
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    if attachment is not None:
        filename, content = attachment
        message.add_attachment(content, maintype="application", subtype="pdf", filename=filename)
    return message


def deliver(message: EmailMessage) -> str:
    """Hand the message to the SMTP server; returns a line for the log. Raises
    smtplib.SMTPException or OSError when the server is down or refuses."""
    config = current_app.config
    host, port, tls = config["SMTP_HOST"], int(config["SMTP_PORT"]), config.get("SMTP_TLS")
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if tls == "ssl":
        smtp = smtplib.SMTP_SSL(host, port, timeout=SMTP_TIMEOUT, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT)
    with smtp:
        if tls == "starttls":
            smtp.starttls(context=context)
        if config.get("SMTP_USERNAME"):
            smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD", ""))
        refused = smtp.send_message(message)
    if refused:
        raise smtplib.SMTPRecipientsRefused(refused)
    return f"Accepted by {host}:{port}"
