"""`contest announce YYYY-MM`: queue the winners' announcement (joins the contest group)."""
from __future__ import annotations

import click

from bot.cli.common import MONTH, services, session
from core.texts import t
from models.announce import announce as announce_month


@click.command("announce")
@click.argument("month", type=MONTH)
def announce(month: str) -> None:
    """Queue the results of a closed month to its organisations, subscribers and (if set) everyone."""
    svc = services()
    with session() as s:
        done = announce_month(s, svc.settings, month, svc.now())
    mass = t("cli.announce.mass_one") if done.mass else t("cli.announce.mass_none")
    click.echo(t("cli.announce.queued", month=done.month, org_admins=done.org_admins,
                 subscribers=done.subscribers, mass=mass, refused=done.mass_refused))
    click.echo(t("cli.announce.progress"))
    click.echo(done.org_admins + done.subscribers + int(done.mass))

