"""Money and decimal parsing. Decimal only: floats are refused wherever a number enters."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
# A typed or sent number: ASCII digits and one decimal point, an optional minus. Decimal()
# alone would also read fullwidth or other scripts' digits, "1_000", "+5", "1e3" and "NaN".
PLAIN_DECIMAL = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
ZERO = Decimal("0.00")
# Integer digits any stored amount can have (scaled values fit a 64-bit integer column).
MAX_DIGITS = 15
# Caps on what can be invoiced, and so on every price or quantity stored to be invoiced later
# (catalog prices, part lines). The columns (64-bit integers of thousandths or cents) hold far
# more; these keep a line, a document and the ledger's sums of them well inside those integers:
# 9 digits before the dot for quantities and unit prices, 12 for amounts.
MAX_QUANTITY = Decimal("999999999.999")
MAX_UNIT_PRICE = Decimal("999999999.99")
MAX_AMOUNT = Decimal("999999999999.99")  # a line's net, a document's subtotal and gross


def foreign_currency_refusal(code: object, base_currency: str) -> str | None:
    """Why a price or document in `code` cannot enter the books, or None if it can: the
    ledger keeps one currency and has no exchange rates, so amounts in another currency
    would be booked as if they were in the base currency."""
    if code is None or code == base_currency:
        return None
    return f"The books are kept in {base_currency} and cannot carry {code}; use {base_currency}."


class InvalidNumber(ValueError):
    """A value that is not an acceptable decimal for its field; the message says why."""


def to_decimal(value: object, *, places: int = 2) -> Decimal:
    """Parse `value` exactly; refuse floats, NaN, infinities and more than `places` decimals.

    Accepts Decimal, int and strings with a dot or a comma as decimal separator
    (tablets send what the locale keyboard types).
    """
    if isinstance(value, bool | float):
        raise InvalidNumber("must be given as a decimal string, not a float")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        text = value.strip().replace("\u2212", "-")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        if not PLAIN_DECIMAL.fullmatch(text):
            if any(c.isdigit() for c in text):  # fullwidth digits, "1e3", "+5": written otherwise
                raise InvalidNumber("is not written with the digits 0-9 and one decimal point")
            raise InvalidNumber("is not a number")
        number = Decimal(text)
    else:
        raise InvalidNumber("is not a number")
    if not number.is_finite():
        raise InvalidNumber("must be a finite number")
    if number and number.adjusted() >= MAX_DIGITS:
        raise InvalidNumber("is too large")
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)
    if -exponent > places and number != number.quantize(Decimal(1).scaleb(-places)):
        raise InvalidNumber(f"allows at most {places} decimals")
    return number.quantize(Decimal(1).scaleb(-places))


def money(value: object) -> Decimal:
    """An amount in currency units with exactly two decimals."""
    return to_decimal(value, places=2)


def round_money(value: Decimal) -> Decimal:
    """Half-up to the cent: the EN 16931 rounding rule used for line nets and VAT."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def allocate(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split `total` across `weights` proportionally, in cents, summing exactly to `total`.

    Largest-remainder method: every share is floored to the cent, then the cents left
    over go to the largest remainders (ties to the earlier item), so nothing leaks.
    """
    if not weights:
        return []
    weight_sum = sum(weights, ZERO)
    if weight_sum == 0:
        return [ZERO for _ in weights]
    total_cents = int(total * 100)
    raw = [Decimal(total_cents) * w / weight_sum for w in weights]
    floors = [int(r) for r in raw]  # int() truncates toward zero, same sign as total
    left = total_cents - sum(floors)
    step = 1 if left >= 0 else -1
    order = sorted(range(len(raw)), key=lambda i: (-(abs(raw[i] - floors[i])), i))
    for i in order[: abs(left)]:
        floors[i] += step
    return [Decimal(c).scaleb(-2).quantize(CENT) for c in floors]
