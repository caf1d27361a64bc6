"""A dispatcher's day through `flask orders ...` and `flask catalog import`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from tests.service_orders.conftest import NOW


def _run(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=list(args), catch_exceptions=False)


def test_dispatchers_day_from_create_to_draft_invoice(app: Flask, world: Any) -> None:
    office = ("--as", world.dispatcher.email)
    created = _run(
        app,
        "orders",
        "create",
        "--customer",
        str(world.customer.id),
        "--description",
        "No hot water",
        "--call-out-sku",
        "FEE",
        *office,
    )
    reference = created.output.split()[0]
    start, end = NOW.isoformat(), NOW.replace(hour=12).isoformat()
    steps = [
        (
            "orders",
            "schedule",
            reference,
            "--start",
            start,
            "--end",
            end,
            "--tech",
            world.tech.email,
            *office,
        ),
        ("orders", "log-time", reference, "--minutes", "50", "--as", world.tech.email),
        (
            "orders",
            "add-part",
            reference,
            "--sku",
            "VALVE",
            "--quantity",
            "2",
            "--as",
            world.tech.email,
        ),
        ("orders", "complete", reference, *office),
    ]
    for step in steps:
        assert _run(app, *step).exit_code == 0
    assert f"Acme Facilities: {reference}" in _run(app, "orders", "queue", *office).output
    invoiced = _run(app, "orders", "invoice", reference, *office)
    # 1 h labour 68.00 + fee 55.00 at 13.5 % -> 16.61; 2 valves 49.80 at 23 % -> 11.45.
    assert "3 lines, net 172.80, gross 200.86 EUR" in invoiced.output


def test_cli_refusal_prints_field_and_exits_1(app: Flask, world: Any) -> None:
    order = world.in_progress(world.tech)
    result = _run(
        app, "orders", "log-time", str(order.id), "--minutes", "30", "--as", world.tech2.email
    )
    assert result.exit_code == 1
    assert "order_id: No such service order." in result.output


def test_technician_show_prints_no_prices(app: Flask, world: Any) -> None:
    order = world.in_progress(world.tech)
    _run(
        app,
        "orders",
        "add-part",
        str(order.id),
        "--sku",
        "VALVE",
        "--quantity",
        "1",
        "--as",
        world.tech.email,
    )
    shown = _run(app, "orders", "show", str(order.id), "--as", world.tech.email).output
    assert "Radiator valve" in shown
    assert "24.90" not in shown


def test_catalog_import_command_reports_row_and_column(
    app: Flask, session: Any, tmp_path: Path
) -> None:
    path = tmp_path / "catalog.csv"
    path.write_text("name,type,unit,group,currency,VAT rate,price\nNut,product,pcs,,EUR,23,x\n")
    result = _run(app, "catalog", "import", str(path))
    assert result.exit_code == 1
    assert "row 2, price" in result.output
