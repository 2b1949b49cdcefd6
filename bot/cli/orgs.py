"""Organisation commands: add, invite, import."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from sqlalchemy.exc import IntegrityError

from bot.cli.common import fail, services, session
from models.accounts import new_code
from models.org_import import check_rows, import_orgs, read_table
from models.orgs import OrgKind, Organisation, add_org
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
    resolved = resolve_town(town, services().settings.data.towns_file)
    if resolved is None:
        fail(f"未知的镇街：{town}")
    try:
        with session() as s:
            row = add_org(s, name.strip(), resolved, OrgKind(kind))
    except IntegrityError:
        fail(f"组织已存在：{name}")
    click.echo(f"已登记组织：{row.name}（{row.town}）")
    click.echo(row.id)


@org.command("invite")
@click.argument("org_id", type=int)
def invite(org_id: int) -> None:
    """Issue a one-time binding code for an organisation's admin; prints the code."""
    ttl = dt.timedelta(hours=services().settings.accounts.binding_code_ttl_hours)
    with session() as s:
        if s.get(Organisation, org_id) is None:
            fail(f"没有编号为 {org_id} 的组织")
        code = new_code(s, "org", org_id, ttl, services().clock())
    click.echo(f"绑定码有效期至 {code.expires_at.astimezone(services().tz):%Y-%m-%d %H:%M}，"
               f"管理员在公众号发送“绑定 {code.code}”即可。")
    click.echo(code.code)


@org.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_(file: Path) -> None:
    """Register organisations from .csv or .xlsx (名称, 镇街, 类型); all rows or none; prints the count."""
    try:
        rows = read_table(file)
    except ValueError as exc:
        fail(str(exc))
    with session() as s:
        good, errors = check_rows(s, rows, services().settings.data.towns_file)
        if errors:
            for error in errors:
                click.echo(f"第 {error.line} 行：{error.reason}", err=True)
            fail(f"导入失败：共 {len(errors)} 处错误，未导入任何组织。请修改后重新导入。")
        created = import_orgs(s, good)
    for row in created:
        click.echo(f"{row.id}\t{row.name}（{row.town}）")
    click.echo(f"已导入 {len(created)} 个组织。")
    click.echo(len(created))
