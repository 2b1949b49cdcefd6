"""The activity loop's longest chat replies stay within WeChat's 2048 bytes."""
from __future__ import annotations

import datetime as dt

from bot.services import Services
from bot.wechat.simulator import Simulator
from models import activity_rules as rules
from tests.support import create_org, create_user
from tests.support_activities import BEFORE, DURING, publish_item, register_people

REPLY_MAX = 2048


def test_the_admins_view_with_long_comments_fits_one_reply(services: Services, sim: Simulator) -> None:
    services.clock.set(DURING)  # type: ignore[attr-defined]
    cfg = services.settings.activities
    with services.db.session() as s:
        create_org(s, "石龙团委", admins=("o_admin",))
        activity = publish_item(s, services, "青" * 30, intentions=("goods", "linkage", "training"))
        activity.item.description = "简" * 200
        for i, user in enumerate(register_people(s, activity, 8)):
            rules.scan(s, activity.checkin_scene, user, DURING, cfg)
            rules.rate(s, activity.item_id, user, 5, f"{i}" + "很" * (cfg.comment_max_chars - 1), DURING, cfg)
        number = activity.item_id
    status, reply = sim.send("o_admin", {"MsgType": "text", "Content": f"活动 {number}"})
    assert status == 200 and "【组织可见】报名 8｜候补 0｜签到 8" in reply
    assert reply.count("5分：") == cfg.comments_shown
    assert len(reply.encode()) <= REPLY_MAX


def test_a_full_page_of_long_names_fits_one_reply(services: Services, sim: Simulator) -> None:
    services.clock.set(BEFORE)  # type: ignore[attr-defined]
    longest = services.settings.filing.name_max_chars
    with services.db.session() as s:
        for i in range(services.settings.activities.page_size + 1):
            publish_item(s, services, f"{i}" + "长" * (longest - 1), capacity=10)
    status, reply = sim.send("o_youth", {"MsgType": "text", "Content": "活动"})
    assert status == 200 and "第 1/2 页" in reply and "发送“活动 2页”看下一页" in reply
    assert len(reply.encode()) <= REPLY_MAX


def test_the_roster_after_the_erasure_says_the_mobiles_are_gone(services: Services, sim: Simulator) -> None:
    from models import activity_jobs

    with services.db.session() as s:
        create_org(s, "石龙团委", admins=("o_admin",))
        activity = publish_item(s, services)
        register_people(s, activity, 1)
        number = activity.item_id
    with services.db.session() as s:
        erased_at = activity.ends_at + dt.timedelta(days=services.settings.activities.erase_days)
        assert activity_jobs.erase_mobiles(s, erased_at, services.settings.activities) == 1
    services.clock.set(erased_at)  # type: ignore[attr-defined]
    status, reply = sim.send("o_admin", {"MsgType": "text", "Content": f"报名名单 {number}"})
    assert status == 200 and reply.splitlines()[1:] == ["1. 青年0 （已删除）｜已报名"]


def test_a_full_roster_page_of_long_names_fits_one_reply(services: Services, sim: Simulator) -> None:
    services.clock.set(BEFORE)  # type: ignore[attr-defined]
    cfg = services.settings.activities
    with services.db.session() as s:
        create_org(s, "石龙团委", admins=("o_admin",))
        activity = publish_item(s, services, "青" * services.settings.filing.name_max_chars, capacity=1)
        for i in range(cfg.roster_page_size + 1):
            user = create_user(s, f"o_long{i}")
            rules.register(s, activity.item_id, user, "名" * cfg.name_max_chars, f"138{i:08d}", BEFORE)
        number = activity.item_id
    status, reply = sim.send("o_admin", {"MsgType": "text", "Content": f"报名名单 {number}"})
    assert status == 200 and "第 1/2 页" in reply and reply.count("候补第") == cfg.roster_page_size - 1
    assert len(reply.encode()) <= REPLY_MAX
