"""`console add-user`: accounts of the operators' web console."""
from __future__ import annotations

import sys

import click

from bot.cli.common import fail, services, session
from bot.console.security import PASSWORD_MIN_CHARS, hash_password, new_password
from core.texts import t
from models.console import ConsoleRole, add_user, audit

NAME_MAX = 64


@click.group("console")
def console() -> None:
    """The operators' web console at /admin/ (管理后台)."""


@console.command("add-user")
@click.argument("name")
@click.option("--role", type=click.Choice([r.value for r in ConsoleRole]), required=True,
              help="admin 可修改；viewer 只读")
@click.option("--generate", is_flag=True, help="生成随机密码并只显示一次（否则从标准输入读取密码）")
def add_user_cmd(name: str, role: str, generate: bool) -> None:
    """Create a console account; the password is read from standard input, or generated."""
    name = name.strip()
    if not name or len(name) > NAME_MAX or any(c.isspace() for c in name):
        fail(t("console.cli.bad_name", name=name))
    password = new_password() if generate else _read_password()
    if len(password) < PASSWORD_MIN_CHARS:
        fail(t("console.cli.short_password", min=PASSWORD_MIN_CHARS))
    svc = services()
    with session() as s:
        try:
            user = add_user(s, name, hash_password(password), ConsoleRole(role), svc.now())
        except ValueError:
            fail(t("console.cli.exists", name=name))
        audit(s, "cli", "user.add", f"user:{name}", svc.now(), after={"role": role})
        user_id = user.id
    click.echo(t("console.cli.added", name=name, role=t(f"console.role.{role}")))
    if generate:
        click.echo(t("console.cli.generated", password=password))
    click.echo(user_id)


def _read_password() -> str:
    """The password typed twice at a terminal (hidden), else the first line of standard input."""
    if sys.stdin.isatty():
        return str(click.prompt(t("console.login.password"), hide_input=True,
                                confirmation_prompt=True))
    return sys.stdin.readline().rstrip("\r\n")
