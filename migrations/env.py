"""Alembic environment: the schema of Fieldpost, on SQLite and PostgreSQL alike."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
if config.config_file_name and not config.attributes.get("skip_logging"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

db = current_app.extensions["migrate"].db


def render_item(type_, obj, autogen_context):
    """Render the project's exact-decimal and UTC types as their plain column types.

    Migrations stay free of application imports, so an old migration keeps working however
    the code changes later.
    """
    if type_ == "type":
        name = type(obj).__name__
        if name == "ScaledDecimal":
            return "sa.BigInteger()"
        if name == "UTCDateTime":
            return "sa.DateTime()"
    return False


def run_migrations_online():
    connectable = db.engine
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=db.metadata,
            render_item=render_item,
            compare_type=True,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
