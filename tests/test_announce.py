"""The monthly announcement: who hears what, once, and the mass send within its budget."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import select

from bot.push.sender import Sender
from bot.wechat.fake_state import FakeWeChat
from core.settings import Settings
from core.texts import word
from models.announce import announce
from models.contest_close import close_round
from models.contest_rounds import ContestError, Round, RoundState
from models.outbox import Channel, OutboxMessage, Status, enqueue
from models.subscriptions import subscribe
from tests.support_push import CONTEST, create_closable_round, push_services, push_settings, rows

DEC2 = dt.datetime(2017, 12, 2, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture()
def services(settings_factory: Callable[..., Settings], app_factory: Callable[[Settings], Flask],
             fake_wechat: FakeWeChat, tmp_path):
    """Services with a closed November round, at 2 December."""
    contest = {**CONTEST, "frozen_dir": str(tmp_path)}
    svc = push_services(app_factory, push_settings(settings_factory, fake_wechat, contest=contest,
                                                   announce={"mass_send": True}), now=DEC2)
    create_closable_round(svc)
    with svc.db.session() as s:
        subscribe(s, "o_voter", "2017-11", DEC2)
        close_round(s, "2017-11", svc.settings.contest, DEC2, "test")
    return svc


def test_results_go_to_org_admins_subscribers_and_followers(services, fake_wechat) -> None:
    """Each admin hears their entry's result; subscribers hear the winners are out; one mass send."""
    with services.db.session() as s:
        done = announce(s, services.settings, "2017-11", DEC2)
        assert s.scalar(select(Round.state)) == RoundState.ANNOUNCED
    assert (done.org_admins, done.subscribers, done.mass) == (5, 1, True)
    got = rows(services)
    winner = got["announce:2017-11:e1:o_shilong_a"].payload["data"]
    assert winner["project"] == "项目1" and "优秀" in winner["result"] and "第1名" in winner["result"]
    loser = got["announce:2017-11:e2:o_nancheng"].payload["data"]
    assert "未获评" in loser["result"] and "第2名" in loser["result"]
    assert "项目1（石龙团委）" in got["announce:2017-11:mass"].payload["text"]
    Sender(services).run()
    assert len(fake_wechat.sent("message/template/send")) == 6
    assert len(fake_wechat.sent("message/mass/sendall")) == 1


def test_announcing_twice_sends_nothing_new(services, fake_wechat) -> None:
    """The second announcement queues nothing; the messages go out once."""
    with services.db.session() as s:
        announce(s, services.settings, "2017-11", DEC2)
    Sender(services).run()
    with services.db.session() as s:
        again = announce(s, services.settings, "2017-11", DEC2 + dt.timedelta(hours=1))
    assert (again.org_admins, again.subscribers, again.mass) == (0, 0, False)
    Sender(services).run()
    assert len(rows(services)) == 7
    assert len(fake_wechat.sent("message/template/send")) == 6


def test_mass_send_keeps_within_the_monthly_budget(services) -> None:
    """Four mass sends this month already: no fifth, and the operator is told why."""
    with services.db.session() as s:
        for i in range(4):
            enqueue(s, key=f"other-mass:{i}", purpose="other", openid=None, channel=Channel.MASS,
                    payload={"text": "x"}, now=DEC2)
        done = announce(s, services.settings, "2017-11", DEC2)
    assert not done.mass and "群发" in done.mass_refused
    assert "announce:2017-11:mass" not in rows(services)


def test_failed_mass_sends_do_not_use_the_budget(services) -> None:
    """A mass send that failed reached nobody, so it does not count."""
    with services.db.session() as s:
        for i in range(4):
            row = enqueue(s, key=f"other-mass:{i}", purpose="other", openid=None, channel=Channel.MASS,
                          payload={"text": "x"}, now=DEC2)
            row.status = Status.FAILED
        assert announce(s, services.settings, "2017-11", DEC2).mass


def test_an_open_round_cannot_be_announced(settings_factory, app_factory, fake_wechat, tmp_path) -> None:
    """Results before the close are refused with a clear message."""
    svc = push_services(app_factory, push_settings(settings_factory, fake_wechat,
                                                   contest={**CONTEST, "frozen_dir": str(tmp_path)}))
    create_closable_round(svc)
    with svc.db.session() as s, pytest.raises(ContestError) as refused:
        announce(s, svc.settings, "2017-11", DEC2)
    assert word(refused.value.phrase) == "2017-11 的大赛尚未结束，不能公布结果"
    with svc.db.session() as s:
        assert s.scalar(select(OutboxMessage.id)) is None


def test_contest_announce_command(services, app_factory) -> None:
    """`contest announce YYYY-MM` prints the number queued last, then zero the second time."""
    app = app_factory(services.settings)
    runner = app.test_cli_runner()
    with app.app_context():
        first = runner.invoke(args=["contest", "announce", "2017-11"])
        second = runner.invoke(args=["contest", "announce", "2017-11"])
        bad = runner.invoke(args=["contest", "announce", "2017-13"])
    assert first.exit_code == 0, first.output
    assert first.output.strip().splitlines()[-1] == "7"
    assert second.output.strip().splitlines()[-1] == "0"
    assert bad.exit_code == 1 and "YYYY-MM" in bad.output
