"""Schema commands."""
from __future__ import annotations

import click

from bot.cli.common import services


@click.command("init-db")
def init_db() -> None:
    """Create or upgrade the schema to the newest migration."""
    svc = services()
    svc.db.upgrade()
    click.echo(f"数据库已就绪：{svc.db.dialect}")
