"""Schema commands."""
from __future__ import annotations

import click

from bot.cli.common import services
from core.texts import t


@click.command("init-db")
def init_db() -> None:
    """Create or upgrade the schema to the newest migration."""
    svc = services()
    svc.db.upgrade()
    click.echo(t("cli.init_db.ready", dialect=svc.db.dialect))
