"""`followers sync`: record the account's existing followers from WeChat's follower list."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import click
from rich.console import Console
from rich.progress import Progress

from bot.cli.common import CliError, fail, services
from bot.preflight import credentials_sentence
from bot.services import Services
from bot.store import Busy as LockBusy
from bot.store import StoreUnavailable
from bot.wechat.api import INFO_BATCH, FollowerInfo, WeChatClient
from bot.wechat.errors import (
    BadCredentials,
    BadOpenid,
    DailyQuota,
    Transport,
    WeChatError,
)
from core.texts import t
from models.followers import FollowerSync, Listed, finish_sync, open_sync, record_page

LOCK_SECONDS = 3600  # longer than a pass over a very large account; freed at once when done


@click.group("followers")
def followers() -> None:
    """The account's followers (关注者)."""


@followers.command("sync")
@click.option("--restart", is_flag=True, help="放弃上次中断的同步，从头开始")
def sync(restart: bool) -> None:
    """Page through WeChat's follower list and record it; an interrupted pass resumes."""
    svc = services()
    try:
        with svc.store.lock("followers-sync", timeout=LOCK_SECONDS, wait=0):
            run = _sync_with_progress(svc, restart)
    except LockBusy:
        fail(t("followers.busy"))
    except StoreUnavailable:
        fail(t("followers.store_down"))
    click.echo(t("followers.done", created=run.created, updated=run.updated,
                 unfollowed=run.unfollowed, listed=run.listed))
    click.echo(run.listed)


def _sync_with_progress(svc: Services, restart: bool) -> FollowerSync:
    """Run the pass under a progress bar; WeChat's refusals become one clear line."""
    with svc.db.session() as s:
        run = open_sync(s, svc.now(), restart)
    if run.pages:
        click.echo(t("followers.resumed", pages=run.pages, listed=run.listed), err=True)
    try:
        with Progress(console=Console(stderr=True)) as progress:
            task = progress.add_task(t("followers.progress"), total=None, completed=run.listed)
            return sync_pass(svc, run, lambda n, total: progress.update(
                task, advance=n, total=total))
    except WeChatError as exc:
        raise CliError(_refusal(exc, svc, run.id)) from exc


def sync_pass(svc: Services, run: FollowerSync,
              advance: Callable[[int, int], object] = lambda n, total: None) -> FollowerSync:
    """Fetch pages from the pass's cursor, write each in one transaction, finish at the end."""
    cursor = run.next_openid
    while True:
        page = svc.api.list_followers(cursor)
        if page.is_end:
            break
        listed = _describe(svc.api, page.openids, page.total, advance)
        with svc.db.session() as s:
            record_page(s, run.id, listed, page.next_openid, page.total)
        cursor = page.next_openid
    with svc.db.session() as s:
        return finish_sync(s, run.id, svc.now())


def _describe(api: WeChatClient, openids: list[str], total: int,
              advance: Callable[[int, int], object]) -> list[Listed]:
    """Follow time and scene of a page's followers, 100 a call; unfollowers in between dropped."""
    out: list[Listed] = []
    for start in range(0, len(openids), INFO_BATCH):
        infos = api.followers_info(openids[start:start + INFO_BATCH])
        out += [_listed(info) for info in infos if info.subscribed]
        advance(min(INFO_BATCH, len(openids) - start), total)
    return out


def _listed(info: FollowerInfo) -> Listed:
    """A follower's WeChat record as the domain takes it."""
    when = (dt.datetime.fromtimestamp(info.subscribe_time, dt.UTC)
            if info.subscribe_time else None)
    return Listed(info.openid, when, info.subscribe_scene, info.qr_scene_str)


def _refusal(exc: WeChatError, svc: Services, run_id: int) -> str:
    """The Chinese sentence for a pass stopped by WeChat, with what to do."""
    with svc.db.session() as s:
        listed = s.get_one(FollowerSync, run_id).listed
    if isinstance(exc, DailyQuota):
        return t("followers.quota", listed=listed)
    if isinstance(exc, BadCredentials):
        return credentials_sentence(exc)
    if isinstance(exc, BadOpenid):
        return t("followers.bad_cursor")
    if isinstance(exc, Transport):
        return t("followers.unreachable", message=exc.message, listed=listed)
    return t("followers.api_error", code=exc.code, message=exc.message, listed=listed)

