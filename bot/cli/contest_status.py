"""`contest status`: one round at a glance, for operators (in Chinese)."""
from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import click
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.texts import t
from models.contest_close import file_digest
from models.contest_rank import tally
from models.contest_rounds import Round, entries
from models.contest_votes import Vote


def print_status(s: Session, row: Round, tz: ZoneInfo) -> None:
    """Print a round's state, window, per-entry counts, flags and the frozen file's check."""
    click.echo(t("cli.contest.status.state", month=row.month, state=t(f"cli.contest.state.{row.state}")))
    if row.opens_at and row.closes_at:
        click.echo(t("cli.contest.status.window", opens=f"{row.opens_at.astimezone(tz):%Y-%m-%d %H:%M}",
                     closes=f"{row.closes_at.astimezone(tz):%Y-%m-%d %H:%M}"))
    by_status: dict[str, int] = dict(s.execute(select(Vote.status, func.count(Vote.id))
                                               .where(Vote.round_id == row.id).group_by(Vote.status)).tuples().all())
    click.echo(t("cli.contest.status.votes", valid=by_status.get("valid", 0), void=by_status.get("void", 0)))
    flags = {e.number: e for e in entries(s, row.id)}
    for line in tally(s, row.id)[1]:
        entry = flags[line.number]
        flag = (t("cli.contest.status.flag", at=f"{entry.flagged_at.astimezone(tz):%m-%d %H:%M}")
                if entry.flagged_at else "")
        rank = (t("cli.contest.status.rank", rank=entry.final_rank, star="★" if entry.winner else "")
                if entry.final_rank else "")
        click.echo(t("cli.contest.status.entry", number=f"{line.number:>3}", name=line.name, votes=line.votes,
                     rank=rank, flag=flag))
    _print_frozen(row)


def _print_frozen(row: Round) -> None:
    """Say whether the frozen file still matches its published SHA-256."""
    if not row.frozen_path:
        return
    click.echo(t("cli.contest.status.frozen", path=row.frozen_path, sha=row.frozen_sha256))
    path = Path(row.frozen_path)
    if not path.exists():
        click.echo(t("cli.contest.status.file_missing"))
    elif file_digest(path) != row.frozen_sha256:
        click.echo(t("cli.contest.status.file_changed"))
    else:
        click.echo(t("cli.contest.status.file_ok"))
