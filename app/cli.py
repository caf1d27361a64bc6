"""Command-line entry points: demo data, ledger verification, users."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from app.catalog.cli import catalog_cli
from app.core.errors import DomainError
from app.service_orders.cli import orders_cli

demo_cli = AppGroup("demo", help="Demo data for trying Fieldpost.")
ledger_cli = AppGroup("ledger", help="Ledger checks.")
users_cli = AppGroup("users", help="User accounts.")
jobs_cli = AppGroup("jobs", help="The scheduled-jobs process.")
outbox_cli = AppGroup("outbox", help="The e-mail outbox.")


@demo_cli.command("load")
@click.option("--quiet", is_flag=True, help="Do not print the demo logins.")
def demo_load(quiet: bool) -> None:
    """Load a believable company with users, customers, catalog and invoices (once)."""
    from sqlalchemy import inspect

    from app.demo import DEMO_PASSWORD, DEMO_USERS, load_demo
    from app.extensions import db

    if not inspect(db.engine).has_table("company"):
        click.echo("The database has no schema yet: run `flask db upgrade heads` first.", err=True)
        sys.exit(1)
    if load_demo(progress=click.echo) is None:
        click.echo("Demo data is already loaded.")
    if not quiet:
        click.echo(f"\nDemo logins (every password: {DEMO_PASSWORD})")
        for email, role, _name in DEMO_USERS:
            click.echo(f"  {role:<11} {email}")


@ledger_cli.command("verify")
def ledger_verify() -> None:
    """Check every ledger invariant; exit 1 naming each violation."""
    from app.accounting.verify import ledger_summary, verify_ledger

    problems = verify_ledger()
    if problems:
        for problem in problems:
            click.echo(problem, err=True)
        click.echo(f"{len(problems)} violation(s)", err=True)
        sys.exit(1)
    click.echo(ledger_summary())


@users_cli.command("create")
@click.argument("email")
@click.option(
    "--role", required=True, type=click.Choice(["admin", "dispatcher", "technician", "bookkeeper"])
)
@click.option("--name", default="")
@click.password_option(help="Asked for when not given.")
def users_create(email: str, role: str, name: str, password: str) -> None:
    """Create a user with a hashed password."""
    from app.auth.services import create_user

    try:
        user = create_user(None, email=email, role=role, password=password, name=name)
    except DomainError as error:
        for field, messages in error.fields.items() or {"": [error.message]}.items():
            click.echo(f"{field}: {'; '.join(messages)}", err=True)
        sys.exit(1)
    click.echo(f"Created {user.role} {user.email}")


@users_cli.command("token")
@click.argument("email")
@click.option("--name", default="", help="What the token is for, shown in the list.")
def users_token(email: str, name: str) -> None:
    """Issue an API token for EMAIL; it is printed once and stored only as a hash."""
    from app.auth.tokens import issue_token

    try:
        token, raw = issue_token(None, email, name)
    except DomainError as error:
        click.echo(error.message, err=True)
        sys.exit(1)
    click.echo(raw)
    click.echo(
        f"Token {token.prefix} for {token.user.email} ({token.user.role}). "
        "Copy it now: it is not shown again.",
        err=True,
    )


@users_cli.command("tokens")
@click.argument("email")
def users_tokens(email: str) -> None:
    """List EMAIL's API tokens: prefix, created, last used, revoked."""
    from app.auth.tokens import list_tokens

    try:
        tokens = list_tokens(email)
    except DomainError as error:
        click.echo(error.message, err=True)
        sys.exit(1)
    if not tokens:
        click.echo(f"{email} has no API tokens.")
    for token in tokens:
        used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
        state = f"revoked {token.revoked_at:%Y-%m-%d %H:%M}" if token.revoked_at else "active"
        click.echo(
            f"{token.prefix}  created {token.created_at:%Y-%m-%d %H:%M}  last used {used}  "
            f"{state}  {token.name}".rstrip()
        )


@users_cli.command("revoke-token")
@click.argument("prefix")
def users_revoke_token(prefix: str) -> None:
    """Revoke the API token with this PREFIX (as `flask users tokens` lists it)."""
    from app.auth.tokens import revoke_token

    try:
        token = revoke_token(None, prefix)
    except DomainError as error:
        click.echo(error.message, err=True)
        sys.exit(1)
    click.echo(f"Revoked token {token.prefix} of {token.user.email}.")


@jobs_cli.command("run")
@click.option("--outbox-seconds", type=int, default=None, help="Outbox dispatch interval.")
def jobs_run(outbox_seconds: int | None) -> None:
    """Run scheduled jobs (outbox dispatch, ...) in this process until stopped."""
    from flask import current_app

    from app.jobs.scheduler import build_scheduler

    scheduler = build_scheduler(
        current_app._get_current_object(),  # type: ignore[attr-defined]
        outbox_seconds=outbox_seconds,
    )
    click.echo("Jobs process started; Ctrl+C to stop.")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Jobs process stopped.")


@outbox_cli.command("send")
def outbox_send() -> None:
    """Deliver pending e-mails now (one dispatcher run)."""
    from app.invoicing.outbox import dispatch_outbox

    report = dispatch_outbox()
    if report.locked_out:
        click.echo("Another dispatcher is running; nothing done.")
        return
    click.echo(
        f"{len(report.sent)} sent, {len(report.failed)} failed, "
        f"{len(report.recovered)} marked unknown after a crash"
    )
    if report.failed:
        sys.exit(1)


@outbox_cli.command("retry")
@click.argument("item_ids", nargs=-1, type=int)
@click.option("--all-failed", is_flag=True, help="Queue every failed e-mail again.")
def outbox_retry(item_ids: tuple[int, ...], all_failed: bool) -> None:
    """Queue failed e-mails again (same Message-ID); `flask outbox send` or the jobs process
    delivers them. Check "outcome unknown" ones in the mailbox first."""
    from app.invoicing.outbox import list_outbox, retry_outbox_item

    if not item_ids and not all_failed:
        click.echo("Name outbox ids or use --all-failed.", err=True)
        sys.exit(1)
    ids = list(item_ids) + ([i.id for i in list_outbox(state="failed")] if all_failed else [])
    refused = 0
    for item_id in dict.fromkeys(ids):
        try:
            retry_outbox_item(None, item_id)
        except DomainError as error:
            refused += 1
            click.echo(f"{item_id}: {error.message}", err=True)
    click.echo(f"{len(ids) - refused} queued again")
    if refused:
        sys.exit(1)


@outbox_cli.command("list")
@click.option("--state", type=click.Choice(["pending", "sending", "sent", "failed"]))
def outbox_list(state: str | None) -> None:
    """Show outbox e-mails, newest first."""
    from app.invoicing.outbox import list_outbox

    for item in list_outbox(state=state):
        click.echo(
            f"{item.id:>6} {item.state:<8} {item.created_at:%Y-%m-%d %H:%M} "
            f"{item.to_address:<32} {item.subject}"
            + (f"  [{item.last_error}]" if item.last_error else "")
        )


def register_commands(app: Flask) -> None:
    app.cli.add_command(demo_cli)
    app.cli.add_command(ledger_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(orders_cli)
    app.cli.add_command(catalog_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(outbox_cli)
