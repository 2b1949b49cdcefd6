"""Organisation commands: add, invite, import."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from sqlalchemy.exc import IntegrityError

from bot.cli.common import NUMBER, fail, services, session
from bot.cli.imports import fail_import
from core.texts import t
from models.accounts import new_code
from models.base import tidy_name
from models.org_import import check_file, import_orgs
from models.orgs import NAME_MAX, Organisation, OrgKind, add_org
from models.sheets import ImportFailed
from models.towns import resolve_town


@click.group("org")
def org() -> None:
    """Organisations that file (镇街团委, 青年之家, 组织用户)."""


@org.command("add")
@click.option("--name", required=True, help="组织名称")
@click.option("--town", required=True, help="所在镇街")
@click.option("--kind", type=click.Choice([k.value for k in OrgKind]), default=OrgKind.ORG.value)
def add(name: str, town: str, kind: str) -> None:
    """Register an organisation; prints its id."""
    clean = tidy_name(name, NAME_MAX)
    if clean is None:
        fail(t("orgs.cli.bad_name", max=NAME_MAX, name=name))
    towns_file = services().settings.data.towns_file
    resolved = resolve_town(town, towns_file)
    if resolved is None:
        fail(t("orgs.cli.bad_town", town=town, file=towns_file))
    try:
        with session() as s:
            row = add_org(s, clean, resolved, OrgKind(kind))
    except IntegrityError:
        fail(t("orgs.cli.exists", name=clean))
    click.echo(t("orgs.cli.added", name=row.name, town=row.town))
    click.echo(row.id)


@org.command("invite")
@click.argument("org_id", type=NUMBER)
def invite(org_id: int) -> None:
    """Issue a one-time binding code for an organisation's admin; prints the code."""
    ttl = dt.timedelta(hours=services().settings.accounts.binding_code_ttl_hours)
    with session() as s:
        if s.get(Organisation, org_id) is None:
            fail(t("orgs.cli.no_org", id=org_id))
        code = new_code(s, "org", org_id, ttl, services().clock())
    expires = f"{code.expires_at.astimezone(services().tz):%Y-%m-%d %H:%M}"
    click.echo(t("orgs.cli.invited", expires=expires, code=code.code))
    click.echo(code.code)


@org.command("import")
@click.argument("file", type=click.Path(path_type=Path))
def import_(file: Path) -> None:
    """Register organisations from .csv or .xlsx (名称, 镇街, 类型); all rows or none; prints the count."""
    try:
        with session() as s:
            created = import_orgs(s, check_file(s, file, services().settings.data.towns_file))
            lines = [t("orgs.cli.imported_line", id=r.id, name=r.name, town=r.town) for r in created]
    except ImportFailed as exc:
        fail_import(file, exc.errors)
    for line in lines:
        click.echo(line)
    click.echo(t("orgs.cli.imported", count=len(created)))
    click.echo(len(created))
