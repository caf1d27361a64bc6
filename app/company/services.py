"""Reading and changing company settings, including the lock date."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.numbers import get_currency_name
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from sqlalchemy import select
from stdnum.eu import vat

from app.company.models import Company
from app.core import clock
from app.core.db import use_case
from app.core.errors import DomainError, Errors, PeriodLocked, ValidationFailed
from app.core.numbering import SERIES_CODES, NumberCounter, get_series
from app.extensions import db

EDITABLE = [
    "name",
    "street",
    "city",
    "postal_code",
    "country",
    "email",
    "phone",
    "website",
    "vat_id",
    "registration_number",
    "iban",
    "bic",
    "bank_name",
    "currency",
    "locale",
    "timezone",
    "default_payment_terms_days",
    "vat_registered",
    "default_vat_rate",
    "terms_url",
    "invoice_footer",
    "brand_color",
    "logo_path",
    "time_rounding_minutes",
    "time_rounding_scope",
    "minimum_billable_minutes",
]


class CompanyNotConfigured(DomainError):
    code = "company_not_configured"


NOT_CONFIGURED = "Set up the company first (flask demo load or the settings page)."


def get_company(*, for_update: bool = False, for_share: bool = False) -> Company:
    stmt = select(Company).order_by(Company.id).limit(1)
    if for_update:
        stmt = stmt.with_for_update()
    elif for_share:
        stmt = stmt.with_for_update(read=True)
    company = db.session.scalar(stmt)
    if company is None:
        raise CompanyNotConfigured(NOT_CONFIGURED)
    return company


@dataclass(frozen=True)
class PostingRules:
    """The settings every posting checks."""

    vat_registered: bool
    lock_date: date | None
    currency: str


_READ_TIMEZONE = select(Company.timezone).order_by(Company.id).limit(1)


def timezone_column() -> Any:
    """The company's time zone name as a column another read can carry along (NULL before
    the company is set up), so a use case that locks its own row learns the zone in the
    same statement."""
    return _READ_TIMEZONE.scalar_subquery()


def company_timezone() -> str:
    """The company's time zone name: one column, not the whole settings row (read by every
    time entry and every list that says what is overdue)."""
    name = db.session.scalar(_READ_TIMEZONE)  # through the session: pending changes count
    if name is None:
        raise CompanyNotConfigured(NOT_CONFIGURED)
    return str(name)


def books_currency() -> str:
    """The currency the books are kept in (ISO 4217): every price and document is in it."""
    code = db.session.scalar(select(Company.currency).order_by(Company.id).limit(1))
    if code is None:
        raise CompanyNotConfigured(NOT_CONFIGURED)
    return str(code)


def company_locale() -> str:
    """How dates and numbers are written for the company (a Babel locale such as en_IE)."""
    code = db.session.scalar(select(Company.locale).order_by(Company.id).limit(1))
    if code is None:
        raise CompanyNotConfigured(NOT_CONFIGURED)
    return str(code)


def company_today() -> date:
    return clock.today_in(company_timezone())


def _is_web_address(text: str) -> bool:
    """The terms link is printed as a link on PDFs and the customer page: only web addresses."""
    parts = urlsplit(text)
    return (
        parts.scheme in ("https", "http")
        and bool(parts.netloc)
        and not any(c.isspace() for c in text)
    )


def _validate_settings(values: dict[str, Any], errors: Errors) -> None:
    if "name" in values and not str(values["name"]).strip():
        errors.add("name", "Enter the company name.")
    if values.get("vat_id") and not vat.is_valid(values["vat_id"]):
        errors.add("vat_id", "Enter a valid EU VAT number, e.g. IE6388047V.")
    if values.get("terms_url") and not _is_web_address(values["terms_url"]):
        errors.add(
            "terms_url",
            "Enter a web address starting with https://, e.g. https://example.ie/terms.",
        )
    if values.get("iban"):
        try:
            values["iban"] = IBAN(values["iban"]).compact
        except SchwiftyException:
            errors.add("iban", "Enter a valid IBAN, e.g. IE29 AIBK 9311 5212 3456 78.")
    if values.get("bic"):
        try:
            values["bic"] = str(BIC(values["bic"]))
        except SchwiftyException:
            errors.add("bic", "Enter a valid BIC, e.g. AIBKIE2D.")
    if "timezone" in values:
        try:
            ZoneInfo(values["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            errors.add("timezone", "Enter a time zone such as Europe/Dublin.")
    if "locale" in values:
        try:
            Locale.parse(values["locale"])
        except (UnknownLocaleError, ValueError):
            errors.add("locale", "Enter a locale such as en_IE or de_DE.")
    if "currency" in values:
        try:
            get_currency_name(values["currency"], locale="en", count=None)
            if len(values["currency"]) != 3 or not values["currency"].isupper():
                raise ValueError
        except (ValueError, LookupError):
            errors.add("currency", "Enter an ISO 4217 currency code such as EUR.")
    terms = values.get("default_payment_terms_days")
    if terms is not None and not (0 <= int(terms) <= 365):
        errors.add("default_payment_terms_days", "Enter between 0 and 365 days.")
    if values.get("time_rounding_scope") not in (None, "entry", "order"):
        errors.add("time_rounding_scope", "Choose per entry or per order.")
    minutes = values.get("time_rounding_minutes")
    if minutes is not None and int(minutes) not in (1, 5, 6, 10, 15, 30, 60):
        errors.add("time_rounding_minutes", "Choose 1, 5, 6, 10, 15, 30 or 60 minutes.")


@use_case
def update_settings(actor: Any, **values: Any) -> Company:
    unknown = set(values) - set(EDITABLE)
    errors = Errors()
    for field in sorted(unknown):
        errors.add(field, "This setting cannot be changed here.")
    _validate_settings(values, errors)
    errors.raise_if_any()
    company = get_company(for_update=True)
    old_currency = company.currency
    if values.get("currency", old_currency) != old_currency:
        _refuse_currency_change_after_documents(old_currency)
    for key, value in values.items():
        setattr(company, key, value)
    if company.currency != old_currency:
        for follow in _currency_followers:
            follow(old_currency, company.currency)
    return company


# Modules above company that keep prices in the books' currency (the catalog) register here
# to follow a change of it in the same transaction, without company importing them.
_currency_followers: list[Callable[[str, str], None]] = []


def follow_currency_change(follow: Callable[[str, str], None]) -> None:
    """`follow(old, new)` runs when the books' currency changes (only before any document is
    issued); a second registration of the same function is ignored."""
    if follow not in _currency_followers:
        _currency_followers.append(follow)


def _refuse_currency_change_after_documents(currency: str) -> None:
    """The ledger keeps one currency and no exchange rates: once a document has a number,
    its amounts are in the books' currency for good, so that currency stays."""
    issued = db.session.scalar(select(NumberCounter.id).limit(1))
    if issued is not None:
        raise ValidationFailed(
            {
                "currency": [
                    f"Documents were already issued in {currency}; the books keep one "
                    "currency, so it cannot change now."
                ]
            }
        )


