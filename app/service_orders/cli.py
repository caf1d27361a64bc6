"""`flask orders ...`: a dispatcher's whole day through the services, from the terminal.

Every command acts as a user (`--as EMAIL`, else $FIELDPOST_USER, else the first active
dispatcher), so the same role and object-level checks apply as on the web.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.auth.models import User
from app.auth.services import find_user_by_email
from app.catalog.models import CatalogItem
from app.company.services import company_today
from app.core.errors import DomainError
from app.core.search import contains_text, typed_id
from app.customers.models import Customer
from app.extensions import db
from app.service_orders import invoicing, parts, queries, services, timesheets
from app.service_orders.states import STATE_LABELS

orders_cli = AppGroup("orders", help="Service orders: create, schedule, work, close, invoice.")


@contextmanager
def _reporting() -> Iterator[None]:
    """Domain errors print as `field: message` lines and exit 1; nothing else is hidden."""
    try:
        yield
    except DomainError as error:
        fields = error.fields or {"error": [error.message]}
        for field, messages in fields.items():
            click.echo(f"{field}: {'; '.join(messages)}", err=True)
        sys.exit(1)


def _actor(email: str | None) -> User:
    email = email or os.environ.get("FIELDPOST_USER")
    if email:
        user = find_user_by_email(email)
        if user is None or not user.active:
            raise click.BadParameter(f"no active user {email}", param_hint="--as")
        return user
    user = db.session.scalar(
        select(User).where(User.role == "dispatcher", User.active.is_(True)).order_by(User.id)
    )
    if user is None:
        raise click.UsageError("No dispatcher exists; pass --as EMAIL.")
    return user


def _order_id(value: str) -> int:
    order_id = typed_id(value.strip().upper().removeprefix("SO-"))
    if order_id is None:
        raise click.BadParameter(f"{value!r} is not an order number like SO-00012 or 12")
    return order_id


def _user_id(email: str) -> int:
    user = find_user_by_email(email)
    if user is None:
        raise click.BadParameter(f"no user {email}")
    return user.id


def _customer_id(value: str) -> int:
    customer_id = typed_id(value)
    if customer_id is not None:
        return customer_id
    found = db.session.scalars(
        select(Customer).where(contains_text(Customer.name, value)).order_by(Customer.id)
    ).all()
    if len(found) != 1:
        names = ", ".join(c.name for c in found[:5]) or "none"
        raise click.BadParameter(f"{value!r} matches {len(found)} customers ({names})")
    return found[0].id


def _item_id(sku: str) -> int:
    item_id = db.session.scalar(select(CatalogItem.id).where(CatalogItem.sku == sku))
    if item_id is None:
        raise click.BadParameter(f"no catalog item with SKU {sku}")
    return item_id


def as_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--as", "as_email", help="Act as this user (e-mail).")(fn)


def _say(order: Any) -> None:
    click.echo(f"{order.reference}  {STATE_LABELS[order.state]:<12} {order.customer.name}")


@orders_cli.command("create")
@click.option("--customer", required=True, help="Customer id or a unique part of its name.")
@click.option("--description", required=True)
@click.option("--site", type=int, help="Site id.")
@click.option("--contact", type=int, help="Contact id.")
@click.option(
    "--priority", default="normal", type=click.Choice(["low", "normal", "high", "urgent"])
)
@click.option("--call-out-sku", help="SKU of the call-out fee to bill.")
@as_option
def create(
    customer: str,
    description: str,
    site: int | None,
    contact: int | None,
    priority: str,
    call_out_sku: str | None,
    as_email: str | None,
) -> None:
    """Create a new order."""
    with _reporting():
        order = services.create_order(
            _actor(as_email),
            customer_id=_customer_id(customer),
            description=description,
            site_id=site,
            contact_id=contact,
            priority=priority,
            call_out_item_id=_item_id(call_out_sku) if call_out_sku else None,
        )
        _say(order)


@orders_cli.command("schedule")
@click.argument("order")
@click.option("--start", required=True, help="e.g. 2026-06-15T09:00 (company time)")
@click.option("--end", required=True)
@click.option("--tech", "techs", multiple=True, required=True, help="Technician e-mail.")
@as_option
def schedule(
    order: str, start: str, end: str, techs: tuple[str, ...], as_email: str | None
) -> None:
    """Schedule (or reschedule) an order and assign its technicians."""
    with _reporting():
        _say(
            services.schedule_order(
                _actor(as_email),
                _order_id(order),
                start=start,
                end=end,
                technician_ids=[_user_id(t) for t in techs],
            )
        )


@orders_cli.command("assign")
@click.argument("order")
@click.option("--tech", "techs", multiple=True, required=True, help="Technician e-mail.")
@as_option
def assign(order: str, techs: tuple[str, ...], as_email: str | None) -> None:
    """Change the technicians of an open order."""
    with _reporting():
        updated = services.assign_technicians(
            _actor(as_email), _order_id(order), [_user_id(t) for t in techs]
        )
        _say(updated)
        click.echo("  team: " + ", ".join(t.name or t.email for t in updated.technicians))


def _transition(name: str, fn: Callable[..., Any], help_text: str) -> None:
    @orders_cli.command(name, help=help_text)
    @click.argument("order")
    @as_option
    def command(order: str, as_email: str | None) -> None:
        with _reporting():
            _say(fn(_actor(as_email), _order_id(order)))


_transition("start", services.start_order, "The technician is on site.")
_transition("complete", services.complete_order, "Hours and parts checked: mark done.")
_transition("reopen", services.reopen_order, "Re-open a done order to correct it.")


@orders_cli.command("cancel")
@click.argument("order")
@click.option("--reason", default="")
@as_option
def cancel(order: str, reason: str, as_email: str | None) -> None:
    """Cancel a new or scheduled order."""
    with _reporting():
        _say(services.cancel_order(_actor(as_email), _order_id(order), reason))


@orders_cli.command("log-time")
@click.argument("order")
@click.option("--minutes", type=int)
@click.option("--start", help="Start of a span (with --end).")
@click.option("--end")
@click.option("--day", help="Day of a duration, YYYY-MM-DD (default today).")
@click.option("--tech", help="Technician e-mail (the office logging for a technician).")
@click.option("--rate", default="normal", type=click.Choice(["normal", "overtime", "travel"]))
@click.option("--client-id", help="UUID; repeating it does not add the time twice.")
@as_option
def log_time(
    order: str,
    minutes: int | None,
    start: str | None,
    end: str | None,
    day: str | None,
    tech: str | None,
    rate: str,
    client_id: str | None,
    as_email: str | None,
) -> None:
    """Record time on an order: --minutes N, or --start and --end."""
    with _reporting():
        entry = timesheets.log_time(
            _actor(as_email),
            _order_id(order),
            technician_id=_user_id(tech) if tech else None,
            minutes=minutes,
            started_at=start,
            ended_at=end,
            work_date=day,
            rate_kind=rate,
            client_id=client_id,
        )
        click.echo(f"Time entry {entry.id}: {entry.minutes} min {entry.rate_kind}")


@orders_cli.command("timer")
@click.argument("action", type=click.Choice(["start", "stop"]))
@click.argument("order", required=False)
@click.option("--rate", default="normal", type=click.Choice(["normal", "overtime", "travel"]))
@click.option("--tech", help="Technician e-mail (when the office acts for them).")
@as_option
def timer(
    action: str, order: str | None, rate: str, tech: str | None, as_email: str | None
) -> None:
    """Start a timer on ORDER (stopping any other), or stop the running timer."""
    with _reporting():
        actor = _actor(as_email)
        tech_id = _user_id(tech) if tech else None
        if action == "start":
            if order is None:
                raise click.UsageError("Name the order to start the timer on.")
            entry = timesheets.start_timer(
                actor, _order_id(order), technician_id=tech_id, rate_kind=rate
            )
            click.echo(f"Timer running on {entry.order.reference} since {entry.started_at}")
        else:
            entry = timesheets.stop_timer(actor, technician_id=tech_id)
            click.echo(f"Stopped: {entry.minutes} min on {entry.order.reference}")


@orders_cli.command("add-part")
@click.argument("order")
@click.option("--quantity", required=True)
@click.option("--sku", help="Catalog SKU; or give --description for a free line.")
@click.option("--description")
@click.option("--unit")
@click.option("--price", help="Unit price of a free line (office only).")
@as_option
def add_part(
    order: str,
    quantity: str,
    sku: str | None,
    description: str | None,
    unit: str | None,
    price: str | None,
    as_email: str | None,
) -> None:
    """Record a part used on an order."""
    with _reporting():
        usage = parts.add_part(
            _actor(as_email),
            _order_id(order),
            quantity=quantity,
            catalog_item_id=_item_id(sku) if sku else None,
            description=description,
            unit=unit,
            unit_price=price,
        )
        click.echo(f"Part line {usage.id}: {usage.quantity} {usage.unit} {usage.description}")


@orders_cli.command("return-part")
@click.argument("usage_id", type=int)
@click.option("--quantity", required=True)
@as_option
def return_part(usage_id: int, quantity: str, as_email: str | None) -> None:
    """Return (part of) an earlier use."""
    with _reporting():
        usage = parts.return_part(_actor(as_email), usage_id, quantity=quantity)
        click.echo(f"Return line {usage.id}: {usage.quantity} {usage.unit} {usage.description}")


@orders_cli.command("price-part")
@click.argument("usage_id", type=int)
@click.option("--price", required=True, help="Net unit price.")
@click.option("--vat-rate", help="Percent; default: the line's or the company's rate.")
@as_option
def price_part(usage_id: int, price: str, vat_rate: str | None, as_email: str | None) -> None:
    """Price a free line (or correct a part's price) while validating the order."""
    with _reporting():
        usage = parts.price_part(_actor(as_email), usage_id, unit_price=price, vat_rate=vat_rate)
        click.echo(f"Part line {usage.id}: {usage.description} @ {usage.unit_price}")


@orders_cli.command("list")
@click.option("--state")
@click.option("--today", is_flag=True, help="Only orders scheduled today.")
@as_option
def list_orders(state: str | None, today: bool, as_email: str | None) -> None:
    """The orders you may see, newest first."""
    with _reporting():
        actor = _actor(as_email)
        day = company_today() if today else None
        for order in db.session.scalars(queries.list_orders(actor, state=state, scheduled_on=day)):
            _say(order)


@orders_cli.command("show")
@click.argument("order")
@as_option
def show(order: str, as_email: str | None) -> None:
    """One order with its time and parts (prices only for roles that see money)."""
    with _reporting():
        view = queries.order_view(_actor(as_email), _order_id(order))
        click.echo(f"{view['reference']}  {view['state_label']}  {view['customer']['name']}")
        click.echo(f"  {view['description']}")
        for entry in view["time_entries"]:
            click.echo(
                f"  time  {entry['technician_name']:<20} {entry['minutes']:>5} min "
                f"{entry['rate_kind']}{'  (running)' if entry['running'] else ''}"
            )
        for part in view["parts"]:
            price = f"  @ {part['unit_price']}" if part.get("unit_price") is not None else ""
            click.echo(
                f"  part  {part['quantity']:>8} {part['unit']:<4} {part['description']}{price}"
            )
        if "billed_minutes" in view:
            click.echo(f"  billed minutes: {view['billed_minutes']}")


@orders_cli.command("queue")
@as_option
def queue(as_email: str | None) -> None:
    """Done orders waiting for an invoice, by customer."""
    with _reporting():
        for group in invoicing.list_invoicing_queue(_actor(as_email)):
            refs = ", ".join(o.reference for o in group.orders)
            click.echo(f"{group.customer.name}: {refs}")


@orders_cli.command("invoice")
@click.argument("orders", nargs=-1, required=True)
@as_option
def invoice(orders: tuple[str, ...], as_email: str | None) -> None:
    """One draft invoice for one or several done orders of one customer."""
    with _reporting():
        draft = invoicing.invoice_orders(_actor(as_email), [_order_id(o) for o in orders])
        click.echo(
            f"{draft.title}: {len(draft.lines)} lines, net {draft.net_total}, "
            f"gross {draft.gross_total} {draft.currency}"
        )
        total = sum((line.quantity for line in draft.lines if line.kind == "labour"), Decimal(0))
        click.echo(f"  labour: {total} h")


@orders_cli.command("verify")
def verify() -> None:
    """Check service-work invariants; exit 1 naming each violation."""
    from app.service_orders.verify import verify_orders

    problems = verify_orders()
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        click.echo(f"{len(problems)} violation(s)", err=True)
        sys.exit(1)
    click.echo("service orders OK")
