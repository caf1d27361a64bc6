"""The customer form's payment terms: whole ASCII digits only."""

from __future__ import annotations

import pytest

from app.customers.forms import parse_customer


@pytest.mark.parametrize("terms", ["²", "٣٠", "30.5", "-1"])
def test_parse_terms_that_are_not_plain_digits_is_a_form_error(terms: str) -> None:
    values, errors = parse_customer({"name": "A", "payment_terms_days": terms})
    assert "payment_terms_days" in errors
    assert "payment_terms_days" not in values


def test_parse_plain_terms() -> None:
    values, errors = parse_customer({"name": "A", "payment_terms_days": "30"})
    assert (values["payment_terms_days"], errors) == (30, {})
