"""活动 in the console: the published activities with exact loop figures, one activity's people and
ratings, its workbook (as `activity export`) and its codes to print (as `activity qrcode`)."""
from __future__ import annotations

import datetime as dt
import html
import io
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select

from bot.services import Services
from bot.wechat.fake_state import FakeWeChat
from core.settings import Settings
from models import activity_rules as rules
from models.activities import Activity, Rating
from models.activity_figures import actual_verdicts
from tests.support import create_user
from tests.support_activities import BEFORE, DURING, TZ, publish_item, register_people
from tests.support_console import VIEWER, create_accounts, login
from tests.support_contest import create_item
from tests.support_wechat import fake_settings

PNG = b"\x89PNG\r\n\x1a\n"
AFTER = dt.datetime(2017, 11, 10, 12, 0, tzinfo=TZ)
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture()
def settings(settings_factory: Callable[..., Settings], fake_wechat: FakeWeChat) -> Settings:
    """The bot pointed at the fake WeChat API (the codes come from qrcode/create)."""
    return fake_settings(settings_factory, fake_wechat)


@pytest.fixture()
def seeded(services: Services) -> dict[str, Any]:
    """An activity with two registered (both checked in, one out), one waiting, one walk-in and two
    ratings (one comment hidden); a later one without 签退; an approved item never published."""
    rules_ = services.settings.activities
    with services.db.session() as s:
        row = publish_item(s, services, name=SCRIPT, capacity=2, checkout=True, walk_ins=True)
        first, second, _waiting = register_people(s, row, 3)
        walk_in = create_user(s, "o_walk")
        for user in (first, second, walk_in):
            rules.scan(s, row.checkin_scene, user, DURING, rules_)
        rules.scan(s, row.checkout_scene, first, DURING + dt.timedelta(hours=1), rules_)
        rules.rate(s, row.item_id, first, 5, "很好", AFTER, rules_)
        rules.rate(s, row.item_id, second, 4, "不想让人看到的话", AFTER, rules_)
        hidden = s.scalar(select(Rating.id).where(Rating.activity_id == row.id, Rating.user_id == second.id))
        assert hidden is not None
        rules.hide_comment(s, hidden, "console:boss", AFTER)
        later_item = create_item(s, "冬日读书会", org="莞城团委", month="2017-12")
        later, _ = rules.publish(s, later_item.id, rules.PublishOptions(), "test", BEFORE, rules_, services.tz)
        never = create_item(s, "未开放的活动")
        return {"id": row.item_id, "in": row.checkin_scene, "out": row.checkout_scene,
                "later": later.item_id, "never": never.id, "activity": row.id}


@pytest.fixture()
def admin(app: Flask, services: Services, clock: Any) -> Any:
    """A logged-in admin's test client, two hours after the activity began."""
    clock.set(AFTER)
    create_accounts(services)
    client = app.test_client()
    assert login(client).status_code == 302
    return client


def test_the_list_shows_each_activity_with_exact_figures(admin: Any, seeded: dict[str, Any]) -> None:
    """Registrations / capacity, waiting, check-ins (walk-ins included), ratings and their mean."""
    page = admin.get("/admin/activities").get_data(as_text=True)
    row = page[page.index(f'id="activity-{seeded["id"]}"'):]
    row = row[:row.index("</tr>")]
    assert 'data-figure="registered">2 / 2<' in row and 'data-figure="waiting">1<' in row
    assert 'data-figure="checked-in">3<' in row and 'data-figure="ratings">2 · 4.5<' in row
    assert html.escape(SCRIPT) in row and SCRIPT not in page
    assert "石龙团委" in row and "2017-11-10 00:00 – 2017-11-11 00:00" in row
    later = page[page.index(f'id="activity-{seeded["later"]}"'):]
    assert 'data-figure="registered">0 / 不限<' in later and 'data-figure="ratings">0 · —<' in later
    # the latest activity first; an approved item that was never published is not listed
    assert page.index(f'id="activity-{seeded["later"]}"') < page.index(f'id="activity-{seeded["id"]}"')
    assert "未开放的活动" not in page
    assert 'href="/admin/activities"' in page   # the nav entry 活动


