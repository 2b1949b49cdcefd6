"""Reminders before the filing deadline: organisations that have not filed, once per stage."""
from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import pytest
from flask import Flask

from bot.wechat.fake_state import FakeWeChat
from core.settings import Settings
from models.filing import Filing
from scheduler.reminders import filing_reminder, stage
from tests.support import create_org
from tests.support_push import push_services, push_settings, rows

TZ = dt.timezone(dt.timedelta(hours=8))
DEADLINE = dt.date(2017, 11, 17)


@pytest.mark.parametrize(("today", "expected"), [(dt.date(2017, 11, 13), None), (dt.date(2017, 11, 14), 3),
                                                 (dt.date(2017, 11, 15), 3), (dt.date(2017, 11, 16), 1),
                                                 (dt.date(2017, 11, 17), 1), (dt.date(2017, 11, 18), None)])
def test_stage_of_a_day(today: dt.date, expected: int | None) -> None:
    """3 and 1 days before: the stage in force, made up on later days until the deadline."""
    assert stage(DEADLINE, today, [3, 1]) == expected


def test_reminders_go_to_organisations_without_a_filing_once(
        settings_factory: Callable[..., Settings], app_factory: Callable[[Settings], Flask],
        fake_wechat: FakeWeChat) -> None:
    """Filed organisations are left alone; a second run the same day queues nothing new."""
    settings = push_settings(settings_factory, fake_wechat,
                             campaign={"filing_deadline": "2017-11-17"})
    services = push_services(app_factory, settings, now=dt.datetime(2017, 11, 14, 9, tzinfo=TZ))
    with services.db.session() as s:
        create_org(s, "石龙团委", "石龙", admins=("o_a",))
        filed = create_org(s, "南城团委", "南城", admins=("o_b",))
        s.add(Filing(org_id=filed.id, filed_by=1, draft_token=uuid.uuid4().hex))
    filing_reminder(services, services.now())
    filing_reminder(services, services.now())
    assert list(rows(services)) == ["remind:2017-11-17:3:o_a"]
    filing_reminder(services, dt.datetime(2017, 11, 16, 9, tzinfo=TZ))
    assert sorted(rows(services)) == ["remind:2017-11-17:1:o_a", "remind:2017-11-17:3:o_a"]
    assert rows(services)["remind:2017-11-17:1:o_a"].payload["data"]["deadline"] == "2017-11-17"
