"""Catalog settings: the units the catalog accepts."""

from __future__ import annotations

from typing import Any

import pytest

from app.catalog.units import add_unit, unit_codes
from app.core.errors import ValidationFailed


def test_migration_seeds_common_units(session: Any) -> None:
    assert {"pcs", "h", "m", "kg", "l"} <= unit_codes()


def test_add_unit_makes_it_available(session: Any) -> None:
    add_unit(None, "roll", "Rolls")
    assert "roll" in unit_codes()


@pytest.mark.parametrize("code", ["", "two words", "pcs", "x" * 21])
def test_add_bad_or_existing_unit_refused(session: Any, code: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        add_unit(None, code)
    assert "code" in error.value.fields
