"""`contest announce YYYY-MM`: queue the winners' announcement (joins the contest group)."""
from __future__ import annotations

import click

from bot.cli.common import MONTH, fail, services, session
from models.announce import announce as announce_month
from models.contest_rounds import ContestError


@click.command("announce")
@click.argument("month", type=MONTH)
def announce(month: str) -> None:
    """Queue the results of a closed month to its organisations, subscribers and (if set) everyone."""
    svc = services()
    try:
        with session() as s:
            done = announce_month(s, svc.settings, month, svc.now())
    except ContestError as exc:
        fail(str(exc))
    click.echo(f"{done.month} 结果已排队：组织管理员 {done.org_admins} 条，订阅者 {done.subscribers} 条，"
               f"群发 {'1 次' if done.mass else '无'}。{done.mass_refused}")
    click.echo("发送进度见 `flask --app wsgi push status`；消息由定时任务或 `push run` 发出。")
    click.echo(done.org_admins + done.subscribers + int(done.mass))

