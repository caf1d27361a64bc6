"""`flask catalog ...`: import the catalog from CSV (with a preview) and list units."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from app.catalog.csv_import import ImportReport, import_catalog, preview_catalog_import
from app.catalog.services import items_in_other_currencies
from app.catalog.units import add_unit, list_units
from app.company.services import books_currency
from app.core.errors import DomainError

catalog_cli = AppGroup("catalog", help="Catalog import and settings.")


def _print_errors(report: ImportReport) -> None:
    for error in report.errors:
        click.echo(error.text, err=True)


@catalog_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--preview", is_flag=True, help="Show what would change; write nothing.")
def import_command(path: Path, preview: bool) -> None:
    """Import items from a CSV file: all rows or none, updating items by SKU."""
    data = path.read_bytes()
    if preview:
        try:
            report = preview_catalog_import(None, data)
        except DomainError as error:
            _report(error)
        for row in report.rows:
            click.echo(f"row {row.row}: {row.action} {row.values.get('name', '')}")
        _print_errors(report)
        click.echo(
            f"{report.created} to create, {report.updated} to update, {len(report.errors)} error(s)"
        )
        sys.exit(1 if report.errors else 0)
    try:
        report = import_catalog(None, data)
    except DomainError as error:
        for field, messages in error.fields.items():
            click.echo(f"{field}: {'; '.join(messages)}", err=True)
        click.echo(error.message, err=True)
        sys.exit(1)
    click.echo(f"Imported: {report.created} created, {report.updated} updated.")


@catalog_cli.command("units")
def units_command() -> None:
    """The units the catalog accepts, and the currency its prices are in."""
    click.echo("Units: " + ", ".join(u.code for u in list_units()))
    try:
        currency = books_currency()
    except DomainError:
        click.echo("Currency: not set yet (set up the company first: its currency prices items)")
        return
    click.echo(f"Currency: {currency} (the books' currency, a company setting)")
    others = items_in_other_currencies(currency)
    if others:
        click.echo(
            f"{len(others)} item(s) priced in another currency cannot be invoiced until "
            f"re-priced in {currency}: " + ", ".join(others),
            err=True,
        )


def _report(error: DomainError) -> None:
    for field, messages in (error.fields or {"error": [error.message]}).items():
        click.echo(f"{field}: {'; '.join(messages)}", err=True)
    sys.exit(1)


@catalog_cli.command("add-unit")
@click.argument("code")
@click.option("--name", default="")
def add_unit_command(code: str, name: str) -> None:
    """Allow a unit of measure in the catalog (e.g. roll)."""
    try:
        click.echo(f"Added unit {add_unit(None, code, name).code}")
    except DomainError as error:
        _report(error)
