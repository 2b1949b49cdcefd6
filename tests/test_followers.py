"""`flask --app wsgi followers sync`: WeChat's follower list recorded in bulk, resumably."""
from __future__ import annotations

import collections
import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import event, func, select

from bot.services import Services
from bot.wechat.fake_state import FakeFollower, FakeWeChat
from core.settings import Settings
from models.accounts import User
from models.followers import FollowerSync
from tests.support_wechat import fake_settings

EPOCH = 1_500_000_000  # the fake followers' first follow time (2017-07-14)
UTC = dt.UTC


def follower(number: int) -> FakeFollower:
    """The n-th fake follower; every tenth came by a town's parametric QR code."""
    if number % 10 == 0:
        return FakeFollower(f"o_f{number:05d}", EPOCH + number, "ADD_SCENE_QR_CODE", "town_石龙")
    return FakeFollower(f"o_f{number:05d}", EPOCH + number, "ADD_SCENE_SEARCH")


def at(number: int) -> dt.datetime:
    """The follow time of the n-th fake follower."""
    return dt.datetime.fromtimestamp(EPOCH + number, UTC)


@pytest.fixture()
def sync_app(app_factory: Callable[[Settings], Flask], settings_factory: Callable[..., Settings],
             fake_wechat: FakeWeChat) -> Flask:
    """The bot pointed at the fake."""
    return app_factory(fake_settings(settings_factory, fake_wechat))


def run_sync(app: Flask, *args: str) -> Result:
    """Run `followers sync` as an operator would."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=["followers", "sync", *args])


@contextmanager
def count_statements(app: Flask) -> Iterator[list[str]]:
    """The SQL statements the app's engines run inside the block (an executemany counts once)."""
    seen: list[str] = []
    engines = app.extensions["youthvoice"].db.engines

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement.split(None, 1)[0])

    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)


def users(app: Flask) -> dict[str, User]:
    """Every recorded user, by openid."""
    services: Services = app.extensions["youthvoice"]
    with services.db.session() as s:
        return {u.openid: u for u in s.scalars(select(User))}


def seed_users(app: Flask, before: dt.datetime) -> None:
    """Rows the bot had before the first sync: met by the webhook, one long unfollowed."""
    services: Services = app.extensions["youthvoice"]
    with services.db.session() as s:
        s.add_all([
            User(openid="o_f00003", subscribed=True, created_at=before),     # time unknown
            User(openid="o_f00004", subscribed=False, created_at=before,     # came back
                 subscribed_at=at(4), unsubscribed_at=before),
            User(openid="o_f00005", subscribed=True, created_at=before, subscribed_at=at(5),
                 subscribe_scene="ADD_SCENE_SEARCH"),                        # already exact
            User(openid="o_gone", subscribed=True, created_at=before),      # not listed
        ])


def test_25000_followers_over_three_pages_then_again_after_unfollows(
        sync_app: Flask, fake_wechat: FakeWeChat) -> None:
    for number in range(25_000):
        fake_wechat.follow(follower(number))
    seed_users(sync_app, dt.datetime(2026, 1, 1, tzinfo=UTC))

    with count_statements(sync_app) as statements:
        result = run_sync(sync_app)
    # Bulk writes: per page one INSERT, one UPDATE and a SELECT per 1,000 openids; never per row.
    # One more SELECT is the command's schema check (bot/cli/common.py: the schema's revision).
    assert collections.Counter(statements) == {"SELECT": 30 + 1, "UPDATE": 6, "INSERT": 4}

    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[-2] == ("同步完成：新增 24997 位，更新 2 位，标记为已取消关注 1 位；"
                         "微信列出的关注者共 25000 位。")
    assert lines[-1] == "25000"
    pages = fake_wechat.sent("user/get")
    assert [len((c.answer.get("data") or {}).get("openid", [])) for c in pages] == [10000, 10000,
                                                                                    5000, 0]
    assert [c.query.get("next_openid", "") for c in pages] == ["", "o_f09999", "o_f19999",
                                                               "o_f24999"]
    batches = fake_wechat.sent("user/info/batchget")
    assert len(batches) == 250 and {len((c.body or {})["user_list"]) for c in batches} == {100}
    rows = users(sync_app)
    assert len(rows) == 25_001
    assert sum(u.subscribed for u in rows.values()) == 25_000
    assert rows["o_gone"].subscribed is False and rows["o_gone"].unsubscribed_at is not None
    assert rows["o_f00003"].subscribed_at == at(3)
    assert rows["o_f00004"].subscribed and rows["o_f00004"].unsubscribed_at is None
    qr = rows["o_f12340"]
    assert (qr.subscribed_at, qr.subscribe_scene, qr.qr_scene_str) == (
        at(12340), "ADD_SCENE_QR_CODE", "town_石龙")
    assert (rows["o_f12341"].subscribe_scene, rows["o_f12341"].qr_scene_str) == (
        "ADD_SCENE_SEARCH", None)

    gone = [f"o_f{n:05d}" for n in range(0, 25_000, 20)]  # 1250, on every page
    for openid in gone:
        fake_wechat.unfollow(openid)
    for number in range(25_000, 25_007):
        fake_wechat.follow(follower(number))
    fake_wechat.follow(FakeFollower("o_f00007", EPOCH + 99_999, "ADD_SCENE_PROFILE_CARD"))

    again = run_sync(sync_app)

    assert again.exit_code == 0, again.output
    assert again.stdout.strip().splitlines()[-2:] == [
        "同步完成：新增 7 位，更新 1 位，标记为已取消关注 1250 位；微信列出的关注者共 23757 位。",
        "23757"]
    rows = users(sync_app)
    assert len(rows) == 25_008
    assert {o for o, u in rows.items() if not u.subscribed} == {*gone, "o_gone"}
    assert rows["o_f00007"].subscribed_at == at(99_999)
    assert rows["o_f00007"].subscribe_scene == "ADD_SCENE_PROFILE_CARD"
    assert rows["o_f25006"].subscribed_at == at(25_006)