def test_the_detail_shows_people_ratings_figures_and_verdicts(admin: Any, services: Services,
                                                             seeded: dict[str, Any]) -> None:
    """Names and mobiles, check-in and check-out times, a hidden comment as hidden, the verdicts."""
    page = admin.get(f"/admin/activities/{seeded['id']}").get_data(as_text=True)
    assert html.escape(SCRIPT) in page and SCRIPT not in page
    assert ("报名 2 人，候补 1 人，取消 0 人，签到 3 人（其中现场签到 1 人），签退 1 人，"
            "评分 2 条（平均 4.5），留言 2 条") in page
    people = page[page.index('id="people"'):page.index('id="ratings"')]
    assert people.count("<tr>") == 5   # the header, two registered, one waiting, one walk-in
    assert "青年0" in people and "13800000000" in people and "候补" in people and "现场签到" in people
    assert "2017-11-10 10:00" in people and "2017-11-10 11:00" in people
    assert "仅供平台工作人员" in page
    ratings = page[page.index('id="ratings"'):]
    assert "很好" in ratings and "不想让人看到的话" not in page
    assert "（已隐藏，console:boss 于 2017-11-10 12:00）" in ratings
    with services.db.session() as s:
        activity = s.get(Activity, seeded["activity"])
        assert activity is not None
        _, verdicts = actual_verdicts(s, activity, services.settings.support, AFTER)
    assert verdicts
    for v in verdicts:
        assert html.escape(f"{'✓' if v.eligible else '✗'} 设计大赛：{v.reason}") in page
    assert 'id="code-in"' in page and 'id="code-out"' in page
    later = admin.get(f"/admin/activities/{seeded['later']}").get_data(as_text=True)
    assert 'id="code-in"' in later and 'id="code-out"' not in later and "还没有人报名或签到" in later


def test_an_unpublished_or_unknown_activity_is_not_found(admin: Any, seeded: dict[str, Any]) -> None:
    for path in (f"/admin/activities/{seeded['never']}", "/admin/activities/99999",
                 f"/admin/activities/{seeded['never']}/export.xlsx", "/admin/activities/99999/checkin.png",
                 f"/admin/activities/{seeded['later']}/checkout.png"):
        assert admin.get(path).status_code == 404, path


def test_the_workbook_is_the_export_s(admin: Any, seeded: dict[str, Any]) -> None:
    """Sheets 报名 (walk-ins not on it) and 签到, with the export's Chinese headers."""
    response = admin.get(f"/admin/activities/{seeded['id']}/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["报名", "签到"]
    registered = list(book["报名"].iter_rows(values_only=True))
    assert registered[0] == ("姓名", "手机", "报名时间", "状态")
    assert [r[0] for r in registered[1:]] == ["青年0", "青年1", "青年2"]
    assert [r[3] for r in registered[1:]] == ["已报名", "已报名", "候补"]
    checked = list(book["签到"].iter_rows(values_only=True))
    assert checked[0] == ("姓名", "手机", "签到时间", "签退时间", "时长（分钟）")
    assert checked[1] == ("青年0", "13800000000", "2017-11-10 10:00", "2017-11-10 11:00", 60)
    assert len(checked) == 4


def test_the_codes_are_pngs_from_wechat(admin: Any, seeded: dict[str, Any], fake_wechat: FakeWeChat) -> None:
    """Check-in and 签退 codes each carry their own scene, for a day after the activity ends."""
    response = admin.get(f"/admin/activities/{seeded['id']}/checkin.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.data.startswith(PNG)
    (call,) = fake_wechat.sent("qrcode/create")
    assert call.body == {"expire_seconds": 36 * 3600, "action_name": "QR_STR_SCENE",
                         "action_info": {"scene": {"scene_str": seeded["in"]}}}
    response = admin.get(f"/admin/activities/{seeded['id']}/checkout.png")
    assert response.status_code == 200 and response.data.startswith(PNG)
    body = fake_wechat.sent("qrcode/create")[-1].body or {}
    assert body["action_info"]["scene"]["scene_str"] == seeded["out"]


def test_a_refused_code_is_a_friendly_page(admin: Any, seeded: dict[str, Any], fake_wechat: FakeWeChat) -> None:
    fake_wechat.inject("qrcode/create", errcode=45009)
    response = admin.get(f"/admin/activities/{seeded['id']}/checkin.png")
    assert response.status_code == 502
    assert "45009" in response.get_data(as_text=True)


def test_a_viewer_sees_everything_and_prints_the_code(app: Flask, services: Services, clock: Any,
                                                      seeded: dict[str, Any]) -> None:
    clock.set(AFTER)
    create_accounts(services)
    client = app.test_client()
    assert login(client, VIEWER).status_code == 302
    for path in ("/admin/activities", f"/admin/activities/{seeded['id']}",
                 f"/admin/activities/{seeded['id']}/export.xlsx", f"/admin/activities/{seeded['id']}/checkin.png"):
        assert client.get(path).status_code == 200, path


def test_no_session_goes_to_the_login(client: Any, seeded: dict[str, Any]) -> None:
    for path in ("/admin/activities", f"/admin/activities/{seeded['id']}",
                 f"/admin/activities/{seeded['id']}/export.xlsx", f"/admin/activities/{seeded['id']}/checkin.png"):
        response = client.get(path)
        assert response.status_code == 302 and "/admin/login" in response.headers["Location"], path
