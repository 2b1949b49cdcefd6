"""Supervisor commands (督导专员服务): invite, list."""
from __future__ import annotations

import datetime as dt

import click

from bot.cli.common import fail, services, session
from core.texts import t
from models.supervision import issue_code, supervisor_openids
from models.towns import all_towns, resolve_town


@click.group("supervisor")
def supervisor() -> None:
    """Supervisors (督导专员): one per town or street, reading its platform data in chat."""


@supervisor.command("invite")
@click.option("--town", required=True, help="督导的镇街（一人负责多个镇街时，每个镇街各邀请一次）")
def invite(town: str) -> None:
    """Issue a one-time binding code for a town's supervisor; prints the code."""
    svc = services()
    resolved = resolve_town(town, svc.settings.data.towns_file)
    if resolved is None:
        fail(t("supervisor.cli.unknown_town", town=town))
    ttl = dt.timedelta(hours=svc.settings.accounts.binding_code_ttl_hours)
    with session() as s:
        code = issue_code(s, resolved, ttl, svc.clock())
    expires = f"{code.expires_at.astimezone(svc.tz):%Y-%m-%d %H:%M}"
    click.echo(t("supervisor.cli.invited", town=resolved, expires=expires, code=code.code))
    click.echo(code.code)


@supervisor.command("list")
def list_() -> None:
    """Every town with its bound supervisor (by openid), then how many towns are covered."""
    towns = all_towns(services().settings.data.towns_file)
    with session() as s:
        bound = supervisor_openids(s)
    for town in towns:
        who = "、".join(bound.get(town, [])) or t("supervisor.cli.nobody")
        click.echo(t("supervisor.cli.line", town=town, who=who))
    covered = sum(1 for town in towns if town in bound)
    click.echo(t("supervisor.cli.total", covered=covered, towns=len(towns)))
