"""`push run` (deliver the outbox now) and `push status` (what is queued, sent, failed)."""
from __future__ import annotations

import click
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import func, select

from bot.cli.common import NUMBER, fail, services, session
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
        task = progress.add_task(t("cli.push.progress"), total=due)

        def advance(outcome: Outcome) -> None:
            progress.advance(task)

        report = Sender(svc, seconds=seconds, wait_for_rate=True, on_done=advance).run()
    click.echo(summary(report))


def summary(report: Report) -> str:
    """One line on what a run did, in Chinese."""
    parts = [t("cli.push.outcome", label=_outcome_label(k), n=n) for k, n in sorted(report.counts.items())]
    line = t("cli.push.summary", parts="，".join(parts)) if parts else t("cli.push.summary_none")
    return line + (t("cli.push.halted") if report.halted else "。")


def _outcome_label(outcome: str) -> str:
    """A run's outcome in the operator's words (an unknown one as it is)."""
    key = f"cli.push.outcome.{outcome}"
    return t(key) if key in CATALOG else outcome


@push.command("retry")
@click.argument("ids", type=NUMBER, nargs=-1, required=True)
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
@click.option("--limit", type=NUMBER, default=20, help="列出最近多少条失败")
def status(limit: int) -> None:
    """Counts by state and channel, alerts, and the latest failures with their codes."""
    console = Console()
    with session() as s:
        console.print(_counts_table(status_counts(s)))
        for alert in recent_alerts(s):
            console.print(t("cli.push.alert", day=alert.day, message=alert.message))
        for line in _failure_lines(failures(s, limit)):
            click.echo(line)


def _counts_table(counts: dict[tuple[str, str], int]) -> Table:
    """Rows: states; columns: channels."""
    table = Table(title=t("cli.push.counts_title"))
    table.add_column(t("cli.push.counts_state"))
    for channel in Channel:
        table.add_column(t(f"push.channel.{channel}"), justify="right")
    for state in Status:
        table.add_row(t(f"push.status.{state}"), *(str(counts.get((state, c), 0)) for c in Channel))
    return table


def _failure_lines(rows: list[OutboxMessage]) -> list[str]:
    """One line per failure (lines, not a table, so nothing is cut in a narrow terminal)."""
    if not rows:
        return [t("cli.push.no_failures")]
    lines = [t("cli.push.failures")]
    for row in rows:
        lines.append(t("cli.push.failure", id=row.id, status=t(f"push.status.{row.status}"),
                       channel=t(f"push.channel.{row.channel}"), purpose=row.purpose,
                       to=row.openid or t("cli.push.everyone"), code=row.last_error_code,
                       meaning=code_label(row.last_error_code), detail=row.last_error or "",
                       attempts=row.attempts))
    return lines


def code_label(code: int | None) -> str:
    """The Chinese meaning of a WeChat error code."""
    if code is None:
        return ""
    return CATALOG.get(f"push.code.{code}", t("push.code.other"))
