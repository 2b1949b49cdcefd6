"""Helpers for the activity loop's tests: a published activity and its registrants."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from bot.services import Services
from models import activity_rules as rules
from models.accounts import User
from models.activities import Activity
from tests.support import create_user
from tests.support_contest import create_item

TZ = dt.timezone(dt.timedelta(hours=8))
BEFORE = dt.datetime(2017, 11, 5, 9, 0, tzinfo=TZ)      # before the activity of 2017-11-10
DURING = dt.datetime(2017, 11, 10, 10, 0, tzinfo=TZ)


def publish_item(session: Session, services: Services, name: str = "青春志愿行",
                 capacity: int | None = None, intentions: tuple[str, ...] = ("contest",),
                 time_text: str | None = None, now: dt.datetime = BEFORE,
                 walk_ins: bool | None = None, checkout: bool | None = None) -> Activity:
    """A filed, approved activity on 2017-11-10 (or at time_text), published."""
    item = create_item(session, name, intentions=intentions)
    if time_text:
        item.time_text = time_text
    activity, _ = rules.publish(session, item.id, rules.PublishOptions(capacity=capacity, walk_ins=walk_ins,
                                                                   checkout=checkout),
                                "test", now, services.settings.activities, services.tz)
    return activity


def register_people(session: Session, activity: Activity, count: int, prefix: str = "o_p",
                    now: dt.datetime = BEFORE) -> list[User]:
    """`count` followers registered (or waiting) for the activity, in order."""
    users = []
    for i in range(count):
        user = create_user(session, f"{prefix}{i}")
        rules.register(session, activity.item_id, user, f"青年{i}", f"138{i:08d}", now)
        users.append(user)
    return users
