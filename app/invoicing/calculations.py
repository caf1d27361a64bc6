"""Document totals by the EN 16931 rounding rule. Pure: no Flask, no database.

Line net = quantity x unit price - line discount, rounded half-up to the cent. A document
discount is allocated across VAT rates (and, within a rate, across revenue kinds) by largest
remainder, so the parts add up exactly. VAT per rate = rate base x rate, rounded once.
Gross = net + VAT. The journal entry is built from these same figures.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from app.core.money import ZERO, allocate, round_money

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class LineInput:
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    vat_rate: Decimal
    kind: str  # labour, parts or other


@dataclass(frozen=True)
class TaxLine:
    rate: Decimal
    base: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Totals:
    line_nets: list[Decimal]
    subtotal: Decimal  # sum of line nets, before the document discount
    discount: Decimal  # document discount actually applied
    net: Decimal
    taxes: list[TaxLine]
    vat: Decimal
    gross: Decimal
    # Net revenue per kind after the document discount: what the entry credits.
    revenue_by_kind: dict[str, Decimal] = field(default_factory=dict)


def line_net(line: LineInput) -> Decimal:
    gross_amount = line.quantity * line.unit_price
    discount = gross_amount * line.discount_percent / HUNDRED
    return round_money(gross_amount - discount)


def document_discount(subtotal: Decimal, kind: str | None, value: Decimal | None) -> Decimal:
    """The discount in money; never more than the subtotal, never below zero."""
    if not kind or not value or subtotal <= 0:
        return ZERO
    amount = round_money(subtotal * value / HUNDRED) if kind == "percent" else value
    return min(max(amount, ZERO), subtotal)


def compute_totals(
    lines: list[LineInput], discount_kind: str | None = None, discount_value: Decimal | None = None
) -> Totals:
    nets = [line_net(line) for line in lines]
    subtotal = sum(nets, ZERO)
    discount = document_discount(subtotal, discount_kind, discount_value)

    by_rate: dict[Decimal, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for line, net in zip(lines, nets, strict=True):
        by_rate[line.vat_rate][line.kind] += net
    rates = sorted(by_rate)
    rate_bases = [sum(by_rate[r].values(), ZERO) for r in rates]
    rate_discounts = allocate(discount, rate_bases)

    taxes: list[TaxLine] = []
    revenue: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for rate, base, rate_discount in zip(rates, rate_bases, rate_discounts, strict=True):
        kinds = sorted(by_rate[rate])
        kind_discounts = allocate(rate_discount, [by_rate[rate][k] for k in kinds])
        for kind, kind_discount in zip(kinds, kind_discounts, strict=True):
            revenue[kind] += by_rate[rate][kind] - kind_discount
        taxable = base - rate_discount
        taxes.append(TaxLine(rate=rate, base=taxable, amount=round_money(taxable * rate / HUNDRED)))

    net = subtotal - discount
    vat = sum((t.amount for t in taxes), ZERO)
    return Totals(
        line_nets=nets,
        subtotal=subtotal,
        discount=discount,
        net=net,
        taxes=taxes,
        vat=vat,
        gross=net + vat,
        revenue_by_kind=dict(revenue),
    )
