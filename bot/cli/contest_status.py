"""`contest status`: one round at a glance, for operators (in Chinese)."""
from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import click
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.contest_close import file_digest
from models.contest_rank import tally
from models.contest_rounds import Round, entries
from models.contest_votes import Vote

STATES = {"shortlisting": "遴选中", "voting": "投票中", "closed": "已结束", "announced": "已公布"}


def print_status(s: Session, row: Round, tz: ZoneInfo) -> None:
    """Print a round's state, window, per-entry counts, flags and the frozen file's check."""
    click.echo(f"{row.month}：{STATES.get(row.state, row.state)}")
    if row.opens_at and row.closes_at:
        click.echo(f"投票时间：{row.opens_at.astimezone(tz):%Y-%m-%d %H:%M} 至 "
                   f"{row.closes_at.astimezone(tz):%Y-%m-%d %H:%M}（不含）")
    by_status = dict(s.execute(select(Vote.status, func.count(Vote.id)).where(Vote.round_id == row.id)
                               .group_by(Vote.status)).all())
    click.echo(f"有效票 {by_status.get('valid', 0)}，作废票 {by_status.get('void', 0)}")
    flags = {e.number: e for e in entries(s, row.id)}
    for t in tally(s, row.id)[1]:
        entry = flags[t.number]
        flag = f"  ⚑ 异常标记 {entry.flagged_at.astimezone(tz):%m-%d %H:%M}" if entry.flagged_at else ""
        rank = f"  第{entry.final_rank}名{'★' if entry.winner else ''}" if entry.final_rank else ""
        click.echo(f"{t.number:>3}. {t.name}  {t.votes} 票{rank}{flag}")
    _print_frozen(row)


def _print_frozen(row: Round) -> None:
    """Say whether the frozen file still matches its published SHA-256."""
    if not row.frozen_path:
        return
    click.echo(f"计票文件：{row.frozen_path}\nSHA-256：{row.frozen_sha256}")
    path = Path(row.frozen_path)
    if not path.exists():
        click.echo("警告：计票文件不存在！")
    elif file_digest(path) != row.frozen_sha256:
        click.echo("警告：计票文件与公布的 SHA-256 不一致！")
    else:
        click.echo("计票文件校验一致。")
