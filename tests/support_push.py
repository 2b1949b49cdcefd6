"""Helpers for the outbox and scheduler tests: services at the fake, queued rows, the fake's log."""
from __future__ import annotations

import collections
import datetime as dt
from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import select

from bot.services import Services
from bot.wechat.fake_state import FakeWeChat
from core.settings import Settings
from models.outbox import Channel, OutboxMessage, enqueue

NOW = dt.datetime(2017, 11, 20, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
TEMPLATES = {
    "contest_result": {"template_id": "tpl_result",
                       "fields": {"project": "thing1", "result": "thing2", "month": "time3"}},
    "results_ready": {"template_id": "tpl_ready",
                      "fields": {"title": "thing1", "winners": "thing2", "month": "time3"}},
    "filing_reminder": {"template_id": "tpl_remind",
                        "fields": {"title": "thing1", "deadline": "time2", "note": "thing3"}},
    "platform_alert": {"template_id": "tpl_alert",
                       "fields": {"title": "thing1", "detail": "thing2", "time": "time3"}},
    "notice": {"template_id": "tpl_notice", "fields": {}},
}
PUSH = {"pool_size": 4, "batch_size": 10, "max_attempts": 3, "backoff_seconds": [60, 300],
        "lease_seconds": 300, "rate_per_minute": 600, "alert_template": "platform_alert",
        "templates": TEMPLATES}


def push_settings(settings_factory: Callable[..., Settings], fake: FakeWeChat,
                  **overrides: Any) -> Settings:
    """Test settings: the API at the fake, the templates configured, quick backoff."""
    push = {**PUSH, **overrides.pop("push", {})}
    wechat = {**fake.override["wechat"], **overrides.pop("wechat", {})}
    return settings_factory(wechat=wechat, push=push, **overrides)


def push_services(app_factory: Callable[[Settings], Flask], settings: Settings,
                  now: dt.datetime | None = NOW) -> Services:
    """Services of a fresh app, the clock fixed at `now` (None: real time)."""
    services: Services = app_factory(settings).extensions["youthvoice"]
    if now is not None:
        services.clock.set(now)  # type: ignore[attr-defined]
    return services


def queue_templates(services: Services, count: int, prefix: str = "t", template: str = "notice",
                    data: dict[str, str] | None = None) -> list[str]:
    """Queue `count` template messages to o_<prefix><i>; returns their keys."""
    keys = []
    with services.db.session() as session:
        for i in range(count):
            key = f"{prefix}:{i}"
            enqueue(session, key=key, purpose="test", openid=f"o_{prefix}{i}", channel=Channel.TEMPLATE,
                    payload={"template": template, "data": data or {"thing1": f"第{i}条"}},
                    now=services.now())
            keys.append(key)
    return keys


def queue_one(services: Services, key: str, channel: Channel, payload: dict[str, Any],
              openid: str | None = "o_one") -> None:
    """Queue one message."""
    with services.db.session() as session:
        enqueue(session, key=key, purpose="test", openid=openid, channel=channel, payload=payload,
                now=services.now())


def rows(services: Services) -> dict[str, OutboxMessage]:
    """Every outbox row by key."""
    with services.db.session() as session:
        return {r.client_msg_id: r for r in session.scalars(select(OutboxMessage))}


def template_msgids(fake: FakeWeChat) -> dict[str, set[int]]:
    """client_msg_id -> the msgids WeChat gave it (one msgid = delivered once)."""
    out: dict[str, set[int]] = collections.defaultdict(set)
    for call in fake.sent("message/template/send"):
        out[(call.body or {}).get("client_msg_id", "")].add(call.answer["msgid"])
    return out


def template_calls(fake: FakeWeChat) -> collections.Counter[str]:
    """How many successful template calls each client_msg_id had."""
    return collections.Counter((c.body or {}).get("client_msg_id", "")
                               for c in fake.sent("message/template/send"))


def create_closable_round(services: Services, month: str = "2017-11") -> None:
    """A voting round of three entries: 项目1 (石龙团委, two admins) wins on judges' scores;
    项目2 (南城团委, one admin) and 项目3 (石龙团委) are shortlisted."""
    from models.contest_rounds import Entry, Round
    from tests.support import create_org
    from tests.support_contest import create_round

    with services.db.session() as s:
        create_org(s, "石龙团委", "石龙", admins=("o_shilong_a", "o_shilong_b"))
        create_org(s, "南城团委", "南城", admins=("o_nancheng",))
        row = create_round(s, services.settings, month, entries=3, orgs=("石龙团委", "南城团委"))
        for entry in s.scalars(select(Entry).where(Entry.round_id == row.id)):
            entry.judge_score = {1: 90.0, 2: 80.0, 3: 70.0}[entry.number]
        assert isinstance(row, Round)


CONTEST = {"winners": 1, "judges_weight": 1.0}
