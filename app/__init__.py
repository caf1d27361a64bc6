"""Fieldpost application factory: small `register_*` steps, nothing started at import time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from app.config import load_config
from app.core.db import configure_sqlite, ping_idle_connections
from app.extensions import csrf, db, login_manager, migrate


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(load_config(Path(app.instance_path)))
    if test_config:
        app.config.update(test_config)
    register_extensions(app)
    register_blueprints(app)
    register_cli(app)
    register_listeners(app)
    return app


def register_extensions(app: Flask) -> None:
    from app import models  # noqa: F401  (the whole schema, for Alembic and the ORM)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
        ping_idle_connections(db.engine, float(app.config["DB_PING_AFTER_IDLE_SECONDS"]))


def register_blueprints(app: Flask) -> None:
    from app.web import register_web

    register_web(app)

    from app.api.setup import register_api

    register_api(app)


def register_cli(app: Flask) -> None:
    from app.cli import register_commands

    register_commands(app)


def register_listeners(app: Flask) -> None:
    from app.catalog.services import reprice_in_new_currency
    from app.company.services import follow_currency_change
    from app.invoicing.services import drafts_in_new_currency
    from app.service_orders.invoicing import register_listeners as service_order_listeners
    from app.service_orders.parts import part_lines_in_new_currency

    service_order_listeners()
    # Before any document is issued, what was typed in the books' currency follows it.
    for follow in (reprice_in_new_currency, drafts_in_new_currency, part_lines_in_new_currency):
        follow_currency_change(follow)
