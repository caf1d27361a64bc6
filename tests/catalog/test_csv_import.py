"""Catalog CSV import: preview, all-or-nothing, errors by row and column, re-import by SKU."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select, text

from app.catalog.csv_import import (
    CatalogImportFailed,
    RowError,
    import_catalog,
    preview_catalog_import,
)
from app.catalog.models import CatalogItem
from app.catalog.services import items_in_other_currencies
from app.catalog.units import add_unit
from app.company.services import update_settings
from tests.factories import CatalogItemFactory

HEADER = "sku,name,type,unit,group,currency,VAT rate,price\n"


def _count(session: Any) -> int:
    return session.scalar(select(func.count()).select_from(CatalogItem))


def _item(session: Any, sku: str) -> CatalogItem:
    return session.scalar(select(CatalogItem).where(CatalogItem.sku == sku))


def _rows(count: int, bad_at: int | None = None) -> str:
    lines = [HEADER]
    for n in range(count):
        price = "abc" if n == bad_at else f"{n % 90 + 1}.50"
        lines.append(f"P-{n:05d},Part {n},product,pcs,Heating,EUR,23,{price}\n")
    return "".join(lines)


def test_import_creates_items(session: Any) -> None:
    data = (
        HEADER + "V-1,Valve 22 mm,product,pcs,Heating,EUR,23,24.90\n"
        "S-1,Annual service,service,h,Service,EUR,13.5,149\n"
    ).encode()
    report = import_catalog(None, data)
    assert (report.created, report.updated) == (2, 0)
    valve, service = _item(session, "V-1"), _item(session, "S-1")
    assert (valve.kind, valve.unit, valve.group, valve.price, valve.vat_rate) == (
        "part",
        "pcs",
        "Heating",
        Decimal("24.90"),
        Decimal("23.00"),
    )
    assert (service.kind, service.unit, service.price) == ("service", "h", Decimal("149.00"))


def test_import_one_bad_row_in_thousand_writes_nothing(session: Any) -> None:
    before = _count(session)
    with pytest.raises(CatalogImportFailed) as failed:
        import_catalog(None, _rows(1000, bad_at=736).encode())
    assert [(e.row, e.column) for e in failed.value.errors] == [(738, "price")]
    assert "row 738, price" in failed.value.fields
    assert "nothing was imported" in failed.value.message
    assert _count(session) == before


def test_import_thousand_rows_accepted(session: Any) -> None:
    before = _count(session)
    assert import_catalog(None, _rows(1000).encode()).created == 1000
    assert _count(session) == before + 1000


def test_import_names_every_error_with_row_and_column(session: Any) -> None:
    data = (HEADER + "A,,product,pcs,,EUR,23,1\nB,Bolt,gadget,pc,,USD,230,-1\n").encode()
    with pytest.raises(CatalogImportFailed) as failed:
        import_catalog(None, data)
    assert sorted((e.row, e.column) for e in failed.value.errors) == [
        (2, "name"),
        (3, "VAT rate"),
        (3, "currency"),
        (3, "price"),
        (3, "type"),
        (3, "unit"),
    ]


def test_import_accepts_utf8_bom_and_semicolons(session: Any) -> None:
    data = (
        "\ufeffsku;name;type;unit;group;currency;VAT rate;price\n"
        "K-1;Kühlmittel;product;l;Kälte;EUR;19;12,40\n"
    )
    report = import_catalog(None, data.encode("utf-8"))
    item = _item(session, "K-1")
    assert report.created == 1
    assert (item.name, item.group, item.price) == ("Kühlmittel", "Kälte", Decimal("12.40"))


def test_import_latin1_file_refused_naming_encoding(session: Any) -> None:
    data = (HEADER + "K-1,Kühlmittel,product,l,,EUR,19,12.40\n").encode("latin-1")
    before = _count(session)
    with pytest.raises(CatalogImportFailed) as failed:
        import_catalog(None, data)
    message = failed.value.errors[0].message
    assert "not UTF-8: byte 0xFC on row 2" in message
    assert _count(session) == before


def test_reimport_updates_by_sku(session: Any) -> None:
    import_catalog(None, (HEADER + "V-1,Valve,product,pcs,Heating,EUR,23,24.90\n").encode())
    before = _count(session)
    report = import_catalog(
        None, (HEADER + "V-1,Valve 22 mm,product,pcs,Plumbing,EUR,23,26.10\n").encode()
    )
    item = _item(session, "V-1")
    assert (report.created, report.updated) == (0, 1)
    assert (item.name, item.group, item.price) == ("Valve 22 mm", "Plumbing", Decimal("26.10"))
    assert _count(session) == before


def test_import_unknown_unit_refused_until_added_to_settings(session: Any) -> None:
    data = (HEADER + "R-1,Rope,product,roll,,EUR,23,3\n").encode()
    with pytest.raises(CatalogImportFailed, match="Unknown unit 'roll'"):
        import_catalog(None, data)
    add_unit(None, "roll", "Rolls")
    assert import_catalog(None, data).created == 1


def test_import_in_another_currency_than_the_books_refused_naming_the_row(session: Any) -> None:
    data = (HEADER + "R-1,Rope,product,pcs,,EUR,20,3\nR-2,Cord,product,pcs,,GBP,20,3\n").encode()
    before = _count(session)
    with pytest.raises(CatalogImportFailed) as refused:
        import_catalog(None, data)
    assert refused.value.errors == [
        RowError(3, "currency", "The books are kept in EUR and cannot carry GBP; use EUR.")
    ]
    assert _count(session) == before


def test_import_takes_the_books_currency_whatever_its_case(session: Any) -> None:
    data = (HEADER + "R-1,Rope,product,pcs,,eur,20,3\n").encode()
    assert import_catalog(None, data).created == 1


def test_preview_reports_actions_and_writes_nothing(session: Any) -> None:
    import_catalog(None, (HEADER + "V-1,Valve,product,pcs,,EUR,23,24.90\n").encode())
    before = _count(session)
    report = preview_catalog_import(
        None,
        (HEADER + "V-1,Valve,product,pcs,,EUR,23,25\nN-1,Nut,product,pcs,,EUR,23,x\n").encode(),
    )
    assert [(r.row, r.action) for r in report.rows] == [(2, "update"), (3, "create")]
    assert [(e.row, e.column) for e in report.errors] == [(3, "price")]
    assert _count(session) == before


def test_import_duplicate_sku_in_file_refused(session: Any) -> None:
    data = (HEADER + "D-1,A,product,pcs,,EUR,23,1\nD-1,B,product,pcs,,EUR,23,2\n").encode()
    with pytest.raises(CatalogImportFailed) as failed:
        import_catalog(None, data)
    assert [(e.row, e.column, e.message) for e in failed.value.errors] == [
        (3, "sku", "SKU D-1 repeats row 2.")
    ]


def test_import_missing_column_refused(session: Any) -> None:
    with pytest.raises(CatalogImportFailed, match="Missing column 'price'"):
        import_catalog(None, b"name,type,unit,group,currency,VAT rate\nA,product,pcs,,EUR,23\n")


def test_import_labour_with_kind_and_rate_kind(session: Any) -> None:
    data = (
        b"sku,name,type,kind,rate kind,unit,group,currency,VAT rate,price\n"
        b"L-OT,Overtime,service,labour,overtime,h,,EUR,13.5,95\n"
    )
    import_catalog(None, data)
    item = _item(session, "L-OT")
    assert (item.kind, item.rate_kind, item.price) == ("labour", "overtime", Decimal("95.00"))


def test_import_empty_file_refused(session: Any) -> None:
    with pytest.raises(CatalogImportFailed, match="empty"):
        import_catalog(None, b"")


def test_import_kind_contradicting_type_refused(session: Any) -> None:
    data = b"name,type,kind,unit,group,currency,VAT rate,price\nPump,service,part,pcs,,EUR,23,100\n"
    with pytest.raises(CatalogImportFailed) as failed:
        import_catalog(None, data)
    assert [(e.row, e.column) for e in failed.value.errors] == [(2, "kind")]


def test_import_without_a_currency_column_or_cell_prices_in_the_books_currency(
    session: Any,
) -> None:
    update_settings(None, currency="GBP")
    without_column = b"sku,name,type,unit,group,VAT rate,price\nR-1,Rope,product,pcs,,20,3\n"
    assert import_catalog(None, without_column).created == 1
    empty_cell = (HEADER + "R-2,Cord,product,pcs,,,20,3\n").encode()
    assert import_catalog(None, empty_cell).created == 1
    assert (_item(session, "R-1").currency, _item(session, "R-2").currency) == ("GBP", "GBP")


def test_items_left_in_another_currency_are_named_for_the_catalog_settings(session: Any) -> None:
    CatalogItemFactory(sku="OLD-1", currency="EUR")
    session.execute(text("UPDATE catalog_items SET currency = 'SEK' WHERE sku = 'OLD-1'"))
    assert items_in_other_currencies("EUR") == ["OLD-1 (SEK)"]