def test_an_interrupted_pass_resumes_at_its_cursor(sync_app: Flask, fake_wechat: FakeWeChat) -> None:
    fake_wechat.page_size = 100
    for number in range(250):
        fake_wechat.follow(follower(number))
    fake_wechat.inject("user/info/batchget", errcode=45009, after=1)  # the second page's call

    stopped = run_sync(sync_app)

    assert stopped.exit_code == 1
    assert stopped.stderr.strip().splitlines()[-1] == (
        "错误：微信今天的接口调用额度已用完（错误码 45009），同步已暂停，已完成的 100 位已保存。"
        "请明天再运行 flask --app wsgi followers sync，会从中断处继续；"
        "着急时可在公众平台“设置与开发 → 接口权限”查看额度或申请清零。")
    assert "Traceback" not in stopped.output
    assert sorted(users(sync_app)) == [f"o_f{n:05d}" for n in range(100)]

    resumed = run_sync(sync_app)

    assert resumed.exit_code == 0, resumed.output
    assert "继续上次中断的同步：已完成 1 页、100 位关注者" in resumed.stderr
    assert resumed.stdout.strip().splitlines()[-2:] == [
        "同步完成：新增 250 位，更新 0 位，标记为已取消关注 0 位；微信列出的关注者共 250 位。", "250"]
    cursors = [c.query.get("next_openid", "") for c in fake_wechat.sent("user/get")]
    assert cursors == ["", "o_f00099", "o_f00099", "o_f00199", "o_f00249"]
    assert len(users(sync_app)) == 250
    services: Services = sync_app.extensions["youthvoice"]
    with services.db.session() as s:
        runs = s.scalars(select(FollowerSync)).all()
        assert [(r.pages, r.listed, r.finished_at is not None) for r in runs] == [(3, 250, True)]


def test_restart_abandons_the_interrupted_pass(sync_app: Flask, fake_wechat: FakeWeChat) -> None:
    fake_wechat.page_size = 100
    for number in range(150):
        fake_wechat.follow(follower(number))
    fake_wechat.inject("user/get", errcode=-1, after=1)
    assert run_sync(sync_app).exit_code == 1

    restarted = run_sync(sync_app, "--restart")

    assert restarted.exit_code == 0, restarted.output
    assert "继续上次" not in restarted.stderr
    assert restarted.stdout.strip().splitlines()[-2] == (
        "同步完成：新增 50 位，更新 0 位，标记为已取消关注 0 位；微信列出的关注者共 150 位。")
    services: Services = sync_app.extensions["youthvoice"]
    with services.db.session() as s:
        assert s.scalar(select(func.count()).select_from(FollowerSync)) == 2


def test_quota_on_the_first_page_records_nothing(sync_app: Flask, fake_wechat: FakeWeChat) -> None:
    fake_wechat.follow(follower(1))
    fake_wechat.inject("user/get", errcode=45009)

    result = run_sync(sync_app)

    assert result.exit_code == 1
    assert "错误码 45009" in result.stderr and "已完成的 0 位已保存" in result.stderr
    assert users(sync_app) == {}


def test_a_refused_token_is_refreshed_once_and_the_pass_goes_on(
        sync_app: Flask, fake_wechat: FakeWeChat) -> None:
    for number in range(3):
        fake_wechat.follow(follower(number))
    fake_wechat.inject("user/info/batchget", errcode=40001)

    result = run_sync(sync_app)

    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1] == "3"
    assert [c.errcode for c in fake_wechat.calls_to("user/info/batchget")] == [40001, 0]
    forced = [(c.body or {})["force_refresh"] for c in fake_wechat.sent("stable_token")]
    assert forced == [False, True]


def test_a_token_refused_twice_stops_with_a_sentence(sync_app: Flask,
                                                     fake_wechat: FakeWeChat) -> None:
    fake_wechat.follow(follower(1))
    fake_wechat.inject("user/get", errcode=40001, times=2)

    result = run_sync(sync_app)

    assert result.exit_code == 1
    assert "微信接口返回错误（错误码 40001" in result.stderr and "Traceback" not in result.output
    assert len(fake_wechat.calls_to("user/get")) == 2


def test_an_unreachable_redis_stops_before_anything(
        app_factory: Callable[[Settings], Flask], settings_factory: Callable[..., Settings],
        fake_wechat: FakeWeChat) -> None:
    settings = settings_factory(wechat=fake_wechat.override["wechat"],
                                redis={"url": "redis://127.0.0.1:9/0", "socket_timeout_seconds": 0.2})
    result = run_sync(app_factory(settings))

    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "错误：无法连接 Redis（存放 access token 和同步锁），同步没有开始：请检查 [redis] url 后重试。")
    assert fake_wechat.calls == []


def test_a_second_sync_while_one_runs_is_refused(sync_app: Flask, fake_wechat: FakeWeChat) -> None:
    services: Services = sync_app.extensions["youthvoice"]
    with services.store.lock("followers-sync", timeout=30, wait=0):
        result = run_sync(sync_app)
    assert result.exit_code == 1
    assert result.stderr.strip() == "错误：另一个 followers sync 正在运行，请等它结束后再试。"
    assert fake_wechat.calls == []
