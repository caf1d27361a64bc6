"""The invoice list's money formatting: stored cents written as decimal strings."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.invoicing.queries import _cents


@pytest.mark.parametrize("cents", [0, 5, 99, 100, 12345, -5, -100, -12345, 10**12 + 7])
def test_cents_read_like_the_decimal_they_store(cents):
    expected = str(Decimal(cents).scaleb(-2).quantize(Decimal("0.01")))
    assert _cents(cents) == expected