@use_case
def update_numbering(actor: Any, code: str, *, prefix_template: str, start_number: int) -> None:
    """Prefix and start number may change; a start below numbers already drawn cannot."""
    errors = Errors()
    if code not in SERIES_CODES:
        errors.add("series", f"Unknown series {code!r}.")
    if not prefix_template or len(prefix_template) > 30:
        errors.add("prefix_template", "Enter a prefix of 1 to 30 characters, e.g. INV-{year}-.")
    if not isinstance(start_number, int) or not (1 <= start_number <= 10**9):
        errors.add("start_number", "Enter a whole number from 1.")
    errors.raise_if_any()
    series = get_series(code)
    drawn = db.session.scalar(select(NumberCounter.id).where(NumberCounter.series == code))
    if drawn is not None and start_number != series.start_number:
        # Every (series, year) counts from the start number; moving it after numbers were
        # issued would make the issued ones look like a gap or a repeat.
        raise ValidationFailed(
            {"start_number": ["Numbers were already issued in this series; keep its start."]}
        )
    series.prefix_template = prefix_template
    series.start_number = start_number


@use_case
def set_lock_date(actor: Any, lock_date: date) -> Company:
    """Close the books up to `lock_date`. Moving it back would reopen closed periods: refused."""
    company = get_company(for_update=True)
    if company.lock_date and lock_date < company.lock_date:
        raise PeriodLocked(
            f"Books are locked to {company.lock_date.isoformat()}; the lock date cannot move back.",
            field="lock_date",
        )
    if lock_date >= clock.today_in(company.timezone):
        raise PeriodLocked("The lock date must be before today.", field="lock_date")
    company.lock_date = lock_date
    return company


def ensure_open_period(company: Company, day: date, field: str = "date") -> None:
    if company.lock_date and day <= company.lock_date:
        raise PeriodLocked(
            f"Books locked to {company.lock_date.strftime('%d %b %Y')}; pick a later date.",
            field=field,
        )
