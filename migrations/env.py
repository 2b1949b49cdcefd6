"""Alembic environment: runs the project's migrations on the configured URL."""
from __future__ import annotations

from alembic import context

from bot.db import make_engine
from models import Base

config = context.config


def run() -> None:
    """Run migrations online (SQLite gets batch mode for its limited ALTER TABLE)."""
    connectable = config.attributes.get("connection")
    if connectable is None:
        url = config.get_main_option("sqlalchemy.url")
        connectable = make_engine(url)
    with connectable.connect() as conn:
        context.configure(connection=conn, target_metadata=Base.metadata,
                          render_as_batch=conn.dialect.name == "sqlite", compare_type=True)
        with context.begin_transaction():
            context.run_migrations()


run()
