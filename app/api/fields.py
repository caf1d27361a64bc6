"""Marshmallow fields for the API's exact types: decimals travel as strings, never as floats."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields, validate

from app.core.money import to_decimal
from app.core.search import MAX_ID


class DecimalString(fields.String):
    """A decimal written as a JSON string ("123.45"); a JSON number is refused (422).

    One rule, stated by the field's OpenAPI pattern and applied by the parser with the same
    regex: ASCII digits 0-9 (Decimal alone would take fullwidth digits), at most `digits`
    before the dot and `places` after it, and a leading "-" only where negative values mean
    something (`signed`). No "+", spaces or exponents. Range rules (above 0, at most 100) are
    the service's and are described on the field.
    """

    def __init__(
        self, places: int = 2, *, digits: int = 12, signed: bool = True, **kwargs: Any
    ) -> None:
        body = rf"{'-?' if signed else ''}[0-9]{{1,{digits}}}(\.[0-9]{{1,{places}}})?"
        self._init(places, digits, signed, body, kwargs)

    def _init(
        self, places: int, digits: int, signed: bool, body: str, kwargs: dict[str, Any]
    ) -> None:
        metadata = {
            "format": "decimal",
            "pattern": f"^{body}$",
            "example": "123.45" if places == 2 else "1.5",
            **kwargs.pop("metadata", {}),
        }
        super().__init__(metadata=metadata, **kwargs)
        self.places, self.digits, self.signed = places, digits, signed
        self.regex = re.compile(body)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        return str(value)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, str):
            raise ValidationError('Send a decimal string such as "123.45", not a JSON number.')
        if not self.regex.fullmatch(value):
            raise ValidationError(self._refusal(value))
        return to_decimal(value, places=self.places)

    def _refusal(self, text: str) -> str:
        """Why `text` does not fit the pattern, in the caller's terms."""
        sign, unsigned = ("-", text[1:]) if text.startswith("-") else ("", text)
        whole, dot, decimals = unsigned.partition(".")
        if not whole or (dot and not decimals) or not _ascii_digits(whole + decimals):
            return 'Write the number with the digits 0-9 and one dot, such as "123.45".'
        if sign and not self.signed:
            return "Enter a number of 0 or more; negative numbers are refused."
        if len(decimals) > self.places:
            return f"Enter at most {self.places} decimals."
        return self._out_of_range()

    def _out_of_range(self) -> str:
        return f"Enter at most {self.digits} digits before the dot."


def _ascii_digits(text: str) -> bool:
    return all("0" <= c <= "9" for c in text)


class Money(DecimalString):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(places=2, **kwargs)


class Quantity(DecimalString):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(places=3, **kwargs)


class Percent(DecimalString):
    """A percentage from 0 to 100 with at most 2 decimals; the pattern says exactly that."""

    def __init__(self, **kwargs: Any) -> None:
        body = r"(100(\.0{1,2})?|[0-9]{1,2}(\.[0-9]{1,2})?)"
        self._init(2, 3, False, body, kwargs)

    def _out_of_range(self) -> str:
        return 'Enter a percentage from 0 to 100, such as "23" or "13.5".'


class Capped(DecimalString):
    """An unsigned decimal with as many digits as `cap` before the dot and as many places as it
    has after, so the pattern is exactly what the service accepts up to the cap (the caps of
    app/core/money.py); more digits are refused naming the cap itself."""

    def __init__(self, cap: Decimal, label: str, **kwargs: Any) -> None:
        exponent = cap.as_tuple().exponent
        assert isinstance(exponent, int)
        super().__init__(-exponent, digits=cap.adjusted() + 1, signed=False, **kwargs)
        self.cap_message = f"A {label} can be at most {cap:,}."

    def _out_of_range(self) -> str:
        return self.cap_message


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


class StrictBoolean(fields.Boolean):
    """A JSON true or false in a request body; "yes", "off", "TRUE" or 1 are refused (422),
    never guessed. The type test matters: 1 == True, so a set lookup would take 1."""

    default_error_messages = {"invalid": "Send true or false."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


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
