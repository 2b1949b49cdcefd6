"""Contest commands: shortlist, close, void, judge, blacklist, status (`contest announce` is push's)."""
from __future__ import annotations

import datetime as dt
import getpass
from pathlib import Path

import click

from bot.cli.common import MONTH, NUMBER, fail, services, session
from bot.cli.contest_status import print_status
from bot.cli.imports import fail_import
from core.texts import t
from models import contest
from models.contest_close import check_closable, check_voidable, entry_of
from models.contest_fraud import VoidScope, blacklist_add, blacklist_remove, void_votes
from models.contest_rounds import candidates, default_window, explicit_window
from models.contest_shortlist import shortlist as make_shortlist
from models.sheets import ImportFailed


def _actor(by: str | None) -> str:
    return f"cli:{by or getpass.getuser()}"


@click.group("contest")
def group() -> None:
    """The monthly activity design contest (活动设计大赛)."""


@group.command("shortlist")
@click.argument("month", type=MONTH)
@click.argument("item_ids", nargs=-1, type=NUMBER)
@click.option("--first", type=click.DateTime(["%Y-%m-%d"]), help="投票开始日（默认取设置）")
@click.option("--last", type=click.DateTime(["%Y-%m-%d"]), help="投票截止日，当天 24:00 结束")
def shortlist(month: str, item_ids: tuple[int, ...], first: dt.datetime | None,
              last: dt.datetime | None) -> None:
    """List the month's candidates, or fix the showcase from ITEM_IDs (numbered 1..N in order)."""
    _check_days(first, last)
    svc = services()
    c = svc.settings.contest
    with session() as s:
        if not item_ids:
            _list_candidates(s, month, c.shortlist_size)
            return
        window = _window(month, first, last)
        row = make_shortlist(s, month, list(item_ids), c.shortlist_size, window, svc.now())
        for entry in contest.entries(s, row.id):
            click.echo(t("cli.contest.shortlist.entry", number=f"{entry.number:>3}", name=entry.name,
                         item=entry.item_id))
        click.echo(t("cli.contest.shortlist.done", month=month, n=len(item_ids),
                     opens=f"{window[0]:%Y-%m-%d %H:%M}",
                     closes=f"{window[1] - dt.timedelta(seconds=1):%Y-%m-%d %H:%M:%S}"))
        click.echo(row.id)


def _check_days(first: dt.datetime | None, last: dt.datetime | None) -> None:
    """Both voting days given in order, or neither (the settings' default days)."""
    if (first is None) != (last is None):
        fail(t("contest.shortlist.first_only"))
    if first is not None and last is not None and last < first:
        fail(t("contest.shortlist.window_reversed", first=f"{first:%Y-%m-%d}", last=f"{last:%Y-%m-%d}"))


def _window(month: str, first: dt.datetime | None,
            last: dt.datetime | None) -> tuple[dt.datetime, dt.datetime]:
    """The voting window from the given days, else from the settings' days of the month."""
    svc = services()
    c = svc.settings.contest
    if first is None or last is None:
        return default_window(month, c.voting_opens_day, c.voting_closes_day, svc.tz)
    return explicit_window(first.date(), last.date(), svc.tz)


def _list_candidates(s: object, month: str, size: int) -> None:
    """Print the approved contest activities of the month."""
    rows = candidates(s, month)  # type: ignore[arg-type]
    for item, org_id in rows:
        click.echo(t("cli.contest.candidate", id=f"{item.id:>6}", town=f"{item.town:<5}", name=item.name,
                     org=org_id, time=item.time_text))
    click.echo(t("cli.contest.candidates", month=month, n=len(rows), size=size))


