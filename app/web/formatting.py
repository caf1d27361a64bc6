"""Jinja filters for money, numbers and dates, through Babel with the company's locale."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal
from flask import Flask, g

DEFAULTS = {"locale": "en_IE", "currency": "EUR", "timezone": "Europe/Dublin"}


def _settings() -> dict[str, str]:
    if "format_settings" not in g:
        from app.company.models import Company
        from app.extensions import db

        company = db.session.query(Company).first()
        g.format_settings = (
            {"locale": company.locale, "currency": company.currency, "timezone": company.timezone}
            if company
            else dict(DEFAULTS)
        )
    return g.format_settings  # type: ignore[no-any-return]


def money(value: Decimal | None, currency: str | None = None) -> str:
    if value is None:
        return ""
    s = _settings()
    text = format_currency(value, currency or s["currency"], locale=s["locale"])
    return text.replace("-", "\u2212")  # a real minus sign


def number(value: Decimal | None, places: int = 2) -> str:
    if value is None:
        return ""
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return format_decimal(value, format=pattern, locale=_settings()["locale"]).replace(
        "-", "\u2212"
    )


def quantity(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format_decimal(value.normalize(), locale=_settings()["locale"])


def day(value: date | None) -> str:
    return format_date(value, format="medium", locale=_settings()["locale"]) if value else ""


def short_day(value: date | None) -> str:
    """Weekday, day and month ("Mon 16 Nov"): column heads where the year is plain."""
    return format_date(value, format="EEE d MMM", locale=_settings()["locale"]) if value else ""


def moment(value: datetime | None) -> str:
    if value is None:
        return ""
    s = _settings()
    return format_datetime(
        value.astimezone(ZoneInfo(s["timezone"])), format="medium", locale=s["locale"]
    )


def register_filters(app: Flask) -> None:
    app.jinja_env.filters.update(
        money=money,
        number=number,
        quantity=quantity,
        day=day,
        short_day=short_day,
        moment=moment,
    )
