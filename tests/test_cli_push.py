"""`push run`, `push status`, `scheduler due` and `scheduler status` as an operator sees them."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import select

from bot.wechat.fake_state import FakeWeChat
from core.settings import Settings
from models.outbox import OutboxMessage, Status
from tests.support import Clock
from tests.support_push import push_settings, queue_templates

TEMPLATE = "message/template/send"


@pytest.fixture()
def app(settings_factory: Callable[..., Settings], app_factory: Callable[[Settings], Flask],
        fake_wechat: FakeWeChat) -> Flask:
    """The bot at the fake."""
    return app_factory(push_settings(settings_factory, fake_wechat))


def _cli(app: Flask, *args: str) -> tuple[int, str]:
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.output


def test_push_run_then_status_shows_counts_and_failures(app: Flask, fake_wechat: FakeWeChat) -> None:
    """Three sent, one failed with 47003, one waiting after -1: all visible with Chinese labels."""
    services = app.extensions["youthvoice"]
    queue_templates(services, 5)
    fake_wechat.inject(TEMPLATE, errcode=47003)
    fake_wechat.inject(TEMPLATE, errcode=-1)
    code, out = _cli(app, "push", "run")
    assert code == 0 and "已发送 3" in out and "失败 1" in out and "稍后重试 1" in out
    code, out = _cli(app, "push", "status")
    assert code == 0
    assert "消息状态统计" in out and "模板消息" in out and "已发送" in out
    assert "47003" in out and "模板字段内容不合规" in out and "-1" in out and "微信系统繁忙" in out


def test_push_retry_requeues_only_failed_messages(app: Flask, fake_wechat: FakeWeChat) -> None:
    """A failed message goes back to the queue and out; a sent one is left alone."""
    services = app.extensions["youthvoice"]
    queue_templates(services, 2)
    fake_wechat.inject(TEMPLATE, errcode=40037)
    _cli(app, "push", "run")
    code, out = _cli(app, "push", "retry", "1", "2")
    assert code == 0 and out.strip().splitlines()[-1] == "1"
    code, out = _cli(app, "push", "run")
    assert "已发送 1" in out
    assert len(fake_wechat.sent(TEMPLATE)) == 2


def _cli_split(app: Flask, *args: str) -> tuple[int, str, str]:
    """Exit status, stdout and stderr apart."""
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args))
    return result.exit_code, result.stdout, result.stderr


def test_push_retry_names_what_it_did_not_retry(app: Flask, fake_wechat: FakeWeChat) -> None:
    """Unknown ids and messages not failed/skipped are named on stderr with the reason."""
    services = app.extensions["youthvoice"]
    queue_templates(services, 2)
    fake_wechat.inject(TEMPLATE, errcode=40037)
    _cli(app, "push", "run")
    with services.db.session() as s:   # the senders run in parallel: either message may have failed
        states = dict(s.execute(select(OutboxMessage.id, OutboxMessage.status)).tuples().all())
    (failed,) = [str(i) for i, state in states.items() if state == Status.FAILED]
    (sent,) = [str(i) for i, state in states.items() if state == Status.SENT]
    code, out, err = _cli_split(app, "push", "retry", failed, sent, "999", failed)
    assert code == 0 and out.splitlines() == [f"已重新排队 1 条：{failed}。", "1"]
    assert err.splitlines() == ["没有编号为 999 的消息，未重新排队（编号见 push status）。",
                                f"消息 {sent} 的状态是“已发送”，只有“失败”或“已跳过”的消息才能重新排队，未重新排队。"]


@pytest.mark.parametrize("ids", [("999",), ("1", "998", "999")])
def test_push_retry_of_nothing_retryable_exits_1(app: Flask, fake_wechat: FakeWeChat,
                                                ids: tuple[str, ...]) -> None:
    """No message queued again: every id is explained and the exit status is 1."""
    services = app.extensions["youthvoice"]
    queue_templates(services, 1)        # message 1 is still queued: not failed, left alone
    code, out, err = _cli_split(app, "push", "retry", *ids)
    assert code == 1 and out == ""
    missing = "、".join(i for i in ids if i != "1")
    expected = [f"没有编号为 {missing} 的消息，未重新排队（编号见 push status）。"]
    if "1" in ids:
        expected.append("消息 1 的状态是“排队中”，只有“失败”或“已跳过”的消息才能重新排队，未重新排队。")
    assert err.splitlines() == [*expected, "错误：没有消息被重新排队。"]


def test_push_status_on_an_empty_outbox(app: Flask) -> None:
    """Nothing queued: the table of zeros and no failures."""
    code, out = _cli(app, "push", "status")
    assert code == 0 and "排队中" in out and "47003" not in out


def test_scheduler_due_and_status(app: Flask, clock: Clock) -> None:
    """The first `scheduler due` makes the day's due runs once; status lists every registered job."""
    clock.set(dt.datetime(2017, 11, 14, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    code, out = _cli(app, "scheduler", "due")
    # 09:30 on a Tuesday in the middle of the month: the minutely and ten-minutely jobs, today's
    # 09:00 reminder, the daily expert jobs (which find nothing to do), the activity loop's
    # ten-minutely and 03:30 jobs and the 03:30 purge of expired drafts are due; the 1st's are not
    assert code == 0 and out.strip() == ("已运行：drain_inbox、drain_outbox、vote_bursts、filing_reminder、"
                                         "experts_monthly、experts_quarterly、activity_reminders、"
                                         "activity_rate_invites、activity_erase、purge_drafts")
    code, out = _cli(app, "scheduler", "due")
    assert code == 0 and out.strip() == "已运行：无到期任务"
    clock.advance(dt.timedelta(minutes=1))
    assert _cli(app, "scheduler", "due")[1].strip() == "已运行：drain_inbox、drain_outbox"
    code, out = _cli(app, "scheduler", "status")
    assert code == 0 and "close_round" in out and "drain_outbox" in out
    assert "experts_monthly" in out and "experts_quarterly" in out and "purge_drafts" in out
