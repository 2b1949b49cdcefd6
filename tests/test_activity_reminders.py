"""The one reminder before an activity, end to end: queued by the job, sent by `push run` to the
fake WeChat API, never to someone who cancelled after it was queued, and never twice."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import select

from bot.services import Services
from bot.wechat.fake_state import FakeWeChat
from core.settings import Settings
from models import activity_jobs
from models import activity_rules as rules
from models.outbox import OutboxMessage, Status
from tests.support_activities import TZ, publish_item, register_people
from tests.support_push import TEMPLATES, push_settings

TEMPLATE = "message/template/send"
REMINDER = {"template_id": "tpl_act_remind", "fields": {"title": "thing1", "result": "thing2",
                                                         "time": "time3"}}
DUE = dt.datetime(2017, 11, 9, 9, 0, tzinfo=TZ)           # within 24 h of 2017-11-10 00:00


@pytest.fixture()
def app(settings_factory: Callable[..., Settings], app_factory: Callable[[Settings], Flask],
        fake_wechat: FakeWeChat) -> Flask:
    """The bot at the fake, the reminder template configured."""
    templates = {**TEMPLATES, "activity_reminder": REMINDER}
    return app_factory(push_settings(settings_factory, fake_wechat, push={"templates": templates}))


def _cli(app: Flask, *args: str) -> tuple[int, str]:
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.output


def _remind(services: Services, now: dt.datetime) -> int:
    with services.db.session() as s:
        return activity_jobs.send_reminders(s, now, services.settings.activities, services.tz)


def _reminded(fake: FakeWeChat) -> list[str]:
    bodies = [c.body or {} for c in fake.sent(TEMPLATE)]
    return sorted(b["touser"] for b in bodies if b.get("template_id") == "tpl_act_remind")


def test_a_queued_reminder_is_withdrawn_by_the_cancellation(app: Flask, fake_wechat: FakeWeChat) -> None:
    services: Services = app.extensions["youthvoice"]
    services.clock.set(DUE)  # type: ignore[attr-defined]
    with services.db.session() as s:
        activity = publish_item(s, services)
        item_id = activity.item_id
        users = register_people(s, activity, 3)
        leaver_id = users[1].id
    assert _remind(services, DUE) == 3
    with services.db.session() as s:
        leaver = s.get(type(users[1]), leaver_id)
        assert leaver is not None
        rules.cancel(s, item_id, leaver, DUE + dt.timedelta(minutes=5), services.settings.activities)
    for _ in range(2):                                      # the job and the sender, twice
        assert _remind(services, DUE + dt.timedelta(minutes=10)) == 0
        code, out = _cli(app, "push", "run")
        assert code == 0, out
    assert _reminded(fake_wechat) == ["o_p0", "o_p2"]
    with services.db.session() as s:
        states = s.scalars(select(OutboxMessage.status).where(OutboxMessage.openid == "o_p1")).all()
    assert states == [Status.WITHDRAWN]
    code, out = _cli(app, "push", "status")
    assert code == 0 and "已撤回" in out


def test_registering_again_after_cancelling_gets_one_new_reminder(app: Flask,
                                                                  fake_wechat: FakeWeChat) -> None:
    services: Services = app.extensions["youthvoice"]
    with services.db.session() as s:
        activity = publish_item(s, services)
        item_id = activity.item_id
        (user,) = register_people(s, activity, 1)
        user_id = user.id
    assert _remind(services, DUE) == 1
    with services.db.session() as s:
        again = s.get(type(user), user_id)
        assert again is not None
        rules.cancel(s, item_id, again, DUE, services.settings.activities)
        rules.register(s, item_id, again, "青年0", "13800000000", DUE + dt.timedelta(minutes=1))
    assert _remind(services, DUE + dt.timedelta(minutes=10)) == 1
    assert _remind(services, DUE + dt.timedelta(minutes=20)) == 0
    _cli(app, "push", "run")
    assert _reminded(fake_wechat) == ["o_p0"]


def test_a_reminder_already_sent_stays_sent_after_cancelling(app: Flask, fake_wechat: FakeWeChat) -> None:
    services: Services = app.extensions["youthvoice"]
    with services.db.session() as s:
        activity = publish_item(s, services)
        item_id = activity.item_id
        (user,) = register_people(s, activity, 1)
        user_id = user.id
    _remind(services, DUE)
    _cli(app, "push", "run")
    with services.db.session() as s:
        cancelled = s.get(type(user), user_id)
        assert cancelled is not None
        rules.cancel(s, item_id, cancelled, DUE + dt.timedelta(hours=1), services.settings.activities)
        states = s.scalars(select(OutboxMessage.status)).all()
    assert states == [Status.SENT] and _reminded(fake_wechat) == ["o_p0"]
