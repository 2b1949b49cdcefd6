"""Every WeChat error code the sender handles, against the fake WeChat API."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import select

from bot.push.sender import Sender
from bot.wechat.fake_state import FakeWeChat
from core.settings import Settings
from models.accounts import User
from models.outbox import Channel, Status
from models.push_marks import PushAlert, RecipientMark
from tests.support import create_user
from tests.support_push import NOW, push_services, push_settings, queue_one, queue_templates, rows

TEMPLATE = "message/template/send"
CUSTOM = "message/custom/send"


@pytest.fixture()
def make(settings_factory: Callable[..., Settings], app_factory: Callable[[Settings], Flask],
         fake_wechat: FakeWeChat) -> Callable[..., object]:
    """Services at the fake, with settings overrides."""
    return lambda **overrides: push_services(app_factory, push_settings(settings_factory, fake_wechat,
                                                                        **overrides))


def test_sent_messages_record_msgid_and_cut_values(make, fake_wechat: FakeWeChat) -> None:
    """Every queued template goes out once, long or multi-line values cut to one line of 20."""
    services = make()
    long = "东莞青年之声活动设计大赛第十一月优秀项目评选结果\n第二行"
    keys = queue_templates(services, 3, data={"thing1": long, "phrase2": "获评优秀项目"})
    report = Sender(services).run()
    assert report.counts["sent"] == 3
    bodies = [c.body for c in fake_wechat.sent(TEMPLATE)]
    assert sorted(b["client_msg_id"] for b in bodies) == sorted(keys)
    value = bodies[0]["data"]["thing1"]["value"]
    assert len(value) == 20 and "\n" not in value and value.endswith("…")
    assert bodies[0]["data"]["phrase2"]["value"] == "获评优秀…"   # phrase values take 5
    got = rows(services)
    assert all(r.status == Status.SENT and r.wx_msgid and r.sent_at for r in got.values())


@pytest.mark.parametrize("code", [-1, 45011])
def test_busy_and_rate_limit_retry_with_backoff(make, fake_wechat: FakeWeChat, clock, code: int) -> None:
    """-1 and 45011 put the message back with a growing wait, then it goes out."""
    services = make()
    queue_templates(services, 1)
    fake_wechat.inject(TEMPLATE, errcode=code, times=2)
    Sender(services).run()
    row = rows(services)["t:0"]
    assert (row.status, row.attempts, row.last_error_code) == (Status.QUEUED, 1, code)
    assert row.next_attempt_at == NOW + dt.timedelta(seconds=60)
    clock.advance(dt.timedelta(seconds=59))
    assert Sender(services).run().counts["sent"] == 0
    clock.advance(dt.timedelta(seconds=1))
    Sender(services).run()
    assert rows(services)["t:0"].next_attempt_at == NOW + dt.timedelta(seconds=60 + 300)
    clock.advance(dt.timedelta(seconds=300))
    assert Sender(services).run().counts["sent"] == 1
    assert rows(services)["t:0"].status == Status.SENT


def test_retries_end_in_failure_after_max_attempts(make, fake_wechat: FakeWeChat, clock) -> None:
    """A message busy on every attempt fails after [push] max_attempts."""
    services = make()
    queue_templates(services, 1)
    fake_wechat.inject(TEMPLATE, errcode=-1, times=10)
    for _ in range(3):
        Sender(services).run()
        clock.advance(dt.timedelta(hours=1))
    row = rows(services)["t:0"]
    assert (row.status, row.attempts, row.last_error_code) == (Status.FAILED, 3, -1)
    assert len(fake_wechat.calls_to(TEMPLATE)) == 3


def test_rate_limit_45011_stops_this_minute(make, fake_wechat: FakeWeChat, clock) -> None:
    """After a 45011 nobody sends again this minute; the rest stay queued without an attempt."""
    services = make(push={"pool_size": 1})
    queue_templates(services, 4)
    fake_wechat.inject(TEMPLATE, errcode=45011)
    report = Sender(services).run()
    assert report.throttled and report.counts["retry"] == 1 and report.counts["sent"] == 0
    assert len(fake_wechat.calls_to(TEMPLATE)) == 1
    assert sorted(r.attempts for r in rows(services).values()) == [0, 0, 0, 1]
    clock.advance(dt.timedelta(minutes=1))   # a new minute, and the retried one waited its 60 s
    assert Sender(services).run().counts["sent"] == 4
    assert len(fake_wechat.calls_to(TEMPLATE)) == 5


def test_per_minute_budget_from_settings(make, fake_wechat: FakeWeChat, clock) -> None:
    """[push] rate_per_minute caps the sends of a minute; the next minute goes on."""
    services = make(push={"rate_per_minute": 3})
    queue_templates(services, 5)
    assert Sender(services).run().counts["sent"] == 3
    assert len(fake_wechat.calls_to(TEMPLATE)) == 3
    naps: list[float] = []

    def nap(seconds: float) -> None:
        naps.append(seconds)
        clock.advance(dt.timedelta(seconds=seconds))

    report = Sender(services, wait_for_rate=True, sleep=nap).run()
    assert report.counts["sent"] == 2 and naps == [60.0]


@pytest.mark.parametrize("code", [40001, 42001])
def test_token_refused_is_refreshed_once(make, fake_wechat: FakeWeChat, code: int) -> None:
    """40001 / 42001: the client refreshes the token once and the message goes out."""
    services = make()
    queue_templates(services, 1)
    fake_wechat.inject(TEMPLATE, errcode=code)
    assert Sender(services).run().counts["sent"] == 1
    assert fake_wechat.token_fetches == 2


def test_not_follower_43004_skips_and_marks(make, fake_wechat: FakeWeChat) -> None:
    """43004: skipped, the follower marked unsubscribed; their next message is not even tried."""
    services = make()
    with services.db.session() as s:
        create_user(s, "o_t0")
    fake_wechat.unfollow("o_t0")
    queue_templates(services, 2)
    Sender(services).run()
    got = rows(services)
    assert (got["t:0"].status, got["t:0"].last_error_code) == (Status.SKIPPED, 43004)
    assert got["t:1"].status == Status.SENT
    with services.db.session() as s:
        assert s.scalar(select(User.subscribed).where(User.openid == "o_t0")) is False
        assert s.scalar(select(RecipientMark.code).where(RecipientMark.openid == "o_t0")) == 43004
    queue_one(services, "again", Channel.TEMPLATE, {"template": "notice", "data": {"thing1": "x"}},
              openid="o_t0")
    Sender(services).run()
    assert rows(services)["again"].status == Status.SKIPPED
    assert len(fake_wechat.calls_to(TEMPLATE)) == 2


def test_refused_43101_skips_subscribe_notifications(make, fake_wechat: FakeWeChat) -> None:
    """43101: the refusing follower is skipped and marked for that channel."""
    services = make()
    fake_wechat.refuse("o_one")
    queue_one(services, "sub", Channel.SUBSCRIBE, {"template": "notice", "data": {"thing1": "x"}})
    Sender(services).run()
    row = rows(services)["sub"]
    assert (row.status, row.last_error_code) == (Status.SKIPPED, 43101)
    with services.db.session() as s:
        assert s.scalar(select(RecipientMark.channel).where(RecipientMark.openid == "o_one")) == "subscribe"


@pytest.mark.parametrize("code", [45015, 45047])
def test_customer_service_falls_back_to_template(make, fake_wechat: FakeWeChat, code: int) -> None:
    """45015 / 45047 on a customer-service message: the configured template goes instead."""
    services = make()
    fallback = {"template": "notice", "data": {"thing1": "您的消息已处理"}}
    queue_one(services, "cs", Channel.CUSTOM, {"text": "很长的回复", "fallback": fallback})
    fake_wechat.inject(CUSTOM, errcode=code)
    report = Sender(services).run()
    assert report.counts["fallback"] == 1 and report.counts["sent"] == 1
    row = rows(services)["cs"]
    assert (row.status, row.channel, row.last_error_code) == (Status.SENT, Channel.TEMPLATE, code)
    (call,) = fake_wechat.sent(TEMPLATE)
    assert call.body["client_msg_id"] == "cs" and call.body["template_id"] == "tpl_notice"


@pytest.mark.parametrize("fallback", [None, {"template": "missing", "data": {"thing1": "x"}}])
def test_customer_service_without_a_configured_template_is_skipped(make, fake_wechat: FakeWeChat,
                                                                   fallback) -> None:
    """45015 with no fallback, or one naming an unconfigured template: skipped, nothing else sent."""
    services = make()
    queue_one(services, "cs", Channel.CUSTOM, {"text": "回复", "fallback": fallback})
    fake_wechat.inject(CUSTOM, errcode=45015)
    Sender(services).run()
    assert (rows(services)["cs"].status, rows(services)["cs"].last_error_code) == (Status.SKIPPED, 45015)
    assert fake_wechat.calls_to(TEMPLATE) == []


def test_daily_quota_45009_stops_the_run_and_alerts(make, fake_wechat: FakeWeChat, clock) -> None:
    """45009: the run stops, the rest wait for midnight, the admins are alerted once."""
    services = make(admins={"openids": ["o_admin"]}, push={"pool_size": 1})
    queue_templates(services, 5)
    fake_wechat.inject(TEMPLATE, errcode=45009)
    report = Sender(services).run()
    assert report.halted and report.counts["sent"] == 0
    assert len(fake_wechat.calls_to(TEMPLATE)) == 1
    got = rows(services)
    midnight = dt.datetime(2017, 11, 21, tzinfo=NOW.tzinfo)
    assert all(got[f"t:{i}"].status == Status.QUEUED and got[f"t:{i}"].attempts == 0 for i in range(5))
    assert got["t:0"].next_attempt_at == midnight
    alerts = [r for r in got.values() if r.purpose == "push.alert"]
    assert [(a.openid, a.channel) for a in alerts] == [("o_admin", Channel.CUSTOM)]
    with services.db.session() as s:
        (alert,) = s.scalars(select(PushAlert)).all()
        assert (alert.channel, alert.code, alert.halted_until) == ("template", 45009, midnight)
    # the alert goes out as customer-service; templates stay halted until midnight
    assert Sender(services).run().counts["sent"] == 1
    assert len(fake_wechat.sent(CUSTOM)) == 1 and len(fake_wechat.calls_to(TEMPLATE)) == 1
    clock.set(midnight)
    assert Sender(services).run().counts["sent"] == 5


def test_bad_data_47003_fails_naming_the_field(make, fake_wechat: FakeWeChat) -> None:
    """47003: the message fails for good, its error names the field."""
    services = make()
    queue_templates(services, 1, data={"thing1": "项目"})
    fake_wechat.inject(TEMPLATE, errcode=47003)
    Sender(services).run()
    row = rows(services)["t:0"]
    assert (row.status, row.last_error_code) == (Status.FAILED, 47003)
    assert "字段 thing1" in row.last_error
    assert len(fake_wechat.calls_to(TEMPLATE)) == 1


@pytest.mark.parametrize("code", [40003, 40037])
def test_bad_openid_or_template_fails_without_retry(make, fake_wechat: FakeWeChat, code: int) -> None:
    """40003 and 40037 are not passing troubles: failed at once."""
    services = make()
    queue_templates(services, 1)
    fake_wechat.inject(TEMPLATE, errcode=code)
    Sender(services).run()
    assert (rows(services)["t:0"].status, rows(services)["t:0"].attempts) == (Status.FAILED, 1)


def test_unconfigured_template_fails_without_calling(make, fake_wechat: FakeWeChat) -> None:
    """A template name without a template_id fails with our own code, never reaching WeChat."""
    services = make()
    queue_templates(services, 1, template="nowhere")
    Sender(services).run()
    row = rows(services)["t:0"]
    assert (row.status, row.last_error_code) == (Status.FAILED, -3) and "nowhere" in row.last_error
    assert fake_wechat.calls_to(TEMPLATE) == []


def test_network_trouble_and_latency(make, fake_wechat: FakeWeChat) -> None:
    """A timeout is retried later; slow answers within the timeout are fine."""
    services = make(wechat={"api_timeout_seconds": 0.3})
    queue_templates(services, 3)
    fake_wechat.latency = 0.05
    fake_wechat.inject(TEMPLATE, delay=0.6)
    report = Sender(services).run()
    assert report.counts["sent"] == 2 and report.counts["retry"] == 1
    retried = [r for r in rows(services).values() if r.status == Status.QUEUED]
    assert [r.last_error_code for r in retried] == [-2]


def test_mass_send_passes_its_key_as_clientmsgid(make, fake_wechat: FakeWeChat) -> None:
    """A mass send carries the outbox key, so WeChat refuses a second one with that key."""
    services = make()
    queue_one(services, "mass:2017-11", Channel.MASS, {"text": "本月结果"}, openid=None)
    Sender(services).run()
    (call,) = fake_wechat.sent("message/mass/sendall")
    assert call.body["clientmsgid"] == "mass:2017-11"
    assert rows(services)["mass:2017-11"].wx_msgid == str(call.answer["msg_id"])


def test_a_follower_who_comes_back_is_written_to_again(make, fake_wechat: FakeWeChat, clock) -> None:
    """The 43004 mark ends when the follower subscribes again."""
    services = make()
    with services.db.session() as s:
        create_user(s, "o_t0")
    fake_wechat.unfollow("o_t0")
    queue_templates(services, 1)
    Sender(services).run()
    fake_wechat.unfollowed.clear()
    clock.advance(dt.timedelta(hours=1))
    with services.db.session() as s:
        user = s.scalar(select(User).where(User.openid == "o_t0"))
        user.subscribed, user.subscribed_at = True, services.now()
    queue_one(services, "back", Channel.TEMPLATE, {"template": "notice", "data": {"thing1": "x"}},
              openid="o_t0")
    Sender(services).run()
    assert rows(services)["back"].status == Status.SENT