@group.command("close")
@click.argument("month", type=MONTH)
@click.option("--by", help="操作人")
@click.option("--force", is_flag=True, help="投票尚未结束也强制结束本期（会提前定出入选项目）")
def close(month: str, by: str | None, force: bool) -> None:
    """End voting, rank, fix the winners and freeze the count; prints the file's SHA-256."""
    svc = services()
    with session() as s:
        if not force:
            check_closable(contest.round_of(s, month), svc.now(), svc.tz)
        results = contest.close_round(s, month, svc.settings.contest, svc.now(), _actor(by))
    for st in results.standings:
        star = "★" if st.winner else " "
        click.echo(t("cli.contest.standing", star=star, rank=f"{st.rank:>3}", number=st.number, name=st.name,
                     votes=st.votes, score=f"{st.score:g}"))
    click.echo(t("cli.contest.closed", n=len(results.winners), path=results.path))
    click.echo(results.digest)


@group.command("void")
@click.option("--openid", help="作废该用户的有效票")
@click.option("--entry", type=NUMBER, help="作废该编号项目的有效票")
@click.option("--month", type=MONTH, help="YYYY-MM，默认本月")
@click.option("--since", type=click.DateTime(["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"]),
              help="只作废此时间（北京时间）之后的票")
@click.option("--reason", required=True, help="作废原因（会公开记录）")
@click.option("--by", help="操作人")
def void(openid: str | None, entry: int | None, month: str | None, since: dt.datetime | None,
         reason: str, by: str | None) -> None:
    """Void valid votes of a voter or a project, with a logged reason; prints how many."""
    if (openid is None) == (entry is None):
        fail(t("cli.contest.void_one_of"))
    svc = services()
    month = month or f"{svc.now():%Y-%m}"
    with session() as s:
        row = contest.round_of(s, month)
        check_voidable(row)
        entry_id = entry_of(s, row.id, entry).id if entry is not None else None
        scope = VoidScope(openid, entry_id, since.replace(tzinfo=svc.tz) if since else None)
        count = void_votes(s, row, scope, reason.strip(), _actor(by), svc.now())
    click.echo(t("cli.contest.voided", month=month, n=count, reason=reason.strip()))
    click.echo(count)


@group.command("judge")
@click.argument("month", type=MONTH)
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--by", help="操作人")
def judge(month: str, file: Path, by: str | None) -> None:
    """Load judges' scores from .csv/.xlsx (编号, 评委得分 0-100); every bad row reported, all or none."""
    svc = services()
    try:
        with session() as s:
            count = contest.load_judges(s, month, file, svc.now(), _actor(by))
    except ImportFailed as exc:
        fail_import(file, exc.errors)
    click.echo(t("contest.judge.done", month=month, count=count,
                 weight=f"{svc.settings.contest.judges_weight:g}"))


@group.group("blacklist")
def blacklist() -> None:
    """Followers whose votes are refused."""


@blacklist.command("add")
@click.argument("openid")
@click.option("--reason", default="违规投票", help="原因")
@click.option("--by", help="操作人")
def blacklist_add_cmd(openid: str, reason: str, by: str | None) -> None:
    """Refuse a follower's future votes (past votes stay until voided)."""
    with session() as s:
        added = blacklist_add(s, openid.strip(), reason, _actor(by), services().now())
    click.echo(t("cli.contest.blacklisted" if added else "cli.contest.blacklisted_already", openid=openid))


@blacklist.command("remove")
@click.argument("openid")
@click.option("--by", help="操作人")
def blacklist_remove_cmd(openid: str, by: str | None) -> None:
    """Accept a follower's votes again."""
    with session() as s:
        removed = blacklist_remove(s, openid.strip(), _actor(by), services().now())
    if not removed:
        fail(t("cli.contest.not_blacklisted", openid=openid))
    click.echo(t("cli.contest.unblacklisted", openid=openid))


@group.command("status")
@click.argument("month", type=MONTH)
def status(month: str) -> None:
    """The round's state, window, counts, flags and frozen-file check."""
    with session() as s:
        print_status(s, contest.round_of(s, month), services().tz)
