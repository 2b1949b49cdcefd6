"""`check`: the preflight an operator runs before switching the bot on."""
from __future__ import annotations

import click

from bot.cli.common import fail, services
from bot.preflight import run_checks
from core.texts import t


@click.command("check")
def check() -> None:
    """Check settings, database, Redis, WeChat credentials, templates and menu; exit 0 if all pass."""
    checks = run_checks(services())
    for item in checks:
        click.echo(item.line())
    failed = sum(1 for item in checks if not item.ok)
    if failed:
        fail(t("check.failed", failed=failed, count=len(checks)))
    click.echo(t("check.all_passed", count=len(checks)))
