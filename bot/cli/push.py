"""`push run` (deliver the outbox now) and `push status` (what is queued, sent, failed)."""
from __future__ import annotations

import click
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import func, select

from bot.cli.common import fail, services, session
from bot.push.deliver import Outcome
from bot.push.sender import Report, Sender
from core.texts import CATALOG, t
from models.outbox import Channel, OutboxMessage, Status, failures, requeue, status_counts
from models.push_marks import recent_alerts


@click.group("push")
def push() -> None:
    """Outgoing messages (模板消息、客服消息、订阅通知、群发)."""


@push.command("run")
@click.option("--seconds", type=float, default=None, help="最多运行的秒数（默认发完为止）")
def run(seconds: float | None) -> None:
    """Deliver every due message now, with a progress bar."""
    svc = services()
    with session() as s:
        due = s.scalar(select(func.count()).where(OutboxMessage.status.in_(
            (Status.QUEUED, Status.SENDING)))) or 0
    with Progress(console=Console(stderr=True)) as progress:
        task = progress.add_task("发送中", total=due)

        def advance(outcome: Outcome) -> None:
            progress.advance(task)

        report = Sender(svc, seconds=seconds, wait_for_rate=True, on_done=advance).run()
    click.echo(summary(report))


def summary(report: Report) -> str:
    """One line on what a run did, in Chinese."""
    labels = {"sent": "已发送", "retry": "稍后重试", "failed": "失败", "skipped": "跳过",
              "fallback": "改发模板", "released": "退回队列", "throttled": "限速退回",
              "halted": "额度用完", "lost": "租约过期"}
    parts = [f"{labels.get(k, k)} {n}" for k, n in sorted(report.counts.items())]
    line = "本次：" + ("，".join(parts) if parts else "没有待发送的消息")
    return line + ("。今日额度已用完，已停止发送并通知平台管理员。" if report.halted else "。")


@push.command("retry")
@click.argument("ids", type=int, nargs=-1, required=True)
def retry(ids: tuple[int, ...]) -> None:
    """Queue failed or skipped messages again (after fixing the cause); prints how many."""
    with session() as s:
        done = requeue(s, list(ids), services().now())
    if done.missing:
        click.echo(t("push.retry.missing", ids="、".join(map(str, done.missing))), err=True)
    for message_id, state in done.left:
        click.echo(t("push.retry.left", id=message_id, state=t(f"push.status.{state}")), err=True)
    if not done.ids:
        fail(t("push.retry.none"))
    click.echo(t("push.retry.done", count=len(done.ids), ids="、".join(map(str, done.ids))))
    click.echo(len(done.ids))


@push.command("status")
@click.option("--limit", type=int, default=20, help="列出最近多少条失败")
def status(limit: int) -> None:
    """Counts by state and channel, alerts, and the latest failures with their codes."""
    console = Console()
    with session() as s:
        console.print(_counts_table(status_counts(s)))
        for alert in recent_alerts(s):
            console.print(f"[red]告警[/red] {alert.day} {alert.message}")
        for line in _failure_lines(failures(s, limit)):
            click.echo(line)


def _counts_table(counts: dict[tuple[str, str], int]) -> Table:
    """Rows: states; columns: channels."""
    table = Table(title="消息状态统计")
    table.add_column("状态")
    for channel in Channel:
        table.add_column(t(f"push.channel.{channel}"), justify="right")
    for state in Status:
        table.add_row(t(f"push.status.{state}"), *(str(counts.get((state, c), 0)) for c in Channel))
    return table


def _failure_lines(rows: list[OutboxMessage]) -> list[str]:
    """One line per failure (lines, not a table, so nothing is cut in a narrow terminal)."""
    if not rows:
        return ["最近没有失败或重试的消息。"]
    lines = ["最近的失败与重试（编号 状态 渠道 用途 收件人 错误码 含义 详情 已尝试次数）："]
    for row in rows:
        lines.append(f"#{row.id} {t(f'push.status.{row.status}')} {t(f'push.channel.{row.channel}')} "
                     f"{row.purpose} {row.openid or '全体关注者'} [{row.last_error_code}] "
                     f"{code_label(row.last_error_code)}：{row.last_error or ''}（{row.attempts} 次）")
    return lines


def code_label(code: int | None) -> str:
    """The Chinese meaning of a WeChat error code."""
    if code is None:
        return ""
    return CATALOG.get(f"push.code.{code}", t("push.code.other"))
