"""Marshmallow fields for the API's exact types: decimals travel as strings, never as floats."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields, validate

from app.core.money import InvalidNumber, to_decimal


class DecimalString(fields.String):
    """A decimal written as a JSON string ("123.45"); a JSON number is refused (422)."""

    def __init__(self, places: int = 2, **kwargs: Any) -> None:
        example = "123.45" if places == 2 else "1.5"
        metadata = {
            "format": "decimal",
            "pattern": rf"^-?[0-9]{{1,12}}(\.[0-9]{{1,{places}}})?$",
            "example": example,
            **kwargs.pop("metadata", {}),
        }
        super().__init__(metadata=metadata, **kwargs)
        self.places = places

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        return str(value)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, str):
            raise ValidationError('Send a decimal string such as "123.45", not a JSON number.')
        text = value.strip()
        if not text or not all(c.isdigit() or c in ".-" for c in text):
            raise ValidationError('Enter a decimal such as "123.45" (digits and one dot).')
        try:
            number = to_decimal(text, places=self.places)
        except InvalidNumber as exc:
            raise ValidationError(f"The number {exc}.") from None
        if abs(number) >= Decimal(10) ** 12:
            raise ValidationError("The number is too large.")
        return number


class Money(DecimalString):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(places=2, **kwargs)


class Quantity(DecimalString):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(places=3, **kwargs)


class Text(fields.String):
    """A string the database can store: no NUL characters, no lone surrogates."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text: str = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise ValidationError("Remove the NUL character.")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationError("Send valid UTF-8 text.") from None
        return text


MAX_ID = 2**31 - 1


def Id(*, strict: bool = True, **kwargs: Any) -> fields.Integer:  # noqa: N802 - a field type
    """A database id from 1 to 2^31-1: a whole JSON number in bodies (strict), digits in queries."""
    return fields.Integer(strict=strict, validate=validate.Range(min=1, max=MAX_ID), **kwargs)


def Day(**kwargs: Any) -> fields.Date:  # noqa: N802 - reads as a field type
    """An ISO date YYYY-MM-DD within years 1900-2999."""
    return fields.Date(
        validate=validate.Range(min=date(1900, 1, 1), max=date(2999, 12, 31)), **kwargs
    )


def _sane_year(value: datetime) -> None:
    if not 1900 <= value.year <= 2999:
        raise ValidationError("Use a year from 1900 to 2999.")


def Instant(**kwargs: Any) -> fields.DateTime:  # noqa: N802 - reads as a field type
    """An ISO 8601 date-time; without a zone it is company-local time."""
    return fields.DateTime(format="iso", validate=_sane_year, **kwargs)
