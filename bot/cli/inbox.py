"""`inbox drain` / `inbox status`: requests shed under overload, handled later."""
from __future__ import annotations

import click
from sqlalchemy import func, select

from bot import inbox
from bot.cli.common import services, session
from core.texts import t
from models.inbox import InboxMessage, InboxState

STATE_LABELS = {state: f"cli.inbox.state.{state.value}" for state in InboxState}


@click.group("inbox")
def inbox_group() -> None:
    """Requests answered "success" under overload and kept (暂存消息)."""


@inbox_group.command("drain")
@click.option("--seconds", type=float, default=50.0, help="最长处理时间（秒）")
def drain(seconds: float) -> None:
    """Handle kept requests now; prints how many were handled."""
    handled = inbox.drain(services(), seconds)
    click.echo(t("cli.inbox.drained", n=handled))
    click.echo(handled)


@inbox_group.command("status")
def status() -> None:
    """Counts of kept requests by state."""
    with session() as s:
        stmt = select(InboxMessage.state, func.count()).group_by(InboxMessage.state)
        counts: dict[str, int] = dict(s.execute(stmt).tuples().all())
    for state, label in STATE_LABELS.items():
        click.echo(t("cli.inbox.count", label=t(label), n=counts.get(state, 0)))
